package org.openred.federation;

import io.vertx.core.json.JsonObject;
import org.openred.bus.Addresses;
import org.openred.web.Problem;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The envelope types of PROTOCOL.md section 5.2, in one place: the endpoint that receives each (method
 * and path under {@code /federation/v1}) and the inbound address of the module of this node that
 * applies it. A type of the protocol that no module applies yet (the social, file and introduction
 * types today) is known, so it can be sent, but refused when received.
 */
public final class EnvelopeTypes {
  /** {@code {conversationId}} in a path stands for the payload's conversationId. */
  public record Endpoint(String method, String path) {
  }

  private record Type(Endpoint endpoint, String appliedBy) {
  }

  private static final Pattern CONVERSATION_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private static final String PLACEHOLDER = "{conversationId}";
  private static final Map<String, Type> TYPES = new LinkedHashMap<>();

  static {
    Endpoint messages = new Endpoint("POST", "/messages");
    Endpoint conversations = new Endpoint("POST", "/conversations");
    Endpoint sessionKey = new Endpoint("PUT", "/conversations/" + PLACEHOLDER + "/session_key");
    Endpoint inbox = new Endpoint("POST", "/inbox");
    TYPES.put("direct_message", new Type(messages, Addresses.MESSAGING_INBOUND));
    TYPES.put("conversation_create", new Type(conversations, Addresses.MESSAGING_INBOUND));
    TYPES.put("conversation_add", new Type(conversations, Addresses.MESSAGING_INBOUND));
    TYPES.put("conversation_rotate", new Type(sessionKey, Addresses.MESSAGING_INBOUND));
    for (String type : new String[] {"friend_request", "friend_response", "follow", "unfollow", "block_notice", "post_share",
        "activity_update", "content_sync"}) {
      TYPES.put(type, new Type(inbox, null));
    }
    TYPES.put("file_request", new Type(new Endpoint("POST", "/files/request"), null));
    TYPES.put("handshake", new Type(new Endpoint("POST", "/handshake"), null));
    TYPES.put("handshake_confirm", new Type(new Endpoint("POST", "/handshake/confirm"), null));
    TYPES.put("p2p_message", new Type(new Endpoint("POST", "/p2p/message"), null));
  }

  private EnvelopeTypes() {
  }

  /** Every endpoint of the protocol, to mount: one whose types no module applies answers each envelope 400 `unsupported-envelope-type`. */
  public static Set<Endpoint> endpoints() {
    Set<Endpoint> endpoints = new LinkedHashSet<>();
    TYPES.values().forEach(type -> endpoints.add(type.endpoint()));
    return endpoints;
  }

  /** The type of an envelope, which must be one of the protocol's; 400 otherwise. */
  public static String typeOf(JsonObject envelope) {
    if (!(envelope.getValue("type") instanceof String type)) {
      throw new Problem(400, "unknown-envelope-type", "the envelope has no type");
    }
    if (!TYPES.containsKey(type)) {
      throw new Problem(400, "unknown-envelope-type", "unknown envelope type " + type);
    }
    return type;
  }

  /**
   * Whether the envelope belongs on this endpoint: a type received there (an unknown one does not
   * belong anywhere) and, for a path naming a conversation, that conversation.
   */
  public static boolean belongs(JsonObject envelope, Endpoint endpoint, String conversationIdInPath) {
    if (!(envelope.getValue("type") instanceof String name)) {
      throw new Problem(400, "unknown-envelope-type", "the envelope has no type");
    }
    Type type = TYPES.get(name);
    if (type == null || !type.endpoint().equals(endpoint)) {
      return false;
    }
    Object named = envelope.getValue("payload") instanceof JsonObject payload ? payload.getValue("conversationId") : null;
    return !endpoint.path().contains(PLACEHOLDER) || conversationIdInPath != null && conversationIdInPath.equals(named);
  }

  /** The method and concrete path under {@code /federation/v1} that receive this envelope. */
  public static String[] route(JsonObject envelope) {
    Endpoint endpoint = TYPES.get(typeOf(envelope)).endpoint();
    if (!endpoint.path().contains(PLACEHOLDER)) {
      return new String[] {endpoint.method(), endpoint.path()};
    }
    Object id = envelope.getValue("payload") instanceof JsonObject payload ? payload.getValue("conversationId") : null;
    if (!(id instanceof String conversationId) || !CONVERSATION_ID.matcher(conversationId).matches()) {
      throw new Problem(400, "invalid-envelope", envelope.getString("type") + " needs payload.conversationId");
    }
    return new String[] {endpoint.method(), endpoint.path().replace(PLACEHOLDER, conversationId)};
  }

  /**
   * The inbound address of the module that applies this type; a type of the protocol that no module
   * of this node applies is refused before it is stored, so its sender learns so at once.
   */
  public static String appliedBy(String type) {
    Type known = TYPES.get(type);
    if (known == null || known.appliedBy() == null) {
      throw new Problem(400, "unsupported-envelope-type", "this node does not take envelopes of type " + type);
    }
    return known.appliedBy();
  }
}
