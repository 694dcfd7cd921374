package org.openred.social;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.federation.outbox.OutboxWriter;
import org.openred.kernel.UserId;
import org.openred.node.AccountCleanup;
import org.openred.node.NodeServices;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.openred.social.GraphStore.ACTIVE;
import static org.openred.social.GraphStore.FRIEND;
import static org.openred.social.GraphStore.IN;

/**
 * A deleted account's social side: each friend's and follower's node told as if the user had ended
 * the connection (friend_response rejected, unfollow), each shared post withdrawn (post_share
 * deleted), then the profile, connections (both sides, for local peers), blocks, posts and the
 * user's likes and replies gone from this node, in the one transaction that queues those envelopes.
 */
final class SocialAccountCleanup implements AccountCleanup {
  private final Vertx vertx;
  private final NodeServices services;

  SocialAccountCleanup(Vertx vertx, NodeServices services) {
    this.vertx = vertx;
    this.services = services;
  }

  @Override
  public String module() {
    return "social";
  }

  @Override
  public Future<Void> deleteUser(UserId user) {
    String me = user.toString();
    var pool = services.database().pool();
    return Future.all(OutboxWriter.load(vertx, services), GraphStore.of(pool, me),
            SqlTemplate.forQuery(pool, "SELECT id, visibility FROM posts WHERE author = #{a}").execute(Map.of("a", user.username())))
        .compose(all -> {
          SharedOutbox outbox = new SharedOutbox(all.resultAt(0));
          List<GraphStore.Connection> connections = all.resultAt(1);
          Set<String> friendDomains = new HashSet<>();
          Set<String> followerDomains = new HashSet<>();
          List<JsonObject> envelopes = new ArrayList<>();
          List<GraphStore.Connection> local = new ArrayList<>();
          for (GraphStore.Connection c : connections) {
            UserId peer = UserId.parse(c.peer());
            if (peer.isOn(services.config().domain())) {
              local.add(c);
              continue;
            }
            if (c.type().equals(FRIEND)) {
              envelopes.add(outbox.envelope("friend_response", user.username(), GraphVerticle.to(peer), new JsonObject().put("response", "rejected")));
              if (c.state().equals(ACTIVE)) {
                friendDomains.add(peer.domain());
              }
            } else {
              boolean follower = c.direction().equals(IN);
              envelopes.add(outbox.envelope("unfollow", user.username(), GraphVerticle.to(peer), new JsonObject().put("follower", follower ? c.peer() : me)));
              if (follower && c.state().equals(ACTIVE)) {
                followerDomains.add(peer.domain());
              }
            }
          }
          for (Row row : all.<io.vertx.sqlclient.RowSet<Row>>resultAt(2)) {
            String id = row.getString("id");
            Set<String> audience = new HashSet<>();
            if (!row.getString("visibility").equals("private")) {
              audience.addAll(friendDomains);
            }
            if (row.getString("visibility").equals("public")) {
              audience.addAll(followerDomains);
            }
            audience.forEach(domain -> envelopes.add(outbox.envelope("post_share", user.username(), domain,
                new JsonObject().put("postId", id).put("author", me).put("deleted", true))));
          }
          return outbox.write(envelopes, conn -> erase(conn, user)).onSuccess(ignored -> {
            SocialEvents events = new SocialEvents(services.liveEvents());
            local.forEach(c -> events.tell(c.peer(), SocialEvents.CONNECTION_UPDATED, me, c.type(), "ended"));
          });
        }).mapEmpty();
  }

  private static Future<Void> erase(SqlConnection conn, UserId user) {
    Map<String, Object> who = Map.of("me", user.toString(), "name", user.username());
    List<String> statements = new ArrayList<>(List.of(
        "DELETE FROM connections WHERE owner = #{me} OR peer = #{me}",
        "DELETE FROM blocks WHERE blocker = #{me} OR blocked = #{me}",
        "DELETE FROM post_likes WHERE user_id = #{me} OR post_id IN (SELECT id FROM posts WHERE author = #{name})",
        "DELETE FROM post_replies WHERE author = #{me} OR post_id IN (SELECT id FROM posts WHERE author = #{name})",
        "DELETE FROM posts WHERE author = #{name}",
        "DELETE FROM profiles WHERE username = #{name}"));
    Future<Void> done = Future.succeededFuture();
    for (String sql : statements) {
      done = done.compose(ignored -> SqlTemplate.forUpdate(conn, sql).execute(who).mapEmpty());
    }
    return done;
  }
}
