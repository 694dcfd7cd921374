package org.openred.messaging;

import io.vertx.core.json.JsonObject;
import org.openred.kernel.LiveEvents;
import org.openred.kernel.UserId;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The live events of conversations, for the participants who live on this node. */
final class ConversationEvents {
  static final String CONVERSATION_UPDATED = "conversation.updated";
  static final String MESSAGE_NEW = "message.new";
  /** Another node accepted (delivered) or refused for good (failed) one of the user's messages. */
  static final String MESSAGE_DELIVERY = "message.delivery";
  static final Set<String> KINDS = Set.of(CONVERSATION_UPDATED, MESSAGE_NEW, MESSAGE_DELIVERY);

  private final LiveEvents live;

  ConversationEvents(LiveEvents live) {
    this.live = live;
  }

  void notify(Iterable<String> users, String kind, String conversationId) {
    notify(users, kind, conversationId, new JsonObject());
  }

  void notify(Iterable<String> users, String kind, String conversationId, JsonObject extra) {
    List<UserId> ids = new ArrayList<>();
    users.forEach(user -> ids.add(UserId.parse(user)));
    live.publish(ids, kind, extra.copy().put("conversationId", conversationId));
  }
}
