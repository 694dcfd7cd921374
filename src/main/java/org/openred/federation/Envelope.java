package org.openred.federation;

import io.vertx.core.json.JsonObject;
import org.openred.crypto.B64u;
import org.openred.crypto.Ed25519;
import org.openred.crypto.Jcs;
import org.openred.web.Problem;

import java.util.Set;

/** ORF envelopes (PROTOCOL.md section 5.1): the types, where each is delivered, and the envelope signature. */
public final class Envelope {
  public static final Set<String> INBOX_TYPES = Set.of("friend_request", "friend_response", "follow", "unfollow",
      "block_notice", "post_share", "activity_update", "content_sync");

  private Envelope() {
  }

  /** The bytes the sending node signs: JCS of the envelope without its signature. */
  public static byte[] signingInput(JsonObject envelope) {
    JsonObject unsigned = envelope.copy();
    unsigned.remove("signature");
    return Jcs.canonicalize(unsigned);
  }

  public static boolean signatureValid(JsonObject envelope, byte[] senderKey) {
    Object signature = envelope.getValue("signature");
    if (!(signature instanceof String text)) {
      return false;
    }
    try {
      return Ed25519.verify(senderKey, signingInput(envelope), B64u.decode(text));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Method and path under {@code /federation/v1} that receives an envelope of this type. */
  public static String[] route(JsonObject envelope) {
    String type = envelope.getString("type");
    if (type == null) {
      throw new Problem(400, "unknown-envelope-type", "the envelope has no type");
    }
    return switch (type) {
      case "direct_message" -> new String[] {"POST", "/messages"};
      case "conversation_create", "conversation_add" -> new String[] {"POST", "/conversations"};
      case "conversation_rotate" -> {
        Object id = envelope.getJsonObject("payload", new JsonObject()).getValue("conversationId");
        if (!(id instanceof String conversationId) || !conversationId.matches("[A-Za-z0-9_-]{1,128}")) {
          throw new Problem(400, "invalid-envelope", "conversation_rotate needs payload.conversationId");
        }
        yield new String[] {"PUT", "/conversations/" + conversationId + "/session_key"};
      }
      case "file_request" -> new String[] {"POST", "/files/request"};
      case "handshake" -> new String[] {"POST", "/handshake"};
      case "handshake_confirm" -> new String[] {"POST", "/handshake/confirm"};
      case "p2p_message" -> new String[] {"POST", "/p2p/message"};
      default -> {
        if (INBOX_TYPES.contains(type)) {
          yield new String[] {"POST", "/inbox"};
        }
        throw new Problem(400, "unknown-envelope-type", "unknown envelope type " + type);
      }
    };
  }
}
