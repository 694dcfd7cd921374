package org.openred.messaging;

import io.vertx.core.json.JsonObject;
import org.openred.crypto.B64u;
import org.openred.kernel.Problem;
import org.openred.kernel.UserId;

import java.util.regex.Pattern;

/** The shapes PROTOCOL.md section 7 fixes, checked before anything is stored or relayed. */
final class ConversationRules {
  static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  static final int MAX_CIPHERTEXT_BYTES = 64 * 1024;
  static final int MAX_PARTICIPANTS = 256;

  private ConversationRules() {
  }

  static String conversationId(Object value) {
    if (!(value instanceof String id) || !ID.matcher(id).matches()) {
      throw new Problem(400, "invalid-conversation-id", "a conversation id is 1 to 128 of [A-Za-z0-9_-]");
    }
    return id;
  }

  /** A normalised user id, username@domain. */
  static String userId(Object value) {
    return UserId.parse(value).toString();
  }

  static String domainOf(String userId) {
    return UserId.parse(userId).domain();
  }

  /** eph.pub (32) ‖ nonce (12) ‖ AES-GCM(32-byte key) (48): 92 bytes, as base64url. */
  static String wrappedKey(Object value) {
    try {
      B64u.decode(value instanceof String text ? text : null, 92, "encryptedSessionKey");
      return (String) value;
    } catch (IllegalArgumentException e) {
      throw new Problem(400, "invalid-wrapped-key", "encryptedSessionKey must be 92 bytes in base64url (section 7)");
    }
  }

  static int keyVersion(Object value) {
    if (!(value instanceof Integer version) || version < 1) {
      throw new Problem(400, "invalid-key-version", "keyVersion must be a whole number from 1");
    }
    return version;
  }

  /** {nonce, ciphertext, signature, associatedData} whose associatedData names this message and sender. */
  static int checkPayload(JsonObject payload, String conversationId, String senderId, String messageId) {
    if (payload == null) {
      throw new Problem(400, "invalid-payload", "payload is required");
    }
    try {
      B64u.decode(payload.getValue("nonce") instanceof String n ? n : null, 12, "nonce");
      B64u.decode(payload.getValue("signature") instanceof String s ? s : null, 64, "signature");
      Object ciphertext = payload.getValue("ciphertext");
      if (!(ciphertext instanceof String text) || text.length() > MAX_CIPHERTEXT_BYTES * 4 / 3 + 4) {
        throw new Problem(413, "payload-too-large", "a ciphertext holds at most " + MAX_CIPHERTEXT_BYTES + " bytes");
      }
      if (B64u.decode(text).length < 16) {
        throw new IllegalArgumentException("ciphertext shorter than its tag");
      }
    } catch (IllegalArgumentException e) {
      throw new Problem(400, "invalid-payload", e.getMessage());
    }
    JsonObject ad = payload.getValue("associatedData") instanceof JsonObject a ? a : null;
    if (ad == null || !conversationId.equals(ad.getValue("conversationId")) || !senderId.equals(ad.getValue("senderId"))
        || !messageId.equals(ad.getValue("messageId")) || !(ad.getValue("sentAt") instanceof String)) {
      throw new Problem(400, "invalid-payload", "associatedData must name this conversation, sender and message");
    }
    return keyVersion(ad.getValue("keyVersion"));
  }
}
