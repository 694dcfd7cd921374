package org.openred.accounts;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.crypto.B64u;
import org.openred.crypto.CryptoClient;
import org.openred.crypto.NodeId;
import org.openred.kernel.Operations;
import org.openred.kernel.Problem;
import org.openred.kernel.UserId;
import org.openred.node.NodeServices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Accounts' sessions (PROTOCOL.md section 8): login with Argon2id (on its own worker pool), 15-minute
 * access tokens, refresh tokens stored hashed and rotated on every use (a reused one revokes its
 * whole family), logout, and login rate limits per account and per address. Unknown users and wrong
 * passwords get the same answer after the same work.
 */
public final class SessionsVerticle extends VerticleBase {
  static final Logger AUDIT = LoggerFactory.getLogger("openred.audit");
  private final NodeServices services;
  private Pool pool;
  private WorkerExecutor workers;
  static final Duration REFRESH_LIFETIME = Duration.ofDays(30);
  static final Duration LOGIN_WINDOW = Duration.ofMinutes(15);
  static final int MAX_FAILURES_PER_ACCOUNT = 10;
  static final int MAX_FAILURES_PER_ADDRESS = 50;

  private final PasswordHasher hasher = new PasswordHasher();
  private final SecureRandom random = new SecureRandom();
  private AccessTokens tokens;
  private PasswordCheck passwords;
  /** Checked against when the user does not exist, so both answers cost the same. */
  private String decoyHash;

  public SessionsVerticle(NodeServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    pool = services.database().pool();
    workers = vertx.createSharedWorkerExecutor(AccountRules.WORKERS, 2);
    return workers.executeBlocking(() -> hasher.hash(UUID.randomUUID().toString()), false)
        .compose(decoy -> {
          decoyHash = decoy;
          return AccessTokens.load(vertx, pool, new CryptoClient(vertx), services.config().domain());
        })
        .compose(loaded -> {
          tokens = loaded;
          passwords = new PasswordCheck(services, workers, hasher);
          return Operations.serveAll(vertx, LoggerFactory.getLogger(SessionsVerticle.class), Map.of(
              AccountsAddresses.LOGIN, this::login,
              AccountsAddresses.REFRESH, this::refresh,
              AccountsAddresses.LOGOUT, this::logout,
              AccountsAddresses.LOGOUT_ALL, this::logoutAll,
              AccountsAddresses.CHANGE_PASSWORD, this::changePassword,
              AccountsAddresses.VERIFY, this::verify));
        });
  }

  @Override
  public Future<?> stop() {
    return workers == null ? Future.succeededFuture() : workers.close();
  }

  /** {username, password, address} -> tokens; 401 invalid-credentials; 429 rate-limited. */
  private Future<JsonObject> login(JsonObject body) {
    String username = body.getValue("username") instanceof String name ? name.trim().toLowerCase(Locale.ROOT) : "";
    String password = AccountRules.password(body);
    String address = body.getString("address", "unknown");
    String accountKey = "login-failures:user:" + username;
    String addressKey = "login-failures:addr:" + address;
    return Future.all(services.cache().get(accountKey), services.cache().get(addressKey)).compose(counts -> {
      if (count(counts.resultAt(0)) >= MAX_FAILURES_PER_ACCOUNT || count(counts.resultAt(1)) >= MAX_FAILURES_PER_ADDRESS) {
        AUDIT.warn("login-throttled user={} address={}", username, address);
        return Future.failedFuture(new Problem(429, "rate-limited",
            "too many failed logins; retry after " + LOGIN_WINDOW.toSeconds() + " seconds"));
      }
      Future<Row> user = UserId.USERNAME.matcher(username).matches()
          ? SqlTemplate.forQuery(pool, "SELECT username, password_hash FROM users WHERE username = #{u}")
              .execute(Map.of("u", username)).map(rows -> rows.size() == 0 ? null : rows.iterator().next())
          : Future.succeededFuture(null);
      return user.compose(row -> workers.executeBlocking(
              () -> hasher.verify(password, row == null ? decoyHash : row.getString("password_hash")) && row != null, false)
          .compose(valid -> {
            if (!valid) {
              AUDIT.warn("login-failed user={} address={}", username, address);
              return Future.all(services.cache().increment(accountKey, LOGIN_WINDOW), services.cache().increment(addressKey, LOGIN_WINDOW))
                  .transform(ignored -> Future.failedFuture(new Problem(401, "invalid-credentials", "wrong username or password")));
            }
            AUDIT.info("login user={} address={}", username, address);
            return issue(username, UUID.randomUUID().toString());
          }));
    });
  }
  private static long count(Object value) {
    return value == null ? 0 : Long.parseLong(value.toString());
  }
  /** {refresh_token} -> new tokens; a token used before revokes its whole family. */
  private Future<JsonObject> refresh(JsonObject body) {
    String hash = refreshHash(body);
    // The transaction commits what it found, a revocation included; the caller turns it into an answer.
    return pool.withTransaction(conn -> SqlTemplate.forQuery(conn,
            "SELECT username, family, expires_at, used_at, revoked_at FROM refresh_tokens WHERE token_hash = #{h}")
        .execute(Map.of("h", hash))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture((Row) null);
          }
          Row row = rows.iterator().next();
          if (row.getString("revoked_at") != null || Instant.parse(row.getString("expires_at")).isBefore(Instant.now())) {
            return Future.succeededFuture((Row) null);
          }
          if (row.getString("used_at") != null) {
            AUDIT.warn("refresh-token-reused user={} family={}: family revoked", row.getString("username"), row.getString("family"));
            return revokeFamily(conn, row.getString("family")).map((Row) null);
          }
          return SqlTemplate.forUpdate(conn, "UPDATE refresh_tokens SET used_at = #{now} WHERE token_hash = #{h} AND used_at IS NULL")
              .execute(Map.of("now", AccountRules.now(), "h", hash))
              .map(updated -> updated.rowCount() == 1 ? row : null);
        }))
        .compose(row -> row == null ? Future.failedFuture(invalidRefresh()) : issue(row.getString("username"), row.getString("family")));
  }
  /** {refresh_token}: revokes its family, so its access tokens stop working too. */
  private Future<JsonObject> logout(JsonObject body) {
    String hash = refreshHash(body);
    return SqlTemplate.forQuery(pool, "SELECT family, username FROM refresh_tokens WHERE token_hash = #{h}").execute(Map.of("h", hash))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(invalidRefresh());
          }
          Row row = rows.iterator().next();
          AUDIT.info("logout user={}", row.getString("username"));
          return pool.withTransaction(conn -> revokeFamily(conn, row.getString("family"))).map(new JsonObject());
        });
  }
  /** {username}: every session of the user ends, this one too (its refresh token and access tokens stop working). */
  private Future<JsonObject> logoutAll(JsonObject body) {
    String username = AccountRules.username(body);
    return pool.withTransaction(conn -> revokeAllBut(conn, username, null))
        .map(count -> {
          AUDIT.info("logout-everywhere user={} sessions={}", username, count);
          return new JsonObject().put("signedOut", count);
        });
  }

  /**
   * {username, family, current, password}: the current password checked (failures count against the
   * account as failed logins do), the new one set, and every other session ended; this one goes on.
   */
  private Future<JsonObject> changePassword(JsonObject body) {
    String username = AccountRules.username(body);
    String family = body.getString("family");
    String password = AccountRules.password(body);
    String weak = UserStore.passwordProblem(password);
    if (weak != null) {
      throw new Problem(400, "weak-password", weak);
    }
    return passwords.require(username, body.getValue("current"))
        .compose(checked -> workers.executeBlocking(() -> hasher.hash(password), false))
        .compose(hash -> pool.withTransaction(conn -> SqlTemplate.forUpdate(conn, "UPDATE users SET password_hash = #{h}, password_changed_at = #{now} WHERE username = #{u}")
            .execute(Map.of("h", hash, "u", username, "now", AccountRules.now())).compose(ignored -> revokeAllBut(conn, username, family))))
        .map(count -> {
          AUDIT.info("password-changed user={} other-sessions-ended={}", username, count);
          return new JsonObject().put("signedOut", count);
        });
  }

  /** Revokes every live family of the user but {@code keep} (none when null); answers how many. */
  private Future<Integer> revokeAllBut(io.vertx.sqlclient.SqlConnection conn, String username, String keep) {
    return SqlTemplate.forQuery(conn, "SELECT DISTINCT family FROM refresh_tokens WHERE username = #{u} AND revoked_at IS NULL")
        .execute(Map.of("u", username)).compose(rows -> {
          List<Future<Void>> revoked = new java.util.ArrayList<>();
          rows.forEach(row -> {
            if (!row.getString("family").equals(keep)) {
              revoked.add(revokeFamily(conn, row.getString("family")));
            }
          });
          return Future.all(revoked).map(revoked.size());
        });
  }

  /** {token} -> {username, family, userId, admin}; 401 invalid-token, also for a revoked family. */
  private Future<JsonObject> verify(JsonObject body) {
    String token = body.getString("token");
    if (token == null || token.length() > 8192) {
      throw new Problem(401, "invalid-token", "no access token");
    }
    return tokens.verify(token).compose(claims -> services.cache().get("revoked-family:" + claims.getString("fam"))
        .compose(revoked -> revoked != null
            ? Future.failedFuture(new Problem(401, "invalid-token", "the session was ended"))
            : Future.succeededFuture(new JsonObject().put("username", claims.getString("sub")).put("family", claims.getString("fam"))
                .put("userId", claims.getString("sub") + "@" + services.config().domain())
                .put("admin", Boolean.TRUE.equals(claims.getValue("adm"))))));
  }
  private Future<Void> revokeFamily(io.vertx.sqlclient.SqlConnection conn, String family) {
    return SqlTemplate.forUpdate(conn, "UPDATE refresh_tokens SET revoked_at = #{now} WHERE family = #{f} AND revoked_at IS NULL")
        .execute(Map.of("now", AccountRules.now(), "f", family))
        .compose(ignored -> services.cache().put("revoked-family:" + family, "1", AccessTokens.LIFETIME.plusMinutes(1)));
  }
  private Future<JsonObject> issue(String username, String family) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String refreshToken = B64u.encode(secret);
    Instant now = Instant.now();
    return SqlTemplate.forUpdate(pool, "INSERT INTO refresh_tokens (token_hash, username, family, issued_at, expires_at) "
            + "VALUES (#{h}, #{u}, #{f}, #{now}, #{exp})")
        .execute(Map.of("h", hash(refreshToken), "u", username, "f", family, "now", now.toString(),
            "exp", now.plus(REFRESH_LIFETIME).toString()))
        .compose(ignored -> UserStore.isAdmin(pool, username))
        .compose(admin -> tokens.issue(username, family, admin))
        .map(accessToken -> new JsonObject()
            .put("access_token", accessToken)
            .put("refresh_token", refreshToken)
            .put("token_type", "Bearer")
            .put("expires_in", AccessTokens.LIFETIME.toSeconds()));
  }
  private static String refreshHash(JsonObject body) {
    Object token = body.getValue("refresh_token");
    if (!(token instanceof String text) || text.isEmpty() || text.length() > 200) {
      throw new Problem(400, "invalid-field", "refresh_token is required");
    }
    return hash(text);
  }
  private static String hash(String token) {
    return B64u.encode(NodeId.sha256(token.getBytes(StandardCharsets.UTF_8)));
  }
  private static Problem invalidRefresh() {
    return new Problem(401, "invalid-refresh-token", "the refresh token is invalid, used or expired; log in again");
  }
}
