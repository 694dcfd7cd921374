package org.openred.social;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.openred.accounts.AccountsClient;
import org.openred.federation.outbox.OutboxWriter;
import org.openred.kernel.KeyedQueues;
import org.openred.kernel.Operations;
import org.openred.kernel.Problem;
import org.openred.kernel.UserId;
import org.openred.node.NodeServices;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.openred.social.GraphStore.ACTIVE;
import static org.openred.social.GraphStore.FOLLOW;
import static org.openred.social.GraphStore.FRIEND;
import static org.openred.social.GraphStore.IN;
import static org.openred.social.GraphStore.OUT;
import static org.openred.social.GraphStore.PENDING;

/**
 * What other nodes send about the social graph (PROTOCOL.md section 5.2, {@code POST /inbox}):
 * friend_request, friend_response, follow, unfollow, block_notice, activity_update. Each is applied
 * idempotently (the inbound layer may hand one over again after a crash) and in order per pair of
 * users; the actor is the envelope's {@code from.username} at the domain that signed it.
 */
public final class InboundSocialVerticle extends VerticleBase {
  private final NodeServices services;
  private final KeyedQueues pairs = new KeyedQueues();
  private SharedOutbox outbox;
  private AccountsClient accounts;
  private SocialEvents events;

  public InboundSocialVerticle(NodeServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    accounts = new AccountsClient(vertx);
    events = new SocialEvents(services.liveEvents());
    return OutboxWriter.load(vertx, services).compose(loaded -> {
      outbox = new SharedOutbox(loaded);
      return Operations.serve(vertx, SocialAddresses.INBOUND, true, LoggerFactory.getLogger(InboundSocialVerticle.class), this::inbound)
          .completion();
    });
  }

  private Future<JsonObject> inbound(JsonObject envelope) {
    String type = envelope.getString("type");
    JsonObject payload = envelope.getJsonObject("payload");
    UserId actor = party(envelope.getJsonObject("from"), envelope.getJsonObject("from").getString("domain"));
    if (type.equals("activity_update") && "profile".equals(payload.getValue("kind"))) {
      return profileChanged(actor);
    }
    if (type.equals("activity_update") && List.of("like", "unlike", "reply").contains(payload.getValue("kind"))) {
      // A reaction to one of this node's posts: the posts verticle checks the actor may see it, and keeps it with the post.
      JsonObject reaction = payload.copy().put("actor", actor.toString());
      return pairs.run("post " + payload.getValue("postId"), () -> vertx.eventBus().<JsonObject>request(SocialAddresses.POST_REACT, reaction)
          .map(reply -> reply.body()));
    }
    if (type.equals("post_share")) {
      return pairs.run("post " + actor, () -> postShare(actor, payload));
    }
    UserId target = party(envelope.getJsonObject("to"), services.config().domain());
    return accounts.requireLocal(List.of(target)).compose(ignored -> pairs.run(actor + " " + target, () -> switch (type) {
      case "friend_request" -> friendRequest(actor, target);
      case "friend_response" -> friendResponse(actor, target, payload.getValue("response"));
      case "follow" -> follow(actor, target);
      case "unfollow" -> unfollow(actor, target, payload.getValue("follower"));
      case "block_notice" -> blockNotice(actor, target, payload.getValue("blocked"));
      case "activity_update" -> activity(actor, target, payload.getValue("kind"));
      default -> Future.failedFuture(new Problem(400, "unsupported-envelope-type", "this node does not take envelopes of type " + type));
    }));
  }

  private static UserId party(JsonObject party, String domain) {
    if (!(party.getValue("username") instanceof String username)) {
      throw new Problem(400, "invalid-envelope", "from.username and to.username are required for this type");
    }
    return UserId.parse(username + "@" + domain);
  }

  private Future<JsonObject> friendRequest(UserId actor, UserId target) {
    String me = target.toString();
    String them = actor.toString();
    var pool = services.database().pool();
    return GraphStore.blockedEitherWay(pool, me, them).compose(blocked -> blocked
        ? Future.failedFuture(new Problem(403, "blocked", "this user does not take requests from " + them))
        : GraphStore.between(pool, me, them)).compose(rows -> {
          GraphStore.Connection friendship = rows.stream().filter(c -> c.type().equals(FRIEND)).findFirst().orElse(null);
          if (friendship != null && friendship.state().equals(ACTIVE)) {
            return Future.succeededFuture(status(200));
          }
          if (friendship != null && friendship.direction().equals(OUT)) {
            // Both asked: the two requests make a friendship, and the asker's node learns it.
            return outbox.write(List.of(outbox.envelope("friend_response", target.username(), GraphVerticle.to(actor),
                    new JsonObject().put("response", "accepted"))), conn -> GraphStore.put(conn, me, them, FRIEND, OUT, ACTIVE))
                .map(id -> {
                  events.tell(me, SocialEvents.CONNECTION_UPDATED, them, FRIEND, ACTIVE);
                  backfill(me, them, true);
                  return status(202);
                });
          }
          return GraphStore.put(pool, me, them, FRIEND, IN, PENDING).map(id -> {
            events.tell(me, SocialEvents.CONNECTION_REQUEST, them, FRIEND, PENDING);
            return status(202);
          });
        });
  }

  /** "accepted" turns the target's own pending request into a friendship; "rejected" ends any friendship between them. */
  private Future<JsonObject> friendResponse(UserId actor, UserId target, Object response) {
    String me = target.toString();
    String them = actor.toString();
    var pool = services.database().pool();
    if ("rejected".equals(response)) {
      return GraphStore.deleteType(pool, me, them, FRIEND).map(ignored -> {
        events.tell(me, SocialEvents.CONNECTION_UPDATED, them, FRIEND, "ended");
        return status(202);
      });
    }
    if (!"accepted".equals(response)) {
      return Future.failedFuture(new Problem(400, "invalid-payload", "response is accepted or rejected"));
    }
    return GraphStore.between(pool, me, them).compose(rows -> {
      boolean asked = rows.stream().anyMatch(c -> c.type().equals(FRIEND));
      if (!asked) {
        // Nothing asked on this side (withdrawn meanwhile): say so, so both sides agree there is no friendship.
        return outbox.write(List.of(outbox.envelope("friend_response", target.username(), GraphVerticle.to(actor),
            new JsonObject().put("response", "rejected"))), conn -> Future.succeededFuture()).map(status(202));
      }
      return GraphStore.put(pool, me, them, FRIEND, OUT, ACTIVE).map(id -> {
        events.tell(me, SocialEvents.CONNECTION_UPDATED, them, FRIEND, ACTIVE);
        backfill(me, them, true);
        return status(202);
      });
    });
  }

  private Future<JsonObject> follow(UserId actor, UserId target) {
    String me = target.toString();
    String them = actor.toString();
    var pool = services.database().pool();
    return GraphStore.blockedEitherWay(pool, me, them).compose(blocked -> blocked
        ? Future.failedFuture(new Problem(403, "blocked", "this user does not take followers from " + them))
        : ProfileStore.get(pool, target.username())).compose(profile -> {
          if (profile.getBoolean("approveFollowers")) {
            return GraphStore.between(pool, me, them).compose(rows -> rows.stream().anyMatch(c -> c.type().equals(FOLLOW) && c.direction().equals(IN))
                ? Future.succeededFuture(status(202))
                : GraphStore.put(pool, me, them, FOLLOW, IN, PENDING).map(id -> {
                  events.tell(me, SocialEvents.CONNECTION_REQUEST, them, FOLLOW, PENDING);
                  return status(202);
                }));
          }
          return outbox.write(List.of(outbox.envelope("activity_update", target.username(), GraphVerticle.to(actor),
                  new JsonObject().put("kind", "follow_accepted"))), conn -> GraphStore.put(conn, me, them, FOLLOW, IN, ACTIVE))
              .map(id -> {
                events.follow(me, them, IN);
                backfill(me, them, false);
                return status(202);
              });
        });
  }

  /** The follow of {@code follower} (the actor, or the target when the actor removed or refused a follower) ends. */
  private Future<JsonObject> unfollow(UserId actor, UserId target, Object follower) {
    String direction;
    if (actor.toString().equals(follower)) {
      direction = IN;
    } else if (target.toString().equals(follower)) {
      direction = OUT;
    } else {
      return Future.failedFuture(new Problem(400, "invalid-payload", "follower names one of the two users"));
    }
    return GraphStore.delete(services.database().pool(), target.toString(), actor.toString(), FOLLOW, direction).map(ignored -> {
      events.tell(target.toString(), SocialEvents.CONNECTION_UPDATED, actor.toString(), FOLLOW, "ended");
      return status(202);
    });
  }

  private Future<JsonObject> blockNotice(UserId actor, UserId target, Object blocked) {
    if (!(blocked instanceof Boolean on)) {
      return Future.failedFuture(new Problem(400, "invalid-payload", "blocked is true or false"));
    }
    String me = target.toString();
    String them = actor.toString();
    Future<Void> applied = on
        ? services.database().pool().withTransaction(conn -> GraphStore.deleteBetween(conn, me, them).compose(ignored -> GraphStore.block(conn, them, me)))
        : GraphStore.unblock(services.database().pool(), them, me).mapEmpty();
    return applied.map(ignored -> {
      events.tell(me, SocialEvents.CONNECTION_UPDATED, them, "block", on ? "blocked" : "unblocked");
      return status(202);
    });
  }

  private Future<JsonObject> activity(UserId actor, UserId target, Object kind) {
    if ("follow_accepted".equals(kind)) {
      String me = target.toString();
      String them = actor.toString();
      var pool = services.database().pool();
      return GraphStore.between(pool, me, them).compose(rows -> rows.stream().noneMatch(c -> c.type().equals(FOLLOW) && c.direction().equals(OUT))
          // Not asked (withdrawn meanwhile): the follow is ended on their side too.
          ? outbox.write(List.of(outbox.envelope("unfollow", target.username(), GraphVerticle.to(actor), new JsonObject().put("follower", me))),
              conn -> Future.succeededFuture()).map(status(202))
          : GraphStore.put(pool, me, them, FOLLOW, OUT, ACTIVE).map(id -> {
            events.follow(me, them, OUT);
            return status(202);
          }));
    }
    return Future.failedFuture(new Problem(400, "unknown-activity", "this node does not take activity_update of kind " + kind));
  }

  /**
   * A post's metadata from its author's node (its content stays there): stored, replaced by a newer
   * version, or removed ({@code deleted}); the local users who may see it learn of a new one live.
   */
  private Future<JsonObject> postShare(UserId actor, JsonObject payload) {
    if (!(payload.getValue("postId") instanceof String id) || !id.matches("[A-Za-z0-9_-]{1,64}")) {
      return Future.failedFuture(new Problem(400, "invalid-payload", "postId is 1 to 64 of [A-Za-z0-9_-]"));
    }
    if (!actor.toString().equals(payload.getValue("author"))) {
      return Future.failedFuture(new Problem(403, "origin-mismatch", "a node shares its own users' posts, as their author"));
    }
    var pool = services.database().pool();
    if (Boolean.TRUE.equals(payload.getValue("deleted"))) {
      return PostStore.deleteRef(pool, actor.toString(), id).map(status(202));
    }
    String visibility = payload.getValue("visibility") instanceof String v ? v : "";
    if (!visibility.equals("public") && !visibility.equals("friends")) {
      return Future.failedFuture(new Problem(400, "invalid-payload", "a shared post is public or friends"));
    }
    Object digest = payload.getValue("digest");
    Object excerpt = payload.getValue("excerpt");
    if (!(digest instanceof String d) || !d.matches("[A-Za-z0-9_-]{43}")) {
      return Future.failedFuture(new Problem(400, "invalid-payload", "digest is a base64url SHA-256"));
    }
    if (excerpt != null && (!visibility.equals("public") || !(excerpt instanceof String e) || e.codePointCount(0, e.length()) > Posts.EXCERPT)) {
      return Future.failedFuture(new Problem(400, "invalid-payload", "only a public post has an excerpt, of at most " + Posts.EXCERPT + " characters"));
    }
    PostStore.Post post = new PostStore.Post(id, actor.toString(), null, visibility, (String) digest, (String) excerpt,
        Posts.time(payload.getValue("created_at")), Posts.time(payload.getValue("updated_at")));
    return PostStore.putRef(pool, post).compose(created -> !created ? Future.succeededFuture(status(202))
        : GraphStore.readersOf(pool, actor.toString(), visibility.equals("public")).map(readers -> {
          readers.forEach(reader -> events.post(reader, post));
          return status(202);
        }));
  }

  /** A user of another node changed their profile: the copy cached here is dropped, so the next read fetches it, and who sees them here is told. */
  private Future<JsonObject> profileChanged(UserId actor) {
    return services.cache().delete(ProfilesVerticle.cacheKey(actor))
        .compose(ignored -> GraphStore.readersOf(services.database().pool(), actor.toString(), true))
        .map(readers -> {
          events.profile(readers, actor);
          return status(202);
        });
  }

  private static JsonObject status(int status) {
    return new JsonObject().put("status", status);
  }

  /** A new friend or follower on another node gets the author's recent posts (fire and forget: a failure only costs the backfill). */
  private void backfill(String author, String peer, boolean friends) {
    UserId other = UserId.parse(peer);
    if (!other.isOn(services.config().domain())) {
      vertx.eventBus().request(SocialAddresses.POST_BACKFILL, new JsonObject().put("author", author).put("domain", other.domain())
          .put("friends", friends)).onFailure(failure -> LoggerFactory.getLogger(InboundSocialVerticle.class).warn("Backfill of {} to {} failed: {}", author,
          other.domain(), failure.getMessage()));
    }
  }
}
