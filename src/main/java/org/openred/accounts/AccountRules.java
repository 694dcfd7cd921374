package org.openred.accounts;

import io.vertx.core.json.JsonObject;
import org.openred.crypto.B64u;
import org.openred.kernel.Problem;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The shapes of what clients send to accounts, checked before anything is looked up or stored. */
final class AccountRules {
  /** The shared pool that runs Argon2 and key checks: two threads, so a login flood cannot take every worker. */
  static final String WORKERS = "openred-argon2";

  private AccountRules() {
  }

  static String username(JsonObject body) {
    String username = UserStore.username(body.getValue("username"));
    if (username == null) {
      throw new Problem(400, "invalid-username", "a username is 1 to 64 lower-case letters, digits, dots, dashes or underscores, starting with a letter or a digit");
    }
    return username;
  }

  static String password(JsonObject body) {
    Object value = body.getValue("password");
    if (!(value instanceof String password) || password.isEmpty()) {
      throw new Problem(400, "invalid-field", "password is required");
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > PasswordHasher.MAX_PASSWORD_BYTES) {
      throw new Problem(400, "password-too-long", "a password has at most " + PasswordHasher.MAX_PASSWORD_BYTES + " bytes");
    }
    return password;
  }

  static String publicKey(JsonObject body, String field) {
    Object value = body.getValue(field);
    try {
      B64u.decode(value instanceof String text ? text : null, 32, field);
    } catch (IllegalArgumentException e) {
      throw new Problem(400, "invalid-key", field + " must be a 32-byte public key in base64url");
    }
    return (String) value;
  }

  static String now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
