package org.openred.crypto;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Rows of {@code node_keys}: public halves in clear, private halves sealed by the sandbox. */
public final class NodeKeyRepository {
  private final Pool pool;

  public NodeKeyRepository(Pool pool) {
    this.pool = pool;
  }

  public record StoredKey(String keyId, String purpose, String publicKey, String sealedPrivate, String createdAt,
                          String validUntil, String retiredAt) {
    static StoredKey of(Row row) {
      return new StoredKey(row.getString("key_id"), row.getString("purpose"), row.getString("public_key"),
          row.getString("sealed_private"), row.getString("created_at"), row.getString("valid_until"),
          row.getString("retired_at"));
    }
  }

  /** Inserts unless a key with that id exists already; answers whether this call inserted it. */
  public Future<Boolean> insertIfAbsent(StoredKey key) {
    return SqlTemplate.forUpdate(pool, """
            INSERT INTO node_keys (key_id, purpose, public_key, sealed_private, created_at, valid_until)
            VALUES (#{key_id}, #{purpose}, #{public_key}, #{sealed_private}, #{created_at}, #{valid_until})
            ON CONFLICT (key_id) DO NOTHING""")
        .execute(Map.of("key_id", key.keyId(), "purpose", key.purpose(), "public_key", key.publicKey(),
            "sealed_private", key.sealedPrivate(), "created_at", key.createdAt(), "valid_until", key.validUntil()))
        .map(result -> result.rowCount() == 1);
  }

  /** The newest key of that purpose not retired, if any. */
  public Future<Optional<StoredKey>> current(String purpose) {
    return SqlTemplate.forQuery(pool, """
            SELECT key_id, purpose, public_key, sealed_private, created_at, valid_until, retired_at FROM node_keys
            WHERE purpose = #{purpose} AND retired_at IS NULL ORDER BY created_at DESC, key_id DESC LIMIT 1""")
        .execute(Map.of("purpose", purpose))
        .map(rows -> rows.size() == 0 ? Optional.<StoredKey>empty() : Optional.of(StoredKey.of(rows.iterator().next())));
  }

  /** Every key of that purpose, newest first, retired ones included (a key document lists still-valid old keys). */
  public Future<List<StoredKey>> all(String purpose) {
    return SqlTemplate.forQuery(pool, """
            SELECT key_id, purpose, public_key, sealed_private, created_at, valid_until, retired_at FROM node_keys
            WHERE purpose = #{purpose} ORDER BY created_at DESC, key_id DESC""")
        .execute(Map.of("purpose", purpose))
        .map(rows -> {
          List<StoredKey> keys = new java.util.ArrayList<>();
          rows.forEach(row -> keys.add(StoredKey.of(row)));
          return keys;
        });
  }
}
