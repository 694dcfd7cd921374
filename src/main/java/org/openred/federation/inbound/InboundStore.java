package org.openred.federation.inbound;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.store.Database;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The received envelopes ({@code inbound_envelopes}: body, order of arrival, outcome once applied) and
 * the answers given to transactions ({@code inbound_transactions}). Envelopes are keyed
 * {@code origin\nid}.
 */
final class InboundStore {
  private final Database database;

  InboundStore(Database database) {
    this.database = database;
  }

  /** The answer given to a transaction before, or null. */
  Future<JsonObject> previousAnswer(String origin, String txnId) {
    return SqlTemplate.forQuery(database.pool(),
            "SELECT answer FROM inbound_transactions WHERE origin = #{origin} AND txn_id = #{txn}")
        .execute(Map.of("origin", origin, "txn", txnId))
        .map(rows -> rows.size() == 0 ? null : new JsonObject(rows.iterator().next().getString("answer")));
  }

  /** Stored envelopes without an outcome received before {@code before}, oldest first, by key. */
  Future<Map<String, JsonObject>> unapplied(String before, int limit) {
    return SqlTemplate.forQuery(database.pool(), "SELECT origin, envelope_id, body FROM inbound_envelopes "
            + "WHERE outcome IS NULL AND received_at < #{before} ORDER BY seq LIMIT " + limit)
        .execute(Map.of("before", before))
        .map(rows -> {
          Map<String, JsonObject> envelopes = new LinkedHashMap<>();
          for (Row row : rows) {
            envelopes.put(key(row.getString("origin"), row.getString("envelope_id")), new JsonObject(row.getString("body")));
          }
          return envelopes;
        });
  }

  /**
   * Stores the envelopes not stored before with one statement, which answers the ones it inserted
   * (ON CONFLICT DO NOTHING RETURNING, SQLite 3.35+ and PostgreSQL): no existence query in the common
   * case, and a race between instances of a clustered node stays harmless. Answers the recorded
   * outcome of each envelope that was stored before (absent when it has none yet).
   */
  static Future<Map<String, JsonObject>> insertAll(SqlConnection conn, List<JsonObject> envelopes, String now) {
    StringBuilder sql = new StringBuilder("INSERT INTO inbound_envelopes (origin, envelope_id, type, body, received_at) VALUES ");
    Map<String, Object> params = new HashMap<>();
    params.put("now", now);
    for (int i = 0; i < envelopes.size(); i++) {
      JsonObject envelope = envelopes.get(i);
      sql.append(i == 0 ? "" : ", ").append("(#{o").append(i).append("}, #{i").append(i).append("}, #{t").append(i)
          .append("}, #{b").append(i).append("}, #{now})");
      params.put("o" + i, sender(envelope));
      params.put("i" + i, envelope.getString("id"));
      params.put("t" + i, envelope.getString("type"));
      params.put("b" + i, envelope.encode());
    }
    sql.append(" ON CONFLICT (origin, envelope_id) DO NOTHING RETURNING origin, envelope_id");
    return SqlTemplate.forQuery(conn, sql.toString()).execute(params).compose(rows -> {
      Set<String> inserted = new HashSet<>();
      rows.forEach(row -> inserted.add(key(row.getString("origin"), row.getString("envelope_id"))));
      List<Future<?>> lookups = new ArrayList<>();
      Map<String, JsonObject> recorded = new HashMap<>();
      Set<String> looked = new HashSet<>();
      for (JsonObject envelope : envelopes) {
        String key = key(sender(envelope), envelope.getString("id"));
        if (!inserted.contains(key) && looked.add(key)) {
          lookups.add(SqlTemplate.forQuery(conn, "SELECT outcome FROM inbound_envelopes WHERE origin = #{o} AND envelope_id = #{i}")
              .execute(Map.of("o", sender(envelope), "i", envelope.getString("id")))
              .onSuccess(found -> found.forEach(row -> {
                String outcome = row.getString("outcome");
                if (outcome != null) {
                  recorded.put(key, new JsonObject(outcome));
                }
              })));
        }
      }
      return Future.all(lookups).map(recorded);
    });
  }

  /** Records outcomes ({origin\nid: outcome}) and transactions' answers, inside the caller's transaction. */
  static Future<Void> write(SqlConnection conn, Map<String, JsonObject> outcomes, List<Map<String, Object>> transactions) {
    List<Map<String, Object>> rows = new ArrayList<>();
    outcomes.forEach((key, outcome) -> {
      int newline = key.indexOf('\n');
      rows.add(Map.of("origin", key.substring(0, newline), "id", key.substring(newline + 1), "outcome", outcome.encode()));
    });
    Future<?> marked = rows.isEmpty() ? Future.succeededFuture() : SqlTemplate.forUpdate(conn,
        "UPDATE inbound_envelopes SET outcome = #{outcome} WHERE origin = #{origin} AND envelope_id = #{id}").executeBatch(rows);
    return marked.compose(ignored -> transactions.isEmpty() ? Future.succeededFuture()
            : SqlTemplate.forUpdate(conn, "INSERT INTO inbound_transactions (origin, txn_id, answer, received_at) "
                + "VALUES (#{origin}, #{txn}, #{answer}, #{now}) ON CONFLICT (origin, txn_id) DO NOTHING").executeBatch(transactions))
        .mapEmpty();
  }

  static String key(String origin, String id) {
    return origin + "\n" + id;
  }

  static String sender(JsonObject envelope) {
    return envelope.getJsonObject("from").getString("domain").toLowerCase();
  }
}
