package org.openred.accounts;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.kernel.UserId;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The {@code users} table and the rules a new account must follow, for the API and the command line alike. */
public final class UserStore {
  public static final Pattern USERNAME = UserId.USERNAME;
  public static final int MIN_PASSWORD_CHARS = 8;

  private UserStore() {
  }

  /** The lowercased username, or null when it is not one. */
  public static String username(Object value) {
    return UserId.username(value);
  }

  /** Why a new password is refused, or null when it is acceptable. */
  public static String passwordProblem(String password) {
    if (password == null || password.codePointCount(0, password.length()) < MIN_PASSWORD_CHARS) {
      return "a password has at least " + MIN_PASSWORD_CHARS + " characters";
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > PasswordHasher.MAX_PASSWORD_BYTES) {
      return "a password has at most " + PasswordHasher.MAX_PASSWORD_BYTES + " bytes";
    }
    return null;
  }

  /** Inserts a user; false when the name is taken, or was a deleted account's. */
  public static Future<Boolean> create(Pool pool, String username, String passwordHash, boolean admin) {
    String now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    return SqlTemplate.forUpdate(pool, "INSERT INTO users (username, password_hash, created_at, password_changed_at, admin) "
            + "SELECT #{username}, #{hash}, #{now}, #{now}, #{admin} WHERE NOT EXISTS (SELECT 1 FROM deleted_usernames WHERE username = #{username}) "
            + "ON CONFLICT (username) DO NOTHING")
        .execute(Map.of("username", username, "hash", passwordHash, "now", now, "admin", admin ? 1 : 0))
        .map(result -> result.rowCount() == 1);
  }

  /** Grants or withdraws the admin role; false when there is no such user. */
  public static Future<Boolean> setAdmin(Pool pool, String username, boolean admin) {
    return SqlTemplate.forUpdate(pool, "UPDATE users SET admin = #{admin} WHERE username = #{username}")
        .execute(Map.of("username", username, "admin", admin ? 1 : 0))
        .map(result -> result.rowCount() == 1);
  }

  /** Whether the user is an admin (false for no such user). */
  static Future<Boolean> isAdmin(io.vertx.sqlclient.SqlClient client, String username) {
    return SqlTemplate.forQuery(client, "SELECT admin FROM users WHERE username = #{username}").execute(Map.of("username", username))
        .map(rows -> rows.size() == 1 && rows.iterator().next().getInteger("admin") == 1);
  }

  /** Every user: {username, created_at, keys_published, admin}. */
  public static Future<List<JsonObject>> list(Pool pool) {
    return pool.query("SELECT username, created_at, sig_key, admin FROM users ORDER BY username").execute().map(rows -> {
      List<JsonObject> users = new ArrayList<>();
      rows.forEach(row -> users.add(new JsonObject().put("username", row.getString("username"))
          .put("created_at", row.getString("created_at")).put("keys_published", row.getString("sig_key") != null)
          .put("admin", row.getInteger("admin") == 1)));
      return users;
    });
  }
}
