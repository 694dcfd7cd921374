package org.openred.accounts;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.bus.Addresses;
import org.openred.bus.Operations;
import org.openred.crypto.B64u;
import org.openred.crypto.Ed25519;
import org.openred.crypto.X25519;
import org.openred.crypto.CryptoClient;
import org.openred.crypto.NodeId;
import org.openred.node.NodeServices;
import org.openred.web.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Accounts (PROTOCOL.md section 8): registration, login with Argon2id (on its own worker pool),
 * 15-minute access tokens, refresh tokens stored hashed and rotated on every use (a reused one
 * revokes its whole family), logout, and login rate limits per account and per address. Unknown
 * users and wrong passwords get the same answer after the same work.
 */
public final class AccountsVerticle extends VerticleBase {
  private static final Logger AUDIT = LoggerFactory.getLogger("openred.audit");
  static final Pattern USERNAME = UserStore.USERNAME;
  static final Duration REFRESH_LIFETIME = Duration.ofDays(30);
  static final Duration LOGIN_WINDOW = Duration.ofMinutes(15);
  static final int MAX_FAILURES_PER_ACCOUNT = 10;
  static final int MAX_FAILURES_PER_ADDRESS = 50;

  private final NodeServices services;
  private final PasswordHasher hasher = new PasswordHasher();
  private final SecureRandom random = new SecureRandom();
  private WorkerExecutor argon2;
  private AccessTokens tokens;
  private org.openred.federation.FederationClient federation;
  private Pool pool;
  /** Checked against when the user does not exist, so both answers cost the same. */
  private String decoyHash;

  public AccountsVerticle(NodeServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    pool = services.database().pool();
    federation = new org.openred.federation.FederationClient(vertx, services);
    argon2 = vertx.createSharedWorkerExecutor("openred-argon2", 2);
    return argon2.executeBlocking(() -> hasher.hash(UUID.randomUUID().toString()), false)
        .compose(decoy -> {
          decoyHash = decoy;
          return AccessTokens.load(vertx, pool, new CryptoClient(vertx), services.config().domain());
        })
        .compose(loaded -> {
          tokens = loaded;
          List<MessageConsumer<JsonObject>> consumers = List.of(
              serve(Addresses.ACCOUNTS_REGISTER, this::register),
              serve(Addresses.ACCOUNTS_LOGIN, this::login),
              serve(Addresses.ACCOUNTS_REFRESH, this::refresh),
              serve(Addresses.ACCOUNTS_LOGOUT, this::logout),
              serve(Addresses.ACCOUNTS_VERIFY, this::verify),
              serve(Addresses.ACCOUNTS_PUT_KEYS, this::putKeys),
              serve(Addresses.ACCOUNTS_GET_KEYS, this::getKeys),
              serve(Addresses.ACCOUNTS_PUBLIC_KEY, this::localKeys));
          return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
        });
  }

  @Override
  public Future<?> stop() {
    return argon2 == null ? Future.succeededFuture() : argon2.close();
  }

  private MessageConsumer<JsonObject> serve(String address, Function<JsonObject, Future<JsonObject>> operation) {
    return Operations.serve(vertx, address, true, LoggerFactory.getLogger(AccountsVerticle.class), operation);
  }

  /** {username, password} -> {username, userId}; 409 username-taken. */
  private Future<JsonObject> register(JsonObject body) {
    String username = username(body);
    String password = password(body);
    String weak = UserStore.passwordProblem(password);
    if (weak != null) {
      throw new Problem(400, "weak-password", weak);
    }
    return argon2.executeBlocking(() -> hasher.hash(password), false)
        .compose(hash -> UserStore.create(pool, username, hash))
        .compose(created -> {
          if (!created) {
            return Future.failedFuture(new Problem(409, "username-taken", "the username " + username + " is taken"));
          }
          AUDIT.info("account-created user={}", username);
          return Future.succeededFuture(new JsonObject().put("username", username).put("userId", username + "@" + services.config().domain()));
        });
  }

  /** {username, password, address} -> tokens; 401 invalid-credentials; 429 rate-limited. */
  private Future<JsonObject> login(JsonObject body) {
    String username = body.getValue("username") instanceof String name ? name.trim().toLowerCase(Locale.ROOT) : "";
    String password = password(body);
    String address = body.getString("address", "unknown");
    String accountKey = "login-failures:user:" + username;
    String addressKey = "login-failures:addr:" + address;
    return Future.all(services.cache().get(accountKey), services.cache().get(addressKey)).compose(counts -> {
      if (count(counts.resultAt(0)) >= MAX_FAILURES_PER_ACCOUNT || count(counts.resultAt(1)) >= MAX_FAILURES_PER_ADDRESS) {
        AUDIT.warn("login-throttled user={} address={}", username, address);
        return Future.failedFuture(new Problem(429, "rate-limited",
            "too many failed logins; retry after " + LOGIN_WINDOW.toSeconds() + " seconds"));
      }
      Future<Row> user = USERNAME.matcher(username).matches()
          ? SqlTemplate.forQuery(pool, "SELECT username, password_hash FROM users WHERE username = #{u}")
              .execute(Map.of("u", username)).map(rows -> rows.size() == 0 ? null : rows.iterator().next())
          : Future.succeededFuture(null);
      return user.compose(row -> argon2.executeBlocking(
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
              .execute(Map.of("now", now(), "h", hash))
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

  /** {token} -> {username, family, userId}; 401 invalid-token, also for a revoked family. */
  private Future<JsonObject> verify(JsonObject body) {
    String token = body.getString("token");
    if (token == null || token.length() > 8192) {
      throw new Problem(401, "invalid-token", "no access token");
    }
    return tokens.verify(token).compose(claims -> services.cache().get("revoked-family:" + claims.getString("fam"))
        .compose(revoked -> revoked != null
            ? Future.failedFuture(new Problem(401, "invalid-token", "the session was ended"))
            : Future.succeededFuture(new JsonObject().put("username", claims.getString("sub")).put("family", claims.getString("fam"))
                .put("userId", claims.getString("sub") + "@" + services.config().domain()))));
  }

  /**
   * {username (the caller), sig, dh, replace?}: publishes the caller's public keys. Keys already
   * published are replaced only when the client says so ({@code replace: true}), after warning its
   * user; otherwise 409 keys-exist, so nothing replaces them silently (ATTACKS 21).
   */
  private Future<JsonObject> putKeys(JsonObject body) {
    String username = body.getString("username");
    String sig = publicKey(body, "sig");
    String dh = publicKey(body, "dh");
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
              .execute(Map.of("sig", sig, "dh", dh, "now", now(), "u", username))
              .map(new JsonObject());
        });
  }

  /** {userId}: a local user's keys from the database, a remote one's through its node (cached 5 minutes). */
  private Future<JsonObject> getKeys(JsonObject body) {
    String userId = body.getValue("userId") instanceof String id ? id.toLowerCase(Locale.ROOT) : "";
    int at = userId.lastIndexOf('@');
    if (at <= 0 || !USERNAME.matcher(userId.substring(0, at)).matches()
        || org.openred.config.FederationDomain.normalise(userId.substring(at + 1)) == null) {
      throw new Problem(400, "invalid-user-id", "a user id is username@domain");
    }
    if (userId.substring(at + 1).equals(services.config().domain())) {
      return localKeys(new JsonObject().put("userId", userId));
    }
    String cacheKey = "user-keys:" + userId;
    return services.cache().get(cacheKey).compose(hit -> hit != null ? Future.succeededFuture(new JsonObject(hit))
        : federation.send(userId.substring(at + 1), io.vertx.core.http.HttpMethod.GET,
                "/users/" + java.net.URLEncoder.encode(userId, StandardCharsets.UTF_8) + "/public_key", null, 64 * 1024)
            .compose(response -> {
              if (response.status() == 404) {
                return Future.failedFuture(new Problem(404, "unknown-user", "no user " + userId));
              }
              if (response.status() != 200) {
                return Future.failedFuture(new Problem(502, "peer-error", userId.substring(at + 1) + " answered " + response.status()));
              }
              JsonObject keys = org.openred.web.StrictJson.parseObject(response.body());
              if (!userId.equals(keys.getString("userId")) || keys.getJsonObject("keys") == null) {
                return Future.failedFuture(new Problem(502, "peer-error", "the answer is not about " + userId));
              }
              String sig = publicKey(keys.getJsonObject("keys"), "sig");
              String dh = publicKey(keys.getJsonObject("keys"), "dh");
              return strongKeys(sig, dh)
                  .recover(weak -> Future.failedFuture(new Problem(502, "peer-weak-key", userId.substring(at + 1) + " serves a weak key for " + userId)))
                  .compose(ignored -> services.cache().put(cacheKey, keys.encode(), Duration.ofMinutes(5))).map(keys);
            }));
  }

  /** {userId} of this node: {userId, keys: {sig, dh}, updated_at}; 404 when unknown or without keys. */
  private Future<JsonObject> localKeys(JsonObject body) {
    String userId = body.getString("userId", "");
    String username = userId.substring(0, Math.max(0, userId.lastIndexOf('@')));
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
    return argon2.executeBlocking(() -> {
      if (!Ed25519.isStrongPublicKey(B64u.decode(sig))) {
        throw new Problem(400, "weak-key", "sig is not a usable Ed25519 public key (small or mixed order)");
      }
      if (!X25519.isStrongPublicKey(B64u.decode(dh))) {
        throw new Problem(400, "weak-key", "dh is not a usable X25519 public key (small order)");
      }
      return null;
    }, false);
  }

  private static String publicKey(JsonObject body, String field) {
    Object value = body.getValue(field);
    try {
      B64u.decode(value instanceof String text ? text : null, 32, field);
    } catch (IllegalArgumentException e) {
      throw new Problem(400, "invalid-key", field + " must be a 32-byte public key in base64url");
    }
    return (String) value;
  }

  private Future<Void> revokeFamily(io.vertx.sqlclient.SqlConnection conn, String family) {
    return SqlTemplate.forUpdate(conn, "UPDATE refresh_tokens SET revoked_at = #{now} WHERE family = #{f} AND revoked_at IS NULL")
        .execute(Map.of("now", now(), "f", family))
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
        .compose(ignored -> tokens.issue(username, family))
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

  private static String username(JsonObject body) {
    String username = UserStore.username(body.getValue("username"));
    if (username == null) {
      throw new Problem(400, "invalid-username", "a username is 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit");
    }
    return username;
  }

  private static String password(JsonObject body) {
    Object value = body.getValue("password");
    if (!(value instanceof String password) || password.isEmpty()) {
      throw new Problem(400, "invalid-field", "password is required");
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > PasswordHasher.MAX_PASSWORD_BYTES) {
      throw new Problem(400, "password-too-long", "a password has at most " + PasswordHasher.MAX_PASSWORD_BYTES + " bytes");
    }
    return password;
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
