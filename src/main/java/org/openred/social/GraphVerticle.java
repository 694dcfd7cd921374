package org.openred.social;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import org.openred.accounts.AccountsClient;
import org.openred.federation.outbox.OutboxWriter;
import org.openred.kernel.Operations;
import org.openred.kernel.Problem;
import org.openred.kernel.UserId;
import org.openred.node.NodeServices;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.openred.social.GraphStore.ACTIVE;
import static org.openred.social.GraphStore.FOLLOW;
import static org.openred.social.GraphStore.FRIEND;
import static org.openred.social.GraphStore.IN;
import static org.openred.social.GraphStore.OUT;
import static org.openred.social.GraphStore.PENDING;

/**
 * The social graph, from the client API (PROTOCOL.md section 8): friend requests and their answers,
 * follows (asymmetric; a user may approve followers), unfriend and unfollow, blocks (which end every
 * connection both ways and refuse what follows), and the graph's answers to other modules. A change
 * with a user of another node is one transaction with the envelope that tells that node.
 */
public final class GraphVerticle extends VerticleBase {
  private final NodeServices services;
  private SharedOutbox outbox;
  private AccountsClient accounts;
  private SocialEvents events;

  public GraphVerticle(NodeServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    accounts = new AccountsClient(vertx);
    events = new SocialEvents(services.liveEvents());
    return OutboxWriter.load(vertx, services).compose(loaded -> {
      outbox = new SharedOutbox(loaded);
      return Operations.serveAll(vertx, LoggerFactory.getLogger(GraphVerticle.class), Map.of(
          SocialAddresses.CONNECT, this::connect,
          SocialAddresses.ACCEPT, this::accept,
          SocialAddresses.REJECT, this::reject,
          SocialAddresses.DISCONNECT, this::disconnect,
          SocialAddresses.BLOCK, this::block,
          SocialAddresses.UNBLOCK, this::unblock,
          SocialAddresses.CONNECTIONS, this::connections,
          SocialAddresses.RELATIONS, this::relations,
          SocialAddresses.BLOCKED, this::blocked,
          SocialAddresses.PEER_DOMAINS, this::peerDomains));
    });
  }

  private boolean local(UserId user) {
    return user.isOn(services.config().domain());
  }

  /** The other user of a call: a valid user id, not the caller, with an account when local. */
  private Future<UserId> other(UserId caller, Object value) {
    UserId target = UserId.parse(value);
    if (target.equals(caller)) {
      return Future.failedFuture(new Problem(400, "self-connection", "that is you"));
    }
    return (local(target) ? accounts.requireLocal(List.of(target)) : Future.<Void>succeededFuture()).map(target);
  }

  /** {caller, target, type: friend|follow} -> {connection}; 403 blocked, 409 already-connected. */
  private Future<JsonObject> connect(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    Object type = body.getValue("type");
    if (!FRIEND.equals(type) && !FOLLOW.equals(type)) {
      throw new Problem(400, "invalid-connection-type", "type is friend or follow");
    }
    return other(caller, body.getValue("target")).compose(target -> services.database().pool().withConnection(conn ->
            GraphStore.blockedEitherWay(conn, caller.toString(), target.toString()).compose(blocked -> blocked
                ? Future.failedFuture(new Problem(403, "blocked", "you and " + target + " cannot reach each other"))
                : GraphStore.between(conn, caller.toString(), target.toString())))
        .compose(rows -> FRIEND.equals(type) ? befriend(caller, target, rows) : follow(caller, target, rows)));
  }

  private Future<JsonObject> befriend(UserId caller, UserId target, List<GraphStore.Connection> rows) {
    String me = caller.toString();
    String them = target.toString();
    GraphStore.Connection friendship = find(rows, FRIEND, null);
    if (friendship != null && (friendship.state().equals(ACTIVE) || friendship.direction().equals(OUT))) {
      return Future.failedFuture(new Problem(409, "already-connected", friendship.state().equals(ACTIVE)
          ? "you are friends with " + them : "you asked " + them + " already"));
    }
    if (friendship != null) {
      // They asked first: asking back is accepting.
      return accept(new JsonObject().put("caller", me).put("id", friendship.id()));
    }
    List<JsonObject> envelopes = local(target) ? List.of()
        : List.of(outbox.envelope("friend_request", caller.username(), to(target), new JsonObject()));
    return outbox.write(envelopes, conn -> GraphStore.put(conn, me, them, FRIEND, OUT, PENDING)
            .compose(id -> local(target) ? GraphStore.put(conn, them, me, FRIEND, IN, PENDING).map(id) : Future.succeededFuture(id)))
        .compose(id -> {
          events.tell(them, SocialEvents.CONNECTION_REQUEST, me, FRIEND, PENDING);
          return connection(me, id);
        });
  }

  private Future<JsonObject> follow(UserId caller, UserId target, List<GraphStore.Connection> rows) {
    String me = caller.toString();
    String them = target.toString();
    GraphStore.Connection following = find(rows, FOLLOW, OUT);
    if (following != null) {
      return Future.failedFuture(new Problem(409, "already-connected", following.state().equals(ACTIVE)
          ? "you follow " + them : "you asked to follow " + them + " already"));
    }
    if (!local(target)) {
      // Pending until their node says yes (at once, unless they approve their followers).
      return outbox.write(List.of(outbox.envelope("follow", caller.username(), to(target), new JsonObject())),
              conn -> GraphStore.put(conn, me, them, FOLLOW, OUT, PENDING))
          .compose(id -> connection(me, id));
    }
    return ProfileStore.get(services.database().pool(), target.username()).compose(profile -> {
      String state = profile.getBoolean("approveFollowers") ? PENDING : ACTIVE;
      return services.database().pool().withTransaction(conn -> GraphStore.put(conn, me, them, FOLLOW, OUT, state)
              .compose(id -> GraphStore.put(conn, them, me, FOLLOW, IN, state).map(id)))
          .compose(id -> {
            if (state.equals(PENDING)) {
              events.tell(them, SocialEvents.CONNECTION_REQUEST, me, FOLLOW, PENDING);
            } else {
              events.follow(them, me, IN);
            }
            return connection(me, id);
          });
    });
  }

  /** {caller, id} of a request to the caller -> {connection}, now active; 404 for anything else. */
  private Future<JsonObject> accept(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    String me = caller.toString();
    return incoming(caller, body.getValue("id")).compose(request -> {
      UserId peer = UserId.parse(request.peer());
      List<JsonObject> envelopes = local(peer) ? List.of() : List.of(request.type().equals(FRIEND)
          ? outbox.envelope("friend_response", caller.username(), to(peer), new JsonObject().put("response", "accepted"))
          : outbox.envelope("activity_update", caller.username(), to(peer), new JsonObject().put("kind", "follow_accepted")));
      return outbox.write(envelopes, conn -> GraphStore.put(conn, me, request.peer(), request.type(), IN, ACTIVE)
              .compose(id -> local(peer) ? GraphStore.put(conn, request.peer(), me, request.type(), OUT, ACTIVE).map(id) : Future.succeededFuture(id)))
          .compose(id -> {
            if (request.type().equals(FRIEND)) {
              events.tell(request.peer(), SocialEvents.CONNECTION_UPDATED, me, FRIEND, ACTIVE);
            } else {
              events.follow(request.peer(), me, OUT);
            }
            events.echo(me, SocialEvents.CONNECTION_UPDATED, request.peer(), request.type(), ACTIVE);
            backfill(me, request.peer(), request.type().equals(FRIEND));
            return connection(me, id);
          });
    });
  }

  /** {caller, id} of a request to the caller: declined; the asker's node is told. */
  private Future<JsonObject> reject(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    return incoming(caller, body.getValue("id")).compose(request -> end(caller, request));
  }

  /** {caller, id} of any of the caller's connections: cancelled, unfriended, unfollowed, or a follower removed. */
  private Future<JsonObject> disconnect(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    return mine(caller, body.getValue("id")).compose(connection -> end(caller, connection));
  }

  /**
   * Ends a connection on both sides. A friendship ends with friend_response "rejected" (whichever side
   * ends it, and whether it was asked or held); a follow with unfollow naming the follower.
   */
  private Future<JsonObject> end(UserId caller, GraphStore.Connection connection) {
    String me = caller.toString();
    UserId peer = UserId.parse(connection.peer());
    boolean friend = connection.type().equals(FRIEND);
    String follower = connection.direction().equals(OUT) ? me : connection.peer();
    List<JsonObject> envelopes = local(peer) ? List.of() : List.of(friend
        ? outbox.envelope("friend_response", caller.username(), to(peer), new JsonObject().put("response", "rejected"))
        : outbox.envelope("unfollow", caller.username(), to(peer), new JsonObject().put("follower", follower)));
    String theirDirection = connection.direction().equals(OUT) ? IN : OUT;
    return outbox.write(envelopes, conn -> (friend ? GraphStore.deleteType(conn, me, connection.peer(), FRIEND)
            : GraphStore.delete(conn, me, connection.peer(), FOLLOW, connection.direction()))
            .compose(ignored -> !local(peer) ? Future.<Void>succeededFuture()
                : friend ? GraphStore.deleteType(conn, connection.peer(), me, FRIEND)
                : GraphStore.delete(conn, connection.peer(), me, FOLLOW, theirDirection)))
        .map(ignored -> {
          events.tell(connection.peer(), SocialEvents.CONNECTION_UPDATED, me, connection.type(), "ended");
          events.echo(me, SocialEvents.CONNECTION_UPDATED, connection.peer(), connection.type(), "ended");
          return new JsonObject().put("userId", connection.peer()).put("type", connection.type()).put("state", "ended");
        });
  }

  /**
   * {caller, target}: every connection between them ends, both ways, and neither may ask, follow or
   * message the other until the block is lifted; the blocked user's node is told (block_notice).
   */
  private Future<JsonObject> block(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    String me = caller.toString();
    return other(caller, body.getValue("target")).compose(target -> {
      String them = target.toString();
      List<JsonObject> envelopes = local(target) ? List.of()
          : List.of(outbox.envelope("block_notice", caller.username(), to(target), new JsonObject().put("blocked", true)));
      return outbox.write(envelopes, conn -> GraphStore.deleteBetween(conn, me, them).compose(ignored -> GraphStore.block(conn, me, them)))
          .map(ignored -> {
            events.tell(them, SocialEvents.CONNECTION_UPDATED, me, "block", "blocked");
            events.echo(me, SocialEvents.CONNECTION_UPDATED, them, "block", "blocked");
            return new JsonObject().put("userId", them).put("blocked", true);
          });
    });
  }

  /** {caller, userId}: the caller's block lifted (no connection comes back by itself); 404 when there was none. */
  private Future<JsonObject> unblock(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    UserId target = UserId.parse(body.getValue("userId"));
    String me = caller.toString();
    List<JsonObject> envelopes = local(target) ? List.of()
        : List.of(outbox.envelope("block_notice", caller.username(), to(target), new JsonObject().put("blocked", false)));
    return outbox.write(envelopes, conn -> GraphStore.unblock(conn, me, target.toString()), lifted -> lifted)
        .compose(lifted -> lifted ? Future.succeededFuture(new JsonObject().put("userId", target.toString()).put("blocked", false))
            : Future.failedFuture(new Problem(404, "not-blocked", "you did not block " + target)));
  }

  /** {caller} -> {incoming, outgoing, friends, following, followers, blocked}. */
  private Future<JsonObject> connections(JsonObject body) {
    String me = UserId.parse(body.getValue("caller")).toString();
    var pool = services.database().pool();
    return Future.all(GraphStore.of(pool, me), GraphStore.blockedBy(pool, me)).map(all -> {
      JsonObject answer = new JsonObject();
      for (String list : new String[] {"incoming", "outgoing", "friends", "following", "followers", "blocked"}) {
        answer.put(list, new JsonArray());
      }
      for (GraphStore.Connection c : all.<List<GraphStore.Connection>>resultAt(0)) {
        String list = c.state().equals(PENDING) ? (c.direction().equals(IN) ? "incoming" : "outgoing")
            : c.type().equals(FRIEND) ? "friends" : c.direction().equals(OUT) ? "following" : "followers";
        answer.getJsonArray(list).add(c.toJson());
      }
      all.<List<JsonObject>>resultAt(1).forEach(answer.getJsonArray("blocked")::add);
      return answer;
    });
  }

  /** {user, others} -> {relations}: for {@link GraphClient}. */
  private Future<JsonObject> relations(JsonObject body) {
    String user = UserId.parse(body.getValue("user")).toString();
    List<String> others = new ArrayList<>();
    for (Object other : body.getJsonArray("others", new JsonArray())) {
      others.add(UserId.parse(other).toString());
    }
    return GraphStore.relations(services.database().pool(), user, others).map(relations -> new JsonObject().put("relations", relations));
  }

  private Future<JsonObject> peerDomains(JsonObject body) {
    return GraphStore.peers(services.database().pool()).map(peers -> {
      java.util.Set<String> domains = new java.util.TreeSet<>();
      peers.forEach(peer -> domains.add(UserId.parse(peer).domain()));
      domains.remove(services.config().domain());
      return new JsonObject().put("domains", new JsonArray(new ArrayList<>(domains)));
    });
  }

  /** {user, others} -> {blocked}: for {@link GraphClient#requireContact}, one query. */
  private Future<JsonObject> blocked(JsonObject body) {
    String user = UserId.parse(body.getValue("user")).toString();
    List<String> others = new ArrayList<>();
    for (Object other : body.getJsonArray("others", new JsonArray())) {
      others.add(UserId.parse(other).toString());
    }
    return GraphStore.blockedAmong(services.database().pool(), user, others).map(blocked -> new JsonObject().put("blocked", new JsonArray(blocked)));
  }

  /** A pending request to the caller, by its id; 404 otherwise (the same answer whether it exists or not). */
  private Future<GraphStore.Connection> incoming(UserId caller, Object id) {
    return mine(caller, id).compose(connection -> connection.direction().equals(IN) && connection.state().equals(PENDING)
        ? Future.succeededFuture(connection)
        : Future.failedFuture(new Problem(404, "unknown-connection", "no such request")));
  }

  private Future<GraphStore.Connection> mine(UserId caller, Object id) {
    if (!(id instanceof String text) || text.length() > 64) {
      return Future.failedFuture(new Problem(404, "unknown-connection", "no such connection"));
    }
    return GraphStore.byId(services.database().pool(), caller.toString(), text).compose(connection -> connection == null
        ? Future.failedFuture(new Problem(404, "unknown-connection", "no such connection"))
        : Future.succeededFuture(connection));
  }

  private Future<JsonObject> connection(String owner, String id) {
    return GraphStore.byId(services.database().pool(), owner, id).map(c -> new JsonObject().put("connection", c.toJson()));
  }

  private static GraphStore.Connection find(List<GraphStore.Connection> rows, String type, String direction) {
    return rows.stream().filter(c -> c.type().equals(type) && (direction == null || c.direction().equals(direction))).findFirst().orElse(null);
  }

  static JsonObject to(UserId user) {
    return new JsonObject().put("domain", user.domain()).put("username", user.username());
  }

  /** A new friend or follower on another node gets the author's recent posts (fire and forget: a failure only costs the backfill). */
  private void backfill(String author, String peer, boolean friends) {
    UserId other = UserId.parse(peer);
    if (!other.isOn(services.config().domain())) {
      vertx.eventBus().request(SocialAddresses.POST_BACKFILL, new JsonObject().put("author", author).put("domain", other.domain())
          .put("friends", friends)).onFailure(failure -> LoggerFactory.getLogger(GraphVerticle.class).warn("Backfill of {} to {} failed: {}", author,
          other.domain(), failure.getMessage()));
    }
  }
}
