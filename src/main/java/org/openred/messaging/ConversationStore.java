package org.openred.messaging;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.node.NodeServices;
import org.openred.kernel.Problem;
import org.openred.kernel.UserId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The conversations' tables: who takes part, the wrapped keys of this node's users, the ciphertexts. */
final class ConversationStore {
  private final NodeServices services;

  ConversationStore(NodeServices services) {
    this.services = services;
  }

  /** Whether a user id is one of this node's users. */
  boolean local(String userId) {
    return ConversationRules.domainOf(userId).equals(services.config().domain());
  }

  /** A message this node's user posts: stored once; a repeat of it is no new row; another sender's messageId is 409. */
  Future<Boolean> storeMessage(SqlConnection conn, String id, String messageId, String sender, int version, JsonObject payload) {
    return storedSender(conn, id, messageId).compose(stored -> {
      if (stored != null) {
        return sender.equals(stored) ? Future.succeededFuture(false)
            : Future.failedFuture(new Problem(409, "message-id-taken", "another sender used this messageId"));
      }
      return insertMessage(conn, id, messageId, sender, version, payload).map(true);
    });
  }

  /** Who sent the message with this id in the conversation, or null when there is none. */
  static Future<String> storedSender(SqlConnection conn, String id, String messageId) {
    return SqlTemplate.forQuery(conn, "SELECT sender_id FROM messages WHERE conversation_id = #{id} AND message_id = #{m}")
        .execute(Map.of("id", id, "m", messageId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("sender_id"));
  }

  static final String INSERT_MESSAGE = "INSERT INTO messages (conversation_id, message_id, sender_id, key_version, payload, received_at) "
      + "VALUES (#{id}, #{m}, #{s}, #{v}, #{p}, #{now})";

  static Future<Void> insertMessage(SqlConnection conn, String id, String messageId, String sender, int version, JsonObject payload) {
    return SqlTemplate.forUpdate(conn, INSERT_MESSAGE)
        .execute(Map.of("id", id, "m", messageId, "s", sender, "v", version, "p", payload.encode(), "now", Instant.now().toString()))
        .mapEmpty();
  }

  /** Adds these users (their keys stored for the local ones), added by {@code addedBy}; a removed member added again joins anew. */
  Future<Void> addParticipants(SqlConnection conn, String id, Map<String, String> wrapped, int version, String now, String addedBy) {
    List<Map<String, Object>> rows = new ArrayList<>();
    wrapped.keySet().forEach(user -> {
      Map<String, Object> row = new java.util.HashMap<>();
      row.put("id", id);
      row.put("u", user);
      row.put("now", now);
      row.put("by", addedBy);
      rows.add(row);
    });
    Future<Void> inserted = rows.isEmpty() ? Future.succeededFuture() : SqlTemplate.forUpdate(conn,
            "INSERT INTO conversation_participants (conversation_id, user_id, joined_at, added_by) VALUES (#{id}, #{u}, #{now}, #{by}) "
                + "ON CONFLICT (conversation_id, user_id) DO UPDATE SET "
                + "joined_at = CASE WHEN conversation_participants.removed_at IS NULL THEN conversation_participants.joined_at ELSE excluded.joined_at END, "
                + "added_by = CASE WHEN conversation_participants.removed_at IS NULL THEN conversation_participants.added_by ELSE excluded.added_by END, "
                + "removed_at = NULL, removed_by = NULL")
        .executeBatch(rows).mapEmpty();
    Map<String, String> localKeys = new LinkedHashMap<>();
    wrapped.forEach((user, key) -> {
      if (key != null && local(user)) {
        localKeys.put(user, key);
      }
    });
    return inserted.compose(ignored -> storeKeys(conn, id, localKeys, version));
  }

  /** Session keys wrapped for this node's users; other nodes' users' keys are theirs to keep. */
  Future<Void> storeKeys(SqlConnection conn, String id, Map<String, String> wrapped, int version) {
    List<Map<String, Object>> rows = new ArrayList<>();
    wrapped.forEach((user, key) -> {
      if (local(user)) {
        rows.add(Map.of("id", id, "u", user, "v", version, "k", key));
      }
    });
    return rows.isEmpty() ? Future.succeededFuture() : SqlTemplate.forUpdate(conn,
            "INSERT INTO conversation_keys (conversation_id, user_id, key_version, encrypted_session_key) VALUES (#{id}, #{u}, #{v}, #{k}) "
                + "ON CONFLICT (conversation_id, user_id, key_version) DO NOTHING")
        .executeBatch(rows).mapEmpty();
  }

  Future<Void> touch(SqlConnection conn, String id, int version, String now) {
    return SqlTemplate.forUpdate(conn, "UPDATE conversations SET updated_at = #{now}, key_version = "
            + "CASE WHEN key_version < #{v} THEN #{v} ELSE key_version END WHERE conversation_id = #{id}")
        .execute(Map.of("now", now, "v", version, "id", id)).mapEmpty();
  }

  /** The conversation row when {@code user} takes part now; 404 otherwise. */
  Future<Row> participant(String id, String user) {
    return SqlTemplate.forQuery(services.database().pool(), "SELECT c.conversation_id, c.key_version FROM conversations c "
            + "JOIN conversation_participants p ON p.conversation_id = c.conversation_id WHERE c.conversation_id = #{id} AND p.user_id = #{u}"
            + " AND p.removed_at IS NULL")
        .execute(Map.of("id", id, "u", user))
        .compose(rows -> rows.size() == 0
            // The same answer whether the conversation exists or not: its existence is nobody else's business.
            ? Future.failedFuture(new Problem(404, "unknown-conversation", "no such conversation"))
            : Future.succeededFuture(rows.iterator().next()));
  }

  /** {userId, joined_at, added_by, removed_at, removed_by} of everyone who took part, in joining order. */
  Future<List<Row>> members(String id) {
    return rows(SqlTemplate.forQuery(services.database().pool(), "SELECT user_id, joined_at, added_by, removed_at, removed_by "
        + "FROM conversation_participants WHERE conversation_id = #{id} ORDER BY joined_at, user_id").execute(Map.of("id", id)));
  }

  /** Marks {@code user} removed by {@code by} (null: they left, their account deleted); nothing when they were not in it. */
  static Future<Void> remove(SqlConnection conn, String id, String user, String by, String now) {
    Map<String, Object> params = new java.util.HashMap<>();
    params.put("id", id);
    params.put("u", user);
    params.put("by", by);
    params.put("now", now);
    return SqlTemplate.forUpdate(conn, "UPDATE conversation_participants SET removed_at = #{now}, removed_by = #{by} "
        + "WHERE conversation_id = #{id} AND user_id = #{u} AND removed_at IS NULL").execute(params).mapEmpty();
  }

  Future<Set<String>> currentParticipants(String id) {
    return currentParticipants(services.database().pool(), id);
  }

  /** Who takes part now, in joining order; on the pool, or inside a transaction. */
  static Future<Set<String>> currentParticipants(io.vertx.sqlclient.SqlClient client, String id) {
    return SqlTemplate.forQuery(client, "SELECT user_id FROM conversation_participants "
            + "WHERE conversation_id = #{id} AND removed_at IS NULL ORDER BY joined_at, user_id")
        .execute(Map.of("id", id)).map(rows -> {
          Set<String> users = new LinkedHashSet<>();
          rows.forEach(row -> users.add(row.getString("user_id")));
          return users;
        });
  }

  /** The users of this node among these: those whose accounts must exist. */
  List<UserId> localUsers(java.util.Collection<String> users) {
    return users.stream().filter(this::local).map(UserId::parse).toList();
  }

  static Future<List<Row>> rows(Future<io.vertx.sqlclient.RowSet<Row>> query) {
    return query.map(set -> {
      List<Row> list = new ArrayList<>();
      set.forEach(list::add);
      return list;
    });
  }
}
