package org.openred.federation.outbox;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The {@code outbox} table's statements: rows queued inside a change's transaction, read in order per destination, settled per answer. */
final class OutboxStore {
  private final Pool pool;

  OutboxStore(Pool pool) {
    this.pool = pool;
  }

  /** Signed envelopes, due at once, in one batched statement inside the caller's transaction. */
  static Future<Void> enqueue(SqlConnection conn, List<JsonObject> signed) {
    if (signed.isEmpty()) {
      return Future.succeededFuture();
    }
    String now = Instant.now().toString();
    long next = System.currentTimeMillis();
    List<Map<String, Object>> rows = new ArrayList<>(signed.size());
    for (JsonObject envelope : signed) {
      rows.add(Map.of("destination", OutboxWriter.destination(envelope), "id", envelope.getString("id"), "body", envelope.encode(),
          "created_at", now, "next", next));
    }
    return SqlTemplate.forUpdate(conn, "INSERT INTO outbox (destination, envelope_id, body, created_at, next_attempt_at) "
            + "VALUES (#{destination}, #{id}, #{body}, #{created_at}, #{next})")
        .executeBatch(rows)
        .mapEmpty();
  }

  /** The destinations with an envelope due now. */
  Future<List<String>> dueDestinations() {
    return SqlTemplate.forQuery(pool, "SELECT DISTINCT destination FROM outbox WHERE status = 'pending' AND next_attempt_at <= #{now}")
        .execute(Map.of("now", System.currentTimeMillis()))
        .map(rows -> {
          List<String> destinations = new ArrayList<>();
          rows.forEach(row -> destinations.add(row.getString("destination")));
          return destinations;
        });
  }

  /**
   * The next batch in order. A destination waits as a whole: while the oldest pending envelope is not
   * due (it is backing off), nothing after it is sent either, so order holds across retries and restarts.
   */
  Future<List<Row>> batch(String destination, long afterSeq, int size) {
    return SqlTemplate.forQuery(pool,
            "SELECT seq, envelope_id, body, attempts, created_at, next_attempt_at FROM outbox WHERE status = 'pending' "
                + "AND destination = #{d} AND seq > #{after} ORDER BY seq LIMIT " + size)
        .execute(Map.of("d", destination, "after", afterSeq))
        .map(rows -> {
          List<Row> batch = new ArrayList<>();
          rows.forEach(batch::add);
          if (afterSeq == 0 && !batch.isEmpty() && batch.get(0).getLong("next_attempt_at") > System.currentTimeMillis()) {
            return List.of();
          }
          return batch;
        });
  }

  /**
   * What one answer means for a batch's rows, in one transaction: delivered ones deleted, failed ones
   * kept as failed with their reason ({why, seq}), retried ones with their next attempt ({attempts, next, why, seq}).
   */
  Future<Void> settle(List<Long> delivered, List<Map<String, Object>> failures, List<Map<String, Object>> retries) {
    return pool.withTransaction(conn -> {
      List<Future<?>> writes = new ArrayList<>();
      if (!delivered.isEmpty()) {
        List<Map<String, Object>> seqs = new ArrayList<>();
        delivered.forEach(seq -> seqs.add(Map.of("seq", seq)));
        writes.add(SqlTemplate.forUpdate(conn, "DELETE FROM outbox WHERE seq = #{seq}").executeBatch(seqs));
      }
      if (!failures.isEmpty()) {
        writes.add(SqlTemplate.forUpdate(conn, "UPDATE outbox SET status = 'failed', last_error = #{why} WHERE seq = #{seq}")
            .executeBatch(failures));
      }
      if (!retries.isEmpty()) {
        writes.add(SqlTemplate.forUpdate(conn,
                "UPDATE outbox SET attempts = #{attempts}, next_attempt_at = #{next}, last_error = #{why} WHERE seq = #{seq}")
            .executeBatch(retries));
      }
      return Future.all(writes).mapEmpty();
    });
  }
}
