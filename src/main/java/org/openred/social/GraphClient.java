package org.openred.social;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openred.kernel.Problem;
import org.openred.kernel.UserId;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The one answer to "may X see or contact Y", for every module (messaging, posts, feed, files, sync):
 * what the social graph says of a user of this node and others. A node that runs without the social
 * module has no graph, hence no blocks: everyone may contact everyone there.
 */
public final class GraphClient {
  /** What the graph says between one user and another. */
  public record Relation(boolean friends, boolean following, boolean followedBy, boolean blocked) {
    static final Relation NONE = new Relation(false, false, false, false);
  }

  private final Vertx vertx;

  public GraphClient(Vertx vertx) {
    this.vertx = vertx;
  }

  /** How {@code user} (of this node) stands with each of {@code others}. */
  public Future<Map<UserId, Relation>> relations(UserId user, Collection<UserId> others) {
    JsonArray ids = new JsonArray();
    others.forEach(other -> ids.add(other.toString()));
    return vertx.eventBus().<JsonObject>request(SocialAddresses.RELATIONS, new JsonObject().put("user", user.toString()).put("others", ids))
        .map(reply -> {
          Map<UserId, Relation> relations = new HashMap<>();
          JsonObject all = reply.body().getJsonObject("relations");
          for (UserId other : others) {
            JsonObject r = all.getJsonObject(other.toString());
            relations.put(other, r == null ? Relation.NONE : new Relation(r.getBoolean("friends"), r.getBoolean("following"),
                r.getBoolean("followed_by"), r.getBoolean("blocked")));
          }
          return relations;
        })
        .recover(failure -> failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS
            ? Future.succeededFuture(noGraph(others)) : Future.failedFuture(failure));
  }

  /** Succeeds when {@code user} and each of {@code others} may reach each other; 403 {@code blocked} otherwise. */
  public Future<Void> requireContact(UserId user, Collection<UserId> others) {
    if (others.isEmpty()) {
      return Future.succeededFuture();
    }
    return blocked(user, others).compose(blocked -> blocked.isEmpty() ? Future.succeededFuture()
        : Future.failedFuture(new Problem(403, "blocked", user + " and " + blocked.get(0) + " cannot reach each other")));
  }

  /** Those of {@code others} blocked either way with {@code user} (of this node). */
  public Future<java.util.List<UserId>> blocked(UserId user, Collection<UserId> others) {
    JsonArray ids = new JsonArray();
    others.forEach(other -> ids.add(other.toString()));
    return vertx.eventBus().<JsonObject>request(SocialAddresses.BLOCKED, new JsonObject().put("user", user.toString()).put("others", ids))
        .map(reply -> reply.body().getJsonArray("blocked").stream().map(UserId::parse).toList())
        .recover(failure -> failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS
            ? Future.succeededFuture(java.util.List.of()) : Future.failedFuture(failure));
  }

  private static Map<UserId, Relation> noGraph(Collection<UserId> others) {
    Map<UserId, Relation> relations = new HashMap<>();
    others.forEach(other -> relations.put(other, Relation.NONE));
    return relations;
  }

  /** The other nodes this node's users are connected with: whom the sync module asks to catch up. */
  public Future<java.util.List<String>> peerDomains() {
    return vertx.eventBus().<JsonObject>request(SocialAddresses.PEER_DOMAINS, new JsonObject())
        .map(reply -> reply.body().getJsonArray("domains").stream().map(String.class::cast).toList())
        .recover(failure -> failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS
            ? Future.succeededFuture(java.util.List.of()) : Future.failedFuture(failure));
  }
}
