package org.openred.federation.outbox;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.time.Instant;
import java.util.Map;

/**
 * The durable outbox (PROTOCOL.md section 5.3). Callers enqueue inside the transaction of the change
 * that causes the envelope, so both commit or neither does, then nudge the delivery worker.
 */
public final class Outbox {
  private Outbox() {
  }

  /** A signed envelope and the domain it goes to. */
  public record Entry(String destination, JsonObject envelope) {
  }

  /** Many envelopes in one batched statement (inside the caller's transaction). */
  public static Future<Void> enqueueAll(SqlClient conn, java.util.List<Entry> entries) {
    String now = Instant.now().toString();
    long next = System.currentTimeMillis();
    java.util.List<Map<String, Object>> rows = new java.util.ArrayList<>(entries.size());
    for (Entry entry : entries) {
      rows.add(Map.of("destination", entry.destination(), "id", entry.envelope().getString("id"), "body", entry.envelope().encode(),
          "created_at", now, "next", next));
    }
    return SqlTemplate.forUpdate(conn, "INSERT INTO outbox (destination, envelope_id, body, created_at, next_attempt_at) "
            + "VALUES (#{destination}, #{id}, #{body}, #{created_at}, #{next})")
        .executeBatch(rows)
        .mapEmpty();
  }
}
