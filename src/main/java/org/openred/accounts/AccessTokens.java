package org.openred.accounts;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.crypto.CryptoClient;
import org.openred.kernel.Problem;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Access tokens (PROTOCOL.md section 8): ES256 JWTs that live 15 minutes, signed by the newest of
 * the node's token keys. Keys rotate every 30 days and an old key keeps verifying until every token
 * it signed has expired. Private halves are sealed by the crypto sandbox in {@code jwt_keys}.
 * Signing and checking run on a worker: ES256 in JDK 17 is slow enough to stall an event loop, and
 * every client request carries a token.
 */
public final class AccessTokens {
  public static final Duration LIFETIME = Duration.ofMinutes(15);
  private static final int VERIFIED_KEPT = 10_000;
  static final Duration ROTATION = Duration.ofDays(30);
  private static final String SEAL_PURPOSE = "jwt-keys";

  private final Vertx vertx;
  private final JWTAuth auth;
  private final String kid;
  private final String domain;

  private record Verified(JsonObject claims, long expires) {
  }

  /** Tokens whose signature this node checked, the most recently used kept (a 15-minute token each). */
  private final Map<String, Verified> verified = new java.util.LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Verified> eldest) {
      return size() > VERIFIED_KEPT;
    }
  };

  private AccessTokens(Vertx vertx, JWTAuth auth, String kid, String domain) {
    this.vertx = vertx;
    this.auth = auth;
    this.kid = kid;
    this.domain = domain;
  }

  /** Loads the live keys, making a new signing key when the newest is due for rotation. */
  public static Future<AccessTokens> load(Vertx vertx, Pool pool, CryptoClient crypto, String domain) {
    Instant now = Instant.now();
    return liveKeys(pool, now).compose(rows -> {
      boolean due = rows.isEmpty() || Instant.parse(rows.get(0).getString("created_at")).plus(ROTATION).isBefore(now);
      return due ? createKey(vertx, pool, crypto, now).compose(ignored -> liveKeys(pool, now)) : Future.succeededFuture(rows);
    }).compose(rows -> {
      JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions().setIssuer(domain).setAudience(List.of(domain))
          .setAlgorithm("ES256").setExpiresInSeconds((int) LIFETIME.toSeconds()));
      List<Future<Void>> opened = new ArrayList<>();
      for (Row row : rows) {
        String rowKid = row.getString("kid");
        options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setId(rowKid).setBuffer(row.getString("public_pem")));
        if (row == rows.get(0)) {
          opened.add(crypto.open(SEAL_PURPOSE, row.getString("sealed_private"), rowKid.getBytes(StandardCharsets.UTF_8))
              .map(pem -> {
                options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setId(rowKid)
                    .setBuffer(new String(pem, StandardCharsets.UTF_8)));
                return null;
              }));
        }
      }
      return Future.all(opened).map(ignored -> new AccessTokens(vertx, JWTAuth.create(vertx, options), rows.get(0).getString("kid"), domain));
    });
  }

  private static Future<List<Row>> liveKeys(Pool pool, Instant now) {
    return SqlTemplate.forQuery(pool, "SELECT kid, sealed_private, public_pem, created_at FROM jwt_keys WHERE retire_at > #{now} "
            + "ORDER BY created_at DESC, kid DESC")
        .execute(Map.of("now", now.toString()))
        .map(rows -> {
          List<Row> list = new ArrayList<>();
          rows.forEach(list::add);
          return list;
        });
  }

  private static Future<Void> createKey(Vertx vertx, Pool pool, CryptoClient crypto, Instant now) {
    String kid = "at-" + UUID.randomUUID();
    return vertx.executeBlocking(() -> {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    }, false).compose(pair -> crypto.seal(SEAL_PURPOSE, pem("PRIVATE KEY", pair.getPrivate().getEncoded()).getBytes(StandardCharsets.UTF_8),
            kid.getBytes(StandardCharsets.UTF_8))
        .compose(sealed -> SqlTemplate.forUpdate(pool, "INSERT INTO jwt_keys (kid, sealed_private, public_pem, created_at, retire_at) "
                + "VALUES (#{kid}, #{sealed}, #{public}, #{created}, #{retire})")
            .execute(Map.of("kid", kid, "sealed", sealed, "public", pem("PUBLIC KEY", pair.getPublic().getEncoded()),
                "created", now.truncatedTo(ChronoUnit.SECONDS).toString(),
                "retire", now.plus(ROTATION).plus(LIFETIME).plus(Duration.ofDays(1)).toString()))
            .mapEmpty()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** A token for {@code username} within refresh-token family {@code family}; {@code adm} says the holder is an admin. */
  public Future<String> issue(String username, String family, boolean admin) {
    return issue(username, family, admin, Instant.now().plus(LIFETIME));
  }

  /** With an explicit expiry (tests make expired ones: a non-positive lifetime would mean no exp at all). */
  Future<String> issue(String username, String family, boolean admin, Instant expires) {
    JsonObject claims = new JsonObject().put("sub", username).put("fam", family).put("use", "access").put("exp", expires.getEpochSecond());
    if (admin) {
      claims.put("adm", true);
    }
    return vertx.executeBlocking(() -> auth.generateToken(claims,
        new JWTOptions().setAlgorithm("ES256").setIssuer(domain).setAudience(List.of(domain)).setHeader(new JsonObject().put("kid", kid))),
        false);
  }

  /**
   * The claims of a valid access token; fails with 401 invalid-token for anything else. A token whose
   * signature was checked here is remembered until it expires (an ES256 verification costs about a
   * millisecond of CPU, on every request): what may change meanwhile, a revoked family, the caller
   * checks every time. Call on one context (the verticle's): the memory is not shared.
   */
  public Future<JsonObject> verify(String token) {
    Verified known = verified.get(token);
    if (known != null) {
      if (known.expires() > Instant.now().getEpochSecond()) {
        return Future.succeededFuture(known.claims().copy());
      }
      verified.remove(token);
    }
    // The provider checks synchronously and answers a completed future: that work is what goes to the worker.
    return vertx.executeBlocking(() -> auth.authenticate(new TokenCredentials(token)), false)
        .compose(checked -> checked)
        .map(user -> user.principal())
        .compose(claims -> "access".equals(claims.getString("use")) && claims.getString("sub") != null
            ? Future.succeededFuture(claims)
            : Future.failedFuture(new Problem(401, "invalid-token", "not an access token")))
        .map(claims -> {
          if (claims.getValue("exp") instanceof Number exp) {
            verified.put(token, new Verified(claims.copy(), exp.longValue()));
          }
          return claims;
        })
        .recover(failure -> Future.failedFuture(failure instanceof Problem ? failure
            : new Problem(401, "invalid-token", "the access token is invalid or expired")));
  }

}
