package org.openred.social;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.federation.outbox.OutboxWriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The social module's way to other nodes: the outbox, and in the same transaction a copy of each
 * signed envelope in {@code sync_log}, so that content_sync can hand a node that was away what it
 * missed, exactly the envelopes it was sent (their own signatures vouch for them).
 */
final class SharedOutbox {
  private final OutboxWriter outbox;

  SharedOutbox(OutboxWriter outbox) {
    this.outbox = outbox;
  }

  JsonObject envelope(String type, String fromUsername, String toDomain, JsonObject payload) {
    return outbox.envelope(type, fromUsername, toDomain, payload);
  }

  JsonObject envelope(String type, String fromUsername, JsonObject to, JsonObject payload) {
    return outbox.envelope(type, fromUsername, to, payload);
  }

  <T> Future<T> write(List<JsonObject> outgoing, Function<SqlConnection, Future<T>> change) {
    return write(outgoing, change, result -> true);
  }

  /** The outbox writer signs {@code outgoing} in place before the change runs: what is logged is what is sent. */
  <T> Future<T> write(List<JsonObject> outgoing, Function<SqlConnection, Future<T>> change, Predicate<T> send) {
    return outbox.write(outgoing, conn -> change.apply(conn)
        .compose(result -> send.test(result) ? log(conn, outgoing).map(result) : Future.succeededFuture(result)), send);
  }

  private static Future<Void> log(SqlConnection conn, List<JsonObject> signed) {
    if (signed.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    String now = Posts.now();
    for (JsonObject envelope : signed) {
      rows.add(Map.of("d", envelope.getJsonObject("to").getString("domain"), "id", envelope.getString("id"), "b", envelope.encode(), "now", now));
    }
    return SqlTemplate.forUpdate(conn, "INSERT INTO sync_log (destination, envelope_id, body, created_at) VALUES (#{d}, #{id}, #{b}, #{now})")
        .executeBatch(rows).mapEmpty();
  }
}
