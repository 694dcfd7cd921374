package org.openred.accounts;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The {@code users} table and the rules a new account must follow, for the API and the command line alike. */
public final class UserStore {
  public static final Pattern USERNAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,63}$");
  public static final int MIN_PASSWORD_CHARS = 8;

  private UserStore() {
  }

  /** The lowercased username, or null when it is not one. */
  public static String username(Object value) {
    String username = value instanceof String text ? text.trim().toLowerCase(Locale.ROOT) : null;
    return username != null && USERNAME.matcher(username).matches() ? username : null;
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

  /** Inserts a user; false when the name is taken. */
  public static Future<Boolean> create(Pool pool, String username, String passwordHash) {
    String now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    return SqlTemplate.forUpdate(pool, "INSERT INTO users (username, password_hash, created_at, password_changed_at) "
            + "VALUES (#{username}, #{hash}, #{now}, #{now}) ON CONFLICT (username) DO NOTHING")
        .execute(Map.of("username", username, "hash", passwordHash, "now", now))
        .map(result -> result.rowCount() == 1);
  }

  /** Every user: {username, created_at, keys_published}. */
  public static Future<List<JsonObject>> list(Pool pool) {
    return pool.query("SELECT username, created_at, sig_key FROM users ORDER BY username").execute().map(rows -> {
      List<JsonObject> users = new ArrayList<>();
      rows.forEach(row -> users.add(new JsonObject().put("username", row.getString("username"))
          .put("created_at", row.getString("created_at")).put("keys_published", row.getString("sig_key") != null)));
      return users;
    });
  }
}
