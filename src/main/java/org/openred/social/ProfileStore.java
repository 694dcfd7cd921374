package org.openred.social;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The {@code profiles} table: a row appears with a user's first change; until then the profile is the defaults. */
final class ProfileStore {
  private ProfileStore() {
  }

  /** {displayName, bio, avatarType, approveFollowers, updated_at}, the defaults for a user who never changed it. */
  static Future<JsonObject> get(SqlClient client, String username) {
    return SqlTemplate.forQuery(client, "SELECT display_name, bio, avatar_type, approve_followers, updated_at FROM profiles WHERE username = #{u}")
        .execute(Map.of("u", username)).map(rows -> {
          Row row = rows.size() == 0 ? null : rows.iterator().next();
          return new JsonObject()
              .put("displayName", row == null ? "" : row.getString("display_name"))
              .put("bio", row == null ? "" : row.getString("bio"))
              .put("avatarType", row == null ? null : row.getString("avatar_type"))
              .put("approveFollowers", row != null && row.getInteger("approve_followers") == 1)
              .put("updated_at", row == null ? null : row.getString("updated_at"));
        });
  }

  /** Sets the given fields (null: unchanged). */
  static Future<Void> update(SqlClient client, String username, String displayName, String bio, Boolean approveFollowers) {
    Map<String, Object> params = new HashMap<>();
    params.put("u", username);
    params.put("now", Instant.now().toString());
    params.put("dn", displayName == null ? "" : displayName);
    params.put("bio", bio == null ? "" : bio);
    params.put("af", Boolean.TRUE.equals(approveFollowers) ? 1 : 0);
    StringBuilder set = new StringBuilder("updated_at = #{now}");
    if (displayName != null) {
      set.append(", display_name = #{dn}");
    }
    if (bio != null) {
      set.append(", bio = #{bio}");
    }
    if (approveFollowers != null) {
      set.append(", approve_followers = #{af}");
    }
    return SqlTemplate.forUpdate(client, "INSERT INTO profiles (username, display_name, bio, approve_followers, updated_at) "
            + "VALUES (#{u}, #{dn}, #{bio}, #{af}, #{now}) ON CONFLICT (username) DO UPDATE SET " + set)
        .execute(params).mapEmpty();
  }

  static Future<Void> setAvatar(SqlClient client, String username, String type, String data) {
    Map<String, Object> params = new HashMap<>();
    params.put("u", username);
    params.put("t", type);
    params.put("a", data);
    params.put("now", Instant.now().toString());
    return SqlTemplate.forUpdate(client, "INSERT INTO profiles (username, avatar_type, avatar, updated_at) VALUES (#{u}, #{t}, #{a}, #{now}) "
            + "ON CONFLICT (username) DO UPDATE SET avatar_type = #{t}, avatar = #{a}, updated_at = #{now}")
        .execute(params).mapEmpty();
  }

  /** {type, data (base64)} or null. */
  static Future<JsonObject> avatar(SqlClient client, String username) {
    return SqlTemplate.forQuery(client, "SELECT avatar_type, avatar FROM profiles WHERE username = #{u} AND avatar IS NOT NULL")
        .execute(Map.of("u", username)).map(rows -> rows.size() == 0 ? null
            : new JsonObject().put("type", rows.iterator().next().getString("avatar_type")).put("data", rows.iterator().next().getString("avatar")));
  }

  /** Usernames whose display name holds {@code text}, case aside. */
  static Future<java.util.List<String>> byDisplayName(SqlClient client, String text, int limit) {
    String pattern = "%" + text.toLowerCase(java.util.Locale.ROOT).replace("\\", "").replace("%", "").replace("_", "\\_") + "%";
    return SqlTemplate.forQuery(client, "SELECT username FROM profiles WHERE LOWER(display_name) LIKE #{p} ESCAPE '\\' ORDER BY username LIMIT " + limit)
        .execute(Map.of("p", pattern)).map(rows -> {
          java.util.List<String> names = new java.util.ArrayList<>();
          rows.forEach(row -> names.add(row.getString("username")));
          return names;
        });
  }
}
