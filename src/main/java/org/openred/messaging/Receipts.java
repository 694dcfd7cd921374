package org.openred.messaging;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.store.SqlLists;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The message_receipts table: per message of a local sender and per other node, pending, delivered or failed. */
final class Receipts {
  private Receipts() {
  }

  /** A new message: pending at each node it goes to. */
  static Future<Void> pending(SqlClient client, String conversationId, String messageId, List<String> domains) {
    if (domains.isEmpty()) {
      return Future.succeededFuture();
    }
    String now = Instant.now().toString();
    List<Map<String, Object>> rows = new ArrayList<>();
    domains.forEach(domain -> rows.add(Map.of("c", conversationId, "m", messageId, "d", domain, "now", now)));
    return SqlTemplate.forUpdate(client, "INSERT INTO message_receipts (conversation_id, message_id, domain, state, updated_at) "
        + "VALUES (#{c}, #{m}, #{d}, 'pending', #{now}) ON CONFLICT (conversation_id, message_id, domain) DO NOTHING").executeBatch(rows).mapEmpty();
  }

  /** Settles one; answers whether it changed (a receipt already settled stays as it is). */
  static Future<Boolean> settle(SqlClient client, String conversationId, String messageId, String domain, String state) {
    return SqlTemplate.forUpdate(client, "UPDATE message_receipts SET state = #{s}, updated_at = #{now} "
            + "WHERE conversation_id = #{c} AND message_id = #{m} AND domain = #{d} AND state = 'pending'")
        .execute(Map.of("s", state, "now", Instant.now().toString(), "c", conversationId, "m", messageId, "d", domain))
        .map(result -> result.rowCount() > 0);
  }

  /** {messageId: {domain: state}} for these messages of the conversation. */
  static Future<Map<String, JsonObject>> of(SqlClient client, String conversationId, List<String> messageIds) {
    Map<String, JsonObject> receipts = new HashMap<>();
    if (messageIds.isEmpty()) {
      return Future.succeededFuture(receipts);
    }
    Map<String, Object> params = new HashMap<>();
    params.put("c", conversationId);
    return SqlTemplate.forQuery(client, "SELECT message_id, domain, state FROM message_receipts WHERE conversation_id = #{c} AND message_id IN ("
            + SqlLists.bind(params, "m", messageIds) + ")").execute(params)
        .map(rows -> {
          rows.forEach(row -> receipts.computeIfAbsent(row.getString("message_id"), id -> new JsonObject()).put(row.getString("domain"), row.getString("state")));
          return receipts;
        });
  }
}
