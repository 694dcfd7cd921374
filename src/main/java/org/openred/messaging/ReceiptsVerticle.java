package org.openred.messaging;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openred.kernel.Addresses;
import org.openred.kernel.UserId;
import org.openred.node.NodeServices;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Delivery receipts: when another node accepted (or refused for good) a direct_message of one of
 * this node's users, the message's receipt for that node is settled and the sender told live
 * (message.delivery), so their app says "delivered to b.example" rather than only "sent".
 */
public final class ReceiptsVerticle extends VerticleBase {
  private final NodeServices services;

  public ReceiptsVerticle(NodeServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.FEDERATION_DELIVERED, this::settled).completion();
  }

  private void settled(Message<JsonObject> message) {
    String destination = message.body().getString("destination");
    settle(destination, message.body().getJsonArray("delivered", new JsonArray()), "delivered");
    settle(destination, message.body().getJsonArray("failed", new JsonArray()), "failed");
  }

  private void settle(String destination, JsonArray bodies, String state) {
    for (Object item : bodies) {
      // Most envelopes are not messages: only those are read.
      if (!(item instanceof String text) || !text.contains("\"direct_message\"")) {
        continue;
      }
      JsonObject envelope = new JsonObject(text);
      if (!"direct_message".equals(envelope.getString("type"))) {
        continue;
      }
      JsonObject payload = envelope.getJsonObject("payload", new JsonObject());
      String conversationId = payload.getString("conversationId");
      String messageId = payload.getJsonObject("payload", new JsonObject()).getJsonObject("associatedData", new JsonObject()).getString("messageId");
      String sender = envelope.getJsonObject("from", new JsonObject()).getString("username");
      if (conversationId == null || messageId == null || sender == null) {
        continue;
      }
      UserId from = UserId.parse(sender + "@" + services.config().domain());
      Receipts.settle(services.database().pool(), conversationId, messageId, destination, state)
          .onSuccess(changed -> {
            if (changed) {
              services.liveEvents().publish(List.of(from), ConversationEvents.MESSAGE_DELIVERY, new JsonObject().put("conversationId", conversationId)
                  .put("messageId", messageId).put("domain", destination).put("state", state));
            }
          })
          .onFailure(failure -> LoggerFactory.getLogger(ReceiptsVerticle.class).warn("Receipt of {} at {} not recorded: {}", messageId, destination,
              failure.getMessage()));
    }
  }
}
