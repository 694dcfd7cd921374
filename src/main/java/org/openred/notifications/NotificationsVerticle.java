package org.openred.notifications;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.openred.kernel.Addresses;
import org.openred.kernel.KeyedQueues;
import org.openred.kernel.Operations;
import org.openred.kernel.Problem;
import org.openred.kernel.UserId;
import org.openred.node.NodeServices;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Records, from every live event published to a user of this node, those someone else caused
 * (requests, acceptances, new followers, likes, replies, messages), one user at a time so that a
 * conversation's unread messages stay one row; serves the list and marks it read.
 */
public final class NotificationsVerticle extends VerticleBase {
  /** A notification was recorded: {notification, unread}. */
  static final String NOTIFICATION_NEW = "notification.new";
  private static final Pattern CURSOR = Pattern.compile("[0-9T:.Z-]{10,40}~[A-Za-z0-9-]{1,64}");

  private final NodeServices services;
  private final KeyedQueues owners = new KeyedQueues();

  public NotificationsVerticle(NodeServices services) {
    this.services = services;
  }

  /** What is worth a notification: {kind, subject, data}, or null for what the user did or needs no word about. */
  record Noted(String kind, String subject, JsonObject data, boolean grouped) {
  }

  static Noted noted(UserId owner, JsonObject event) {
    String type = event.getString("type", "");
    if (Boolean.TRUE.equals(event.getValue("self"))) {
      return null;
    }
    String other = event.getValue("userId") instanceof String id ? id : null;
    return switch (type) {
      case "connection.request" -> other == null ? null
          : new Noted("friend".equals(event.getString("connection")) ? "friend_request" : "follow_request", other, new JsonObject().put("userId", other), false);
      case "connection.updated" -> {
        if (other == null || !"active".equals(event.getString("state"))) {
          yield null;
        }
        if ("friend".equals(event.getString("connection"))) {
          yield new Noted("friend_accepted", other, new JsonObject().put("userId", other), false);
        }
        yield "follow".equals(event.getString("connection"))
            ? new Noted("in".equals(event.getString("direction")) ? "new_follower" : "follow_accepted", other, new JsonObject().put("userId", other), false)
            : null;
      }
      case "post.reaction" -> {
        String kind = event.getString("kind", "");
        yield other == null || other.equals(owner.toString()) || !(kind.equals("like") || kind.equals("reply")) ? null
            : new Noted(kind, event.getString("postId", ""), new JsonObject().put("userId", other).put("postId", event.getString("postId")), false);
      }
      case "message.new" -> {
        String sender = event.getValue("senderId") instanceof String s ? s : null;
        String conversation = event.getValue("conversationId") instanceof String c ? c : null;
        yield sender == null || conversation == null || sender.equals(owner.toString()) ? null
            : new Noted("message", conversation, new JsonObject().put("conversationId", conversation).put("senderId", sender), true);
      }
      default -> null;
    };
  }

  @Override
  public Future<?> start() {
    return Future.all(
        vertx.eventBus().<JsonObject>localConsumer(Addresses.LIVE_PUBLISHED, this::observed).completion(),
        Operations.serveAll(vertx, LoggerFactory.getLogger(NotificationsVerticle.class), Map.of(
            NotificationsAddresses.LIST, this::list,
            NotificationsAddresses.READ, this::read)));
  }

  private void observed(Message<JsonObject> message) {
    UserId owner = UserId.parse(message.body().getValue("userId"));
    Noted noted = noted(owner, message.body().getJsonObject("event"));
    if (noted == null) {
      return;
    }
    var pool = services.database().pool();
    owners.run(owner.toString(), () -> NotificationStore.record(pool, owner.toString(), noted)
            .compose(notification -> NotificationStore.unread(pool, owner.toString()).map(unread -> new JsonObject()
                .put("notification", notification).put("unread", unread))))
        .onSuccess(event -> services.liveEvents().publish(owner, NOTIFICATION_NEW, event))
        .onFailure(failure -> LoggerFactory.getLogger(NotificationsVerticle.class).warn("A notification for {} was not recorded: {}", owner, failure.getMessage()));
  }

  private Future<JsonObject> list(JsonObject body) {
    String owner = UserId.parse(body.getValue("caller")).toString();
    Object before = body.getValue("before");
    if (before != null && !(before instanceof String text && CURSOR.matcher(text).matches())) {
      throw new Problem(400, "invalid-query", "cursor is the next of an earlier page");
    }
    var pool = services.database().pool();
    return Future.all(NotificationStore.page(pool, owner, (String) before), NotificationStore.unread(pool, owner))
        .map(all -> all.<JsonObject>resultAt(0).put("unread", all.<Long>resultAt(1)));
  }

  /** {caller, subject?} -> {unread}: all of the caller's read, or those about one subject (a conversation, a post). */
  private Future<JsonObject> read(JsonObject body) {
    String owner = UserId.parse(body.getValue("caller")).toString();
    Object subject = body.getValue("subject");
    if (subject != null && !(subject instanceof String text && text.matches("[A-Za-z0-9_@.:-]{1,200}"))) {
      throw new Problem(400, "invalid-field", "subject is a conversation or post id");
    }
    var pool = services.database().pool();
    return owners.run(owner, () -> NotificationStore.markRead(pool, owner, (String) subject))
        .compose(ignored -> NotificationStore.unread(pool, owner)).map(unread -> new JsonObject().put("unread", unread));
  }
}
