package org.openred.notifications;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** The notifications table: one user's newest {@link #KEEP}, a conversation's unread messages in one row. */
final class NotificationStore {
  static final int KEEP = 200;
  static final int PAGE = 50;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private NotificationStore() {
  }

  /** Records one: a grouped kind adds to its unread row when there is one. Answers the notification as stored. */
  static Future<JsonObject> record(SqlClient client, String owner, NotificationsVerticle.Noted noted) {
    String now = TIME.format(Instant.now());
    Map<String, Object> params = new HashMap<>();
    params.put("o", owner);
    params.put("k", noted.kind());
    params.put("s", noted.subject());
    params.put("d", noted.data().encode());
    params.put("now", now);
    Future<String> id = !noted.grouped() ? Future.succeededFuture(null)
        : SqlTemplate.forQuery(client, "SELECT id FROM notifications WHERE owner = #{o} AND kind = #{k} AND subject = #{s} AND unread = 1")
            .execute(params).map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("id"));
    return id.compose(existing -> {
      if (existing != null) {
        params.put("id", existing);
        return SqlTemplate.forUpdate(client, "UPDATE notifications SET count = count + 1, data = #{d}, updated_at = #{now} WHERE id = #{id}")
            .execute(params).map(existing);
      }
      String fresh = UUID.randomUUID().toString();
      params.put("id", fresh);
      return SqlTemplate.forUpdate(client, "INSERT INTO notifications (id, owner, kind, subject, data, count, unread, created_at, updated_at) "
              + "VALUES (#{id}, #{o}, #{k}, #{s}, #{d}, 1, 1, #{now}, #{now})").execute(params)
          .compose(ignored -> prune(client, owner)).map(fresh);
    }).compose(stored -> SqlTemplate.forQuery(client, "SELECT * FROM notifications WHERE id = #{id}").execute(Map.of("id", stored))
        .map(rows -> view(rows.iterator().next())));
  }

  /** Only the newest {@link #KEEP} of a user are kept. */
  private static Future<Void> prune(SqlClient client, String owner) {
    return SqlTemplate.forUpdate(client, "DELETE FROM notifications WHERE owner = #{o} AND updated_at < (SELECT updated_at FROM notifications "
        + "WHERE owner = #{o} ORDER BY updated_at DESC LIMIT 1 OFFSET " + (KEEP - 1) + ")").execute(Map.of("o", owner)).mapEmpty();
  }

  /** {notifications: newest first, next}: a page before the cursor ({@code <updated_at>~<id>}), or the newest. */
  static Future<JsonObject> page(SqlClient client, String owner, String before) {
    Map<String, Object> params = new HashMap<>();
    params.put("o", owner);
    String where = "";
    if (before != null) {
      int cut = before.indexOf('~');
      params.put("t", before.substring(0, cut));
      params.put("id", before.substring(cut + 1));
      where = " AND (updated_at, id) < (#{t}, #{id})";
    }
    return SqlTemplate.forQuery(client, "SELECT * FROM notifications WHERE owner = #{o}" + where + " ORDER BY updated_at DESC, id DESC LIMIT " + PAGE)
        .execute(params).map(rows -> {
          JsonArray list = new JsonArray();
          String next = null;
          for (Row row : rows) {
            list.add(view(row));
            next = row.getString("updated_at") + "~" + row.getString("id");
          }
          return new JsonObject().put("notifications", list).put("next", list.size() == PAGE ? next : null);
        });
  }

  static Future<Long> unread(SqlClient client, String owner) {
    return SqlTemplate.forQuery(client, "SELECT COUNT(*) AS n FROM notifications WHERE owner = #{o} AND unread = 1").execute(Map.of("o", owner))
        .map(rows -> rows.iterator().next().getLong("n"));
  }

  /** Marks the owner's unread notifications read: all of them, or those about {@code subject} when given. */
  static Future<Void> markRead(SqlClient client, String owner, String subject) {
    return subject == null
        ? SqlTemplate.forUpdate(client, "UPDATE notifications SET unread = 0 WHERE owner = #{o} AND unread = 1").execute(Map.of("o", owner)).mapEmpty()
        : SqlTemplate.forUpdate(client, "UPDATE notifications SET unread = 0 WHERE owner = #{o} AND subject = #{s} AND unread = 1")
            .execute(Map.of("o", owner, "s", subject)).mapEmpty();
  }

  private static JsonObject view(Row row) {
    return new JsonObject().put("id", row.getString("id")).put("kind", row.getString("kind")).put("data", new JsonObject(row.getString("data")))
        .put("count", row.getLong("count")).put("unread", row.getLong("unread") != 0).put("created_at", row.getString("created_at"))
        .put("updated_at", row.getString("updated_at"));
  }
}
