package org.openred.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openred.crypto.B64u;

import java.security.SecureRandom;
import java.time.Instant;

/**
 * Payloads of a conversation between a user of one node and a user of another, written by hand as
 * PROTOCOL.md section 5.2 spells them (not built by the node's code): what the receiving node must
 * accept and apply. The cryptography is opaque to servers, so random bytes of the right sizes stand in.
 */
public final class Chat {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Chat() {
  }

  /** conversation_create: initiator and recipient, the recipient's session key wrapped (opaque), key version 1. */
  public static JsonObject create(String conversationId, String initiator, String recipient) {
    return new JsonObject().put("conversationId", conversationId).put("initiatorId", initiator)
        .put("allParticipants", new JsonArray().add(initiator).add(recipient))
        .put("participantsToAdd", new JsonArray().add(new JsonObject().put("userId", recipient)
            .put("encryptedSessionKey", random(92)).put("keyVersion", 1)));
  }

  /** direct_message number {@code n} from {@code sender} under key version 1. */
  public static JsonObject message(String conversationId, String sender, String recipient, long n) {
    JsonObject associatedData = new JsonObject().put("conversationId", conversationId).put("senderId", sender)
        .put("keyVersion", 1).put("messageId", "m" + n).put("sentAt", Instant.now().toString());
    return new JsonObject().put("conversationId", conversationId).put("recipients", new JsonArray().add(recipient))
        .put("payload", new JsonObject().put("nonce", random(12)).put("ciphertext", random(24)).put("signature", random(64))
            .put("associatedData", associatedData));
  }

  public static String random(int bytes) {
    byte[] value = new byte[bytes];
    RANDOM.nextBytes(value);
    return B64u.encode(value);
  }
}
