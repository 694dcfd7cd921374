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

  public static Future<Void> enqueue(SqlClient conn, String destination, JsonObject signedEnvelope) {
    return SqlTemplate.forUpdate(conn, "INSERT INTO outbox (destination, envelope_id, body, created_at, next_attempt_at) "
            + "VALUES (#{destination}, #{id}, #{body}, #{created_at}, #{next})")
        .execute(Map.of("destination", destination, "id", signedEnvelope.getString("id"), "body", signedEnvelope.encode(),
            "created_at", Instant.now().toString(), "next", System.currentTimeMillis()))
        .mapEmpty();
  }
}
