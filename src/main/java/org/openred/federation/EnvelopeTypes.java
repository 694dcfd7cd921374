package org.openred.federation;

import io.vertx.core.json.JsonObject;
import org.openred.kernel.Addresses;
import org.openred.kernel.Problem;
import org.openred.node.EnvelopeType;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The envelope types one node knows, in one place: the protocol's (PROTOCOL.md section 5.2) with
 * their endpoints, and those its modules declare, each applied by the module of its area. A type
 * that no running module applies (the social, file and introduction types until their modules
 * exist, a disabled plugin's) is known, so it can be sent and routed, but refused when received.
 * Read by validation, the endpoints served, the sender, the registry's router and the inbound
 * dispatch; modules are enabled and disabled while the node runs, hence the concurrent set.
 */
public final class EnvelopeTypes {
  /** {@code {conversationId}} in a path stands for the payload's conversationId. */
  public record Endpoint(String method, String path) {
  }

  private record Type(Endpoint endpoint, String area) {
  }

  private static final Pattern CONVERSATION_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private static final String PLACEHOLDER = "{conversationId}";
  private static final Map<String, Endpoint> PROTOCOL = new LinkedHashMap<>();

  static {
    Endpoint inbox = new Endpoint("POST", "/inbox");
    PROTOCOL.put("direct_message", new Endpoint("POST", "/messages"));
    PROTOCOL.put("conversation_create", new Endpoint("POST", "/conversations"));
    PROTOCOL.put("conversation_add", new Endpoint("POST", "/conversations"));
    PROTOCOL.put("conversation_rotate", new Endpoint("PUT", "/conversations/" + PLACEHOLDER + "/session_key"));
    for (String type : new String[] {"friend_request", "friend_response", "follow", "unfollow", "block_notice", "post_share",
        "activity_update", "content_sync"}) {
      PROTOCOL.put(type, inbox);
    }
    PROTOCOL.put("file_request", new Endpoint("POST", "/files/request"));
    PROTOCOL.put("handshake", new Endpoint("POST", "/handshake"));
    PROTOCOL.put("handshake_confirm", new Endpoint("POST", "/handshake/confirm"));
    PROTOCOL.put("p2p_message", new Endpoint("POST", "/p2p/message"));
  }

  private final Map<String, Type> types;
  private final Set<String> enabledAreas = ConcurrentHashMap.newKeySet();

  private EnvelopeTypes(Map<String, Type> types) {
    this.types = types;
  }

  /** The protocol's types and no module's: what the registry routes. */
  public static EnvelopeTypes protocol() {
    return of(List.of());
  }

  /**
   * The protocol's types and the declared ones, all areas disabled until {@link #enable}. A type
   * declared twice, or a protocol type declared on another endpoint, is a defect of a module.
   */
  public static EnvelopeTypes of(Collection<EnvelopeType> declared) {
    Map<String, Type> types = new LinkedHashMap<>();
    PROTOCOL.forEach((type, endpoint) -> types.put(type, new Type(endpoint, null)));
    for (EnvelopeType type : declared) {
      Endpoint endpoint = new Endpoint(type.method(), type.path());
      Type known = types.get(type.type());
      if (known != null && known.area() != null) {
        throw new IllegalStateException("envelope type " + type.type() + " is declared by two modules: " + known.area() + " and " + type.area());
      }
      if (known != null && !known.endpoint().equals(endpoint)) {
        throw new IllegalStateException("envelope type " + type.type() + " is received on " + known.endpoint() + " by the protocol, not "
            + endpoint);
      }
      types.put(type.type(), new Type(endpoint, type.area()));
    }
    return new EnvelopeTypes(types);
  }

  public void enable(String area) {
    enabledAreas.add(area);
  }

  public void disable(String area) {
    enabledAreas.remove(area);
  }

  /** Every endpoint: one whose types no running module applies answers each envelope 400 `unsupported-envelope-type`. */
  public Set<Endpoint> endpoints() {
    Set<Endpoint> endpoints = new LinkedHashSet<>();
    types.values().forEach(type -> endpoints.add(type.endpoint()));
    return endpoints;
  }

  /**
   * The endpoint a request under {@code /federation/v1} reaches, and the conversation its path names
   * (or null): what the inbound routes dispatch on, so an endpoint a plugin adds is served at once.
   */
  public Optional<Map.Entry<Endpoint, String>> endpointAt(String method, String path) {
    for (Endpoint endpoint : endpoints()) {
      if (!endpoint.method().equals(method)) {
        continue;
      }
      int at = endpoint.path().indexOf(PLACEHOLDER);
      if (at < 0 ? endpoint.path().equals(path) : matches(endpoint.path(), at, path)) {
        String named = at < 0 ? null : path.substring(at, path.length() - (endpoint.path().length() - at - PLACEHOLDER.length()));
        return Optional.of(Map.entry(endpoint, named == null ? "" : named));
      }
    }
    return Optional.empty();
  }

  private static boolean matches(String template, int at, String path) {
    String prefix = template.substring(0, at);
    String suffix = template.substring(at + PLACEHOLDER.length());
    return path.length() > prefix.length() + suffix.length() && path.startsWith(prefix) && path.endsWith(suffix)
        && CONVERSATION_ID.matcher(path.substring(prefix.length(), path.length() - suffix.length())).matches();
  }

  /** The type of an envelope, which must be one this node knows; 400 otherwise. */
  public String typeOf(JsonObject envelope) {
    if (!(envelope.getValue("type") instanceof String type)) {
      throw new Problem(400, "unknown-envelope-type", "the envelope has no type");
    }
    if (!types.containsKey(type)) {
      throw new Problem(400, "unknown-envelope-type", "unknown envelope type " + type);
    }
    return type;
  }

  /**
   * Whether the envelope belongs on this endpoint: a type received there (an unknown one does not
   * belong anywhere) and, for a path naming a conversation, that conversation.
   */
  public boolean belongs(JsonObject envelope, Endpoint endpoint, String conversationIdInPath) {
    if (!(envelope.getValue("type") instanceof String name)) {
      throw new Problem(400, "unknown-envelope-type", "the envelope has no type");
    }
    Type type = types.get(name);
    if (type == null || !type.endpoint().equals(endpoint)) {
      return false;
    }
    Object named = envelope.getValue("payload") instanceof JsonObject payload ? payload.getValue("conversationId") : null;
    return !endpoint.path().contains(PLACEHOLDER) || conversationIdInPath != null && conversationIdInPath.equals(named);
  }

  /** The method and concrete path under {@code /federation/v1} that receive this envelope. */
  public String[] route(JsonObject envelope) {
    Endpoint endpoint = types.get(typeOf(envelope)).endpoint();
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
   * The inbound address of the running module that applies this type; a type that none applies is
   * refused before it is stored, so its sender learns so at once.
   */
  public String appliedBy(String type) {
    Type known = types.get(type);
    if (known == null || known.area() == null || !enabledAreas.contains(known.area())) {
      throw new Problem(400, "unsupported-envelope-type", "this node does not take envelopes of type " + type);
    }
    return Addresses.inbound(known.area());
  }
}
