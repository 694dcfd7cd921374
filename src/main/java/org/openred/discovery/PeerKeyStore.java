package org.openred.discovery;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.util.Map;
import java.util.Optional;

/** The pinned signing key of each remote domain (trust on first use). */
final class PeerKeyStore {
  record Pin(String domain, String nodeId, String publicKey) {
  }

  private final Pool pool;

  PeerKeyStore(Pool pool) {
    this.pool = pool;
  }

  Future<Optional<Pin>> pin(String domain) {
    return SqlTemplate.forQuery(pool, "SELECT domain, node_id, public_key FROM peer_keys WHERE domain = #{domain}")
        .execute(Map.of("domain", domain))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()).map(row ->
            new Pin(row.getString("domain"), row.getString("node_id"), row.getString("public_key"))));
  }

  /** Pins a first key; false when another instance pinned one first. */
  Future<Boolean> pinFirst(String domain, String nodeId, String publicKey, String now) {
    return SqlTemplate.forUpdate(pool, "INSERT INTO peer_keys (domain, node_id, public_key, first_seen, updated_at) "
            + "VALUES (#{domain}, #{node_id}, #{public_key}, #{now}, #{now}) ON CONFLICT (domain) DO NOTHING")
        .execute(Map.of("domain", domain, "node_id", nodeId, "public_key", publicKey, "now", now))
        .map(result -> result.rowCount() == 1);
  }

  Future<Void> replace(String domain, String nodeId, String publicKey, String now) {
    return SqlTemplate.forUpdate(pool, "UPDATE peer_keys SET node_id = #{node_id}, public_key = #{public_key}, "
            + "updated_at = #{now} WHERE domain = #{domain}")
        .execute(Map.of("domain", domain, "node_id", nodeId, "public_key", publicKey, "now", now))
        .mapEmpty();
  }
}
