package org.openred.accounts;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.kernel.Operations;
import org.openred.kernel.Problem;
import org.openred.kernel.UserId;
import org.openred.node.AccountCleanup;
import org.openred.node.NodeServices;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Deleting an account: the password asked again, every session ended, every module's cleanup run
 * (their data about the user gone, other nodes told where that is theirs to do), then the account
 * itself, its name kept so that nobody is ever given it again. A cleanup that fails leaves the account
 * in place (503): deleting again runs every cleanup again, each idempotent.
 */
public final class AccountDeletionVerticle extends VerticleBase {
  private final NodeServices services;
  private final List<AccountCleanup> cleanups;
  private final PasswordHasher hasher = new PasswordHasher();
  private WorkerExecutor workers;
  private PasswordCheck passwords;

  public AccountDeletionVerticle(NodeServices services, List<AccountCleanup> cleanups) {
    this.services = services;
    this.cleanups = List.copyOf(cleanups);
  }

  @Override
  public Future<?> start() {
    workers = vertx.createSharedWorkerExecutor(AccountRules.WORKERS, 2);
    passwords = new PasswordCheck(services, workers, hasher);
    return Operations.serveAll(vertx, LoggerFactory.getLogger(AccountDeletionVerticle.class), Map.of(AccountsAddresses.DELETE_ACCOUNT, this::delete));
  }

  @Override
  public Future<?> stop() {
    return workers.close();
  }

  /** {username, password} -> {deleted: userId}. */
  private Future<JsonObject> delete(JsonObject body) {
    String username = AccountRules.username(body);
    UserId user = UserId.parse(username + "@" + services.config().domain());
    return passwords.require(username, body.getValue("password"))
        .compose(checked -> vertx.eventBus().request(AccountsAddresses.LOGOUT_ALL, new JsonObject().put("username", username)))
        .compose(loggedOut -> Future.all(cleanups.stream().map(cleanup -> cleanup.deleteUser(user).recover(failure -> {
          LoggerFactory.getLogger(AccountDeletionVerticle.class).warn("Deleting {}: the {} module failed: {}", user, cleanup.module(), failure.getMessage());
          return Future.failedFuture(new Problem(503, "deletion-incomplete",
              "your account could not be deleted completely (" + cleanup.module() + "); try again in a moment"));
        })).toList()))
        .compose(cleaned -> services.database().pool().withTransaction(conn -> SqlTemplate.forUpdate(conn, "DELETE FROM refresh_tokens WHERE username = #{u}")
            .execute(Map.of("u", username))
            .compose(ignored -> SqlTemplate.forUpdate(conn, "DELETE FROM users WHERE username = #{u}").execute(Map.of("u", username)))
            .compose(ignored -> SqlTemplate.forUpdate(conn, "INSERT INTO deleted_usernames (username, deleted_at) VALUES (#{u}, #{now}) "
                + "ON CONFLICT (username) DO NOTHING").execute(Map.of("u", username, "now", AccountRules.now())))))
        .map(ignored -> {
          SessionsVerticle.AUDIT.info("account-deleted user={}", username);
          return new JsonObject().put("deleted", user.toString());
        });
  }
}
