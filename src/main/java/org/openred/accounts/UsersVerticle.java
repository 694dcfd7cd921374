package org.openred.accounts;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.kernel.Operations;
import org.openred.kernel.Problem;
import org.openred.kernel.UserId;
import org.openred.node.NodeServices;
import org.openred.store.SqlLists;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Accounts' users (PROTOCOL.md section 8): registration with Argon2id on its own worker pool, and which local users exist. */
public final class UsersVerticle extends VerticleBase {
  private static final Logger AUDIT = LoggerFactory.getLogger("openred.audit");
  private final NodeServices services;
  private Pool pool;
  private WorkerExecutor workers;
  private final PasswordHasher hasher = new PasswordHasher();

  public UsersVerticle(NodeServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    pool = services.database().pool();
    workers = vertx.createSharedWorkerExecutor(AccountRules.WORKERS, 2);
    return Operations.serveAll(vertx, LoggerFactory.getLogger(UsersVerticle.class), Map.of(
        AccountsAddresses.REGISTER, this::register,
        AccountsAddresses.EXISTS, this::exists,
        AccountsAddresses.SEARCH, this::search));
  }

  @Override
  public Future<?> stop() {
    return workers == null ? Future.succeededFuture() : workers.close();
  }

  /** {username, password} -> {username, userId}; 409 username-taken. */
  private Future<JsonObject> register(JsonObject body) {
    String username = AccountRules.username(body);
    String password = AccountRules.password(body);
    String weak = UserStore.passwordProblem(password);
    if (weak != null) {
      throw new Problem(400, "weak-password", weak);
    }
    return workers.executeBlocking(() -> hasher.hash(password), false)
        .compose(hash -> UserStore.create(pool, username, hash, false))
        .compose(created -> {
          if (!created) {
            return Future.failedFuture(new Problem(409, "username-taken", "the username " + username + " is taken"));
          }
          AUDIT.info("account-created user={}", username);
          return Future.succeededFuture(new JsonObject().put("username", username).put("userId", username + "@" + services.config().domain()));
        });
  }
  /** {q, limit} -> {userIds}: usernames holding q, those starting with it first. */
  private Future<JsonObject> search(JsonObject body) {
    String q = body.getString("q", "").toLowerCase(java.util.Locale.ROOT).replace("\\", "").replace("%", "").replace("_", "\\_");
    int limit = Math.max(1, Math.min(50, body.getInteger("limit", 20)));
    return SqlTemplate.forQuery(pool, "SELECT username FROM users WHERE username LIKE #{p} ESCAPE '\\' ORDER BY "
            + "CASE WHEN username LIKE #{s} ESCAPE '\\' THEN 0 ELSE 1 END, username LIMIT " + limit)
        .execute(Map.of("p", "%" + q + "%", "s", q + "%"))
        .map(rows -> {
          io.vertx.core.json.JsonArray ids = new io.vertx.core.json.JsonArray();
          rows.forEach(row -> ids.add(row.getString("username") + "@" + services.config().domain()));
          return new JsonObject().put("userIds", ids);
        });
  }

  /** {userIds: [users of this node]} -> {missing: [those without an account]}. */
  private Future<JsonObject> exists(JsonObject body) {
    Map<String, Object> params = new java.util.HashMap<>();
    Map<String, String> byName = new java.util.LinkedHashMap<>();
    for (Object value : body.getJsonArray("userIds", new io.vertx.core.json.JsonArray())) {
      UserId user = UserId.parse(value);
      if (!user.isOn(services.config().domain())) {
        throw new Problem(400, "wrong-destination", user + " is not a user of this node");
      }
      byName.put(user.username(), user.toString());
    }
    if (byName.isEmpty()) {
      return Future.succeededFuture(new JsonObject().put("missing", new io.vertx.core.json.JsonArray()));
    }
    return SqlTemplate.forQuery(pool, "SELECT username FROM users WHERE username IN (" + SqlLists.bind(params, "u", byName.keySet()) + ")")
        .execute(params)
        .map(rows -> {
          rows.forEach(row -> byName.remove(row.getString("username")));
          return new JsonObject().put("missing", new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(byName.values())));
        });
  }
}
