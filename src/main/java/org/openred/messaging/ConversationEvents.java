package org.openred.messaging;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.openred.bus.Addresses;

/** Live events on {@code user.<username>} for this node's users (bridged to their browsers). */
final class ConversationEvents {
  private final Vertx vertx;
  private final ConversationStore store;

  ConversationEvents(Vertx vertx, ConversationStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  void notify(Iterable<String> users, String type, String conversationId) {
    notify(users, type, conversationId, new JsonObject());
  }

  void notify(Iterable<String> users, String type, String conversationId, JsonObject extra) {
    for (String user : users) {
      if (store.local(user)) {
        vertx.eventBus().publish(Addresses.USER_PREFIX + user.substring(0, user.lastIndexOf('@')),
            extra.copy().put("type", type).put("conversationId", conversationId));
      }
    }
  }
}
