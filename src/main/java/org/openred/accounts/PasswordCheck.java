package org.openred.accounts;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.kernel.Problem;
import org.openred.node.NodeServices;

import java.util.Map;

/**
 * A signed-in user's password asked again before something grave (a new password, the account's
 * deletion): checked on the accounts' workers, a wrong one counted against the account as a failed
 * login is, so the check is no way around the login limit.
 */
final class PasswordCheck {
  private final NodeServices services;
  private final Pool pool;
  private final WorkerExecutor workers;
  private final PasswordHasher hasher;

  PasswordCheck(NodeServices services, WorkerExecutor workers, PasswordHasher hasher) {
    this.services = services;
    this.pool = services.database().pool();
    this.workers = workers;
    this.hasher = hasher;
  }

  /** Succeeds when {@code given} is the user's password; 400 when none was given, 403 wrong-password, 429 past the limit. */
  Future<Void> require(String username, Object given) {
    if (!(given instanceof String password) || password.isEmpty()) {
      return Future.failedFuture(new Problem(400, "invalid-field", "current is your password now"));
    }
    String accountKey = "login-failures:user:" + username;
    return services.cache().get(accountKey).compose(failures -> {
      if (failures != null && Long.parseLong(failures) >= SessionsVerticle.MAX_FAILURES_PER_ACCOUNT) {
        return Future.failedFuture(new Problem(429, "rate-limited",
            "too many wrong passwords; retry after " + SessionsVerticle.LOGIN_WINDOW.toSeconds() + " seconds"));
      }
      return SqlTemplate.forQuery(pool, "SELECT password_hash FROM users WHERE username = #{u}").execute(Map.of("u", username))
          .compose(rows -> workers.executeBlocking(() -> rows.size() == 1 && hasher.verify(password, rows.iterator().next().getString("password_hash")), false))
          .compose(valid -> {
            if (valid) {
              return Future.<Void>succeededFuture();
            }
            SessionsVerticle.AUDIT.warn("password-check-failed user={}", username);
            return services.cache().increment(accountKey, SessionsVerticle.LOGIN_WINDOW)
                .transform(ignored -> Future.failedFuture(new Problem(403, "wrong-password", "your current password is not that")));
          });
    });
  }
}
