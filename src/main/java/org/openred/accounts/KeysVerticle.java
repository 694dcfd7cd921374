package org.openred.accounts;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.crypto.B64u;
import org.openred.crypto.Ed25519;
import org.openred.crypto.X25519;
import org.openred.federation.FederationClient;
import org.openred.kernel.Operations;
import org.openred.kernel.Problem;
import org.openred.kernel.UserId;
import org.openred.node.NodeServices;
import org.openred.web.StrictJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Users' published public keys (PROTOCOL.md section 7): one's own put once (replaced only when the
 * client says so), anyone's read (a remote user's through its node, cached 5 minutes).
 */
public final class KeysVerticle extends VerticleBase {
  private static final Logger AUDIT = LoggerFactory.getLogger("openred.audit");
  private final NodeServices services;
  private Pool pool;
  private WorkerExecutor workers;
  private FederationClient federation;

  public KeysVerticle(NodeServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    pool = services.database().pool();
    workers = vertx.createSharedWorkerExecutor(AccountRules.WORKERS, 2);
    federation = new FederationClient(vertx, services);
    return Operations.serveAll(vertx, LoggerFactory.getLogger(KeysVerticle.class), Map.of(
        AccountsAddresses.PUT_KEYS, this::putKeys,
        AccountsAddresses.GET_KEYS, this::getKeys,
        AccountsAddresses.PUBLIC_KEY, this::localKeys));
  }

  @Override
  public Future<?> stop() {
    return workers == null ? Future.succeededFuture() : workers.close();
  }

  /**
   * {username (the caller), sig, dh, replace?}: publishes the caller's public keys. Keys already
   * published are replaced only when the client says so ({@code replace: true}), after warning its
   * user; otherwise 409 keys-exist, so nothing replaces them silently (ATTACKS 21).
   */
  private Future<JsonObject> putKeys(JsonObject body) {
    String username = body.getString("username");
    String sig = AccountRules.publicKey(body, "sig");
    String dh = AccountRules.publicKey(body, "dh");
    boolean replace = Boolean.TRUE.equals(body.getValue("replace"));
    return strongKeys(sig, dh).compose(ignored -> SqlTemplate.forQuery(pool, "SELECT sig_key, dh_key FROM users WHERE username = #{u}")
        .execute(Map.of("u", username)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new Problem(404, "unknown-user", "no such user"));
          }
          Row row = rows.iterator().next();
          boolean same = sig.equals(row.getString("sig_key")) && dh.equals(row.getString("dh_key"));
          if (row.getString("sig_key") != null && !same && !replace) {
            return Future.failedFuture(new Problem(409, "keys-exist",
                "keys are already published for this user; send replace: true to replace them"));
          }
          if (!same && row.getString("sig_key") != null) {
            AUDIT.warn("user-keys-replaced user={}", username);
          }
          return SqlTemplate.forUpdate(pool, "UPDATE users SET sig_key = #{sig}, dh_key = #{dh}, keys_updated_at = #{now} WHERE username = #{u}")
              .execute(Map.of("sig", sig, "dh", dh, "now", AccountRules.now(), "u", username))
              .map(new JsonObject());
        });
  }
  /** {userId}: a local user's keys from the database, a remote one's through its node (cached 5 minutes). */
  private Future<JsonObject> getKeys(JsonObject body) {
    UserId user = UserId.parse(body.getValue("userId"));
    String userId = user.toString();
    if (user.isOn(services.config().domain())) {
      return localKeys(new JsonObject().put("userId", userId));
    }
    String cacheKey = "user-keys:" + userId;
    return services.cache().get(cacheKey).compose(hit -> hit != null ? Future.succeededFuture(new JsonObject(hit))
        : federation.send(user.domain(), io.vertx.core.http.HttpMethod.GET,
                "/users/" + java.net.URLEncoder.encode(userId, StandardCharsets.UTF_8) + "/public_key", null, 64 * 1024)
            .compose(response -> {
              if (response.status() == 404) {
                return Future.failedFuture(new Problem(404, "unknown-user", "no user " + userId));
              }
              if (response.status() != 200) {
                return Future.failedFuture(new Problem(502, "peer-error", user.domain() + " answered " + response.status()));
              }
              JsonObject keys = StrictJson.parseObject(response.body());
              if (!userId.equals(keys.getString("userId")) || keys.getJsonObject("keys") == null) {
                return Future.failedFuture(new Problem(502, "peer-error", "the answer is not about " + userId));
              }
              String sig = AccountRules.publicKey(keys.getJsonObject("keys"), "sig");
              String dh = AccountRules.publicKey(keys.getJsonObject("keys"), "dh");
              return strongKeys(sig, dh)
                  .recover(weak -> Future.failedFuture(new Problem(502, "peer-weak-key", user.domain() + " serves a weak key for " + userId)))
                  .compose(ignored -> services.cache().put(cacheKey, keys.encode(), Duration.ofMinutes(5))).map(keys);
            }));
  }
  /** {userId} of this node: {userId, keys: {sig, dh}, updated_at}; 404 when unknown or without keys. */
  private Future<JsonObject> localKeys(JsonObject body) {
    UserId user = UserId.parse(body.getValue("userId"));
    String userId = user.toString();
    String username = user.username();
    return SqlTemplate.forQuery(pool, "SELECT sig_key, dh_key, keys_updated_at FROM users WHERE username = #{u}")
        .execute(Map.of("u", username))
        .compose(rows -> {
          Row row = rows.size() == 0 ? null : rows.iterator().next();
          if (row == null || row.getString("sig_key") == null) {
            return Future.failedFuture(new Problem(404, "unknown-user", "no published keys for " + userId));
          }
          return Future.succeededFuture(new JsonObject().put("userId", userId)
              .put("keys", new JsonObject().put("sig", row.getString("sig_key")).put("dh", row.getString("dh_key")))
              .put("updated_at", row.getString("keys_updated_at")));
        });
  }
  /** Refuses small-order and other weak keys (ATTACKS 12): checked on a worker, about two scalar multiplications. */
  private Future<Void> strongKeys(String sig, String dh) {
    return workers.executeBlocking(() -> {
      if (!Ed25519.isStrongPublicKey(B64u.decode(sig))) {
        throw new Problem(400, "weak-key", "sig is not a usable Ed25519 public key (small or mixed order)");
      }
      if (!X25519.isStrongPublicKey(B64u.decode(dh))) {
        throw new Problem(400, "weak-key", "dh is not a usable X25519 public key (small order)");
      }
      return null;
    }, false);
  }
}
