package org.openred.registry;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.Duration;
import java.time.Instant;

/** One node as the registry knows it (PROTOCOL.md section 6a). */
public record NodeRecord(String nodeId, String domain, String apiUrl, String sigKey, String dhKey,
                         String registeredAt, String updatedAt, String lastSeen) {
  public static final Duration ACTIVE_WINDOW = Duration.ofMinutes(5);

  static NodeRecord of(Row row) {
    return new NodeRecord(row.getString("node_id"), row.getString("domain"), row.getString("api_url"),
        row.getString("sig_key"), row.getString("dh_key"), row.getString("registered_at"),
        row.getString("updated_at"), row.getString("last_seen"));
  }

  public boolean active(Instant now) {
    return Instant.parse(lastSeen).isAfter(now.minus(ACTIVE_WINDOW));
  }

  /** The public form: {node_id, domain, api_url, keys, status, last_seen}. */
  public JsonObject toJson(Instant now) {
    return new JsonObject()
        .put("node_id", nodeId)
        .put("domain", domain)
        .put("api_url", apiUrl)
        .put("keys", new JsonObject().put("sig", sigKey).put("dh", dhKey))
        .put("status", active(now) ? "active" : "inactive")
        .put("last_seen", lastSeen);
  }

  /** The cached form, from which {@link #toJson} is computed at answer time. */
  JsonObject toCache() {
    return new JsonObject().put("node_id", nodeId).put("domain", domain).put("api_url", apiUrl).put("sig", sigKey)
        .put("dh", dhKey).put("registered_at", registeredAt).put("updated_at", updatedAt).put("last_seen", lastSeen);
  }

  static NodeRecord fromCache(JsonObject json) {
    return new NodeRecord(json.getString("node_id"), json.getString("domain"), json.getString("api_url"),
        json.getString("sig"), json.getString("dh"), json.getString("registered_at"), json.getString("updated_at"),
        json.getString("last_seen"));
  }
}
