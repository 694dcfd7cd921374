package org.openred.federation.signature;

import io.vertx.core.Future;
import org.openred.cache.SharedCache;
import org.openred.crypto.SignatureChecks;
import org.openred.kernel.Problem;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The receiver side of PROTOCOL.md section 4, checks 1 to 6 in the specified order (check 7,
 * keyid domain against the body's sender, belongs to the route that knows the body). Failures are
 * {@link Problem}s: 401 signature-invalid, unknown-key, signature-expired, wrong-destination,
 * replayed.
 */
public final class RequestVerifier {
  static final Duration NONCE_TTL = Duration.ofSeconds(600);

  /** Finds the Ed25519 public keys a keyid may sign with; an empty list means unknown. */
  public interface KeyResolver {
    Future<List<byte[]>> keys(String keyId);

    /**
     * Asked once when no known key verifies a signature (the signer may have rotated its key):
     * fresher keys, or none. Implementations limit how often this reaches the network.
     */
    default Future<List<byte[]>> refreshed(String keyId) {
      return Future.succeededFuture(List.of());
    }
  }

  public record Verified(String keyId, byte[] publicKey) {
  }

  private final SignatureChecks checks;
  private final KeyResolver keys;
  private final SharedCache nonces;
  private final Set<String> authorities;
  private final long skewSeconds;
  private final Clock clock;

  public RequestVerifier(SignatureChecks checks, KeyResolver keys, SharedCache nonces, Set<String> authorities, long skewSeconds, Clock clock) {
    this.checks = checks;
    this.keys = keys;
    this.nonces = nonces;
    this.authorities = authorities;
    this.skewSeconds = skewSeconds;
    this.clock = clock;
  }

  public Future<Verified> verify(SignedRequest request, byte[] body) {
    SignatureParams params;
    byte[] signature;
    byte[] base;
    try {
      params = SignatureParams.parseHeader(request.header().apply("Signature-Input"));
      Map.Entry<String, byte[]> sig = SignatureParams.parseSignatureHeader(request.header().apply("Signature"));
      if (!sig.getKey().equals(params.label())) {
        throw new MalformedSignatureException("Signature and Signature-Input name different labels");
      }
      signature = sig.getValue();
      checkCoverage(params, body);
      base = request.signatureBase(params);
    } catch (MalformedSignatureException e) {
      return Future.failedFuture(invalid(e.getMessage()));
    }
    String keyId = params.keyId();
    return keys.keys(keyId).compose(candidates -> {
      if (candidates.isEmpty()) {
        return Future.failedFuture(new Problem(401, "unknown-key", "no key is known for keyid " + keyId));
      }
      long now = clock.instant().getEpochSecond();
      long created = params.created();
      if (Math.abs(now - created) > skewSeconds) {
        return Future.failedFuture(new Problem(401, "signature-expired", "created is outside ±" + skewSeconds + " s of this server's clock"));
      }
      if (params.expires() != null && params.expires() < now) {
        return Future.failedFuture(new Problem(401, "signature-expired", "the signature has expired"));
      }
      if (!authorities.contains(request.authority())) {
        return Future.failedFuture(new Problem(401, "wrong-destination", "the request was signed for " + request.authority() + ", not this server"));
      }
      return checkSignature(request, body, candidates, base, signature)
          .compose(found -> found != null ? Future.succeededFuture(found) : keys.refreshed(keyId)
              .compose(fresher -> checkSignature(request, body, fresher, base, signature))
              .compose(again -> again != null ? Future.succeededFuture(again)
                  : Future.failedFuture(invalid("the signature does not verify"))))
          .compose(publicKey -> nonces.putIfAbsent("nonce:" + keyId + ":" + params.nonce(), "1", NONCE_TTL)
              .compose(first -> first ? Future.succeededFuture(new Verified(keyId, publicKey))
                  : Future.failedFuture(new Problem(401, "replayed", "this nonce was already used"))));
    });
  }

  /** The key that verifies, or null; a digest that does not match the body fails outright. */
  private Future<byte[]> checkSignature(SignedRequest request, byte[] body, List<byte[]> candidates, byte[] base, byte[] signature) {
    String digest = request.header().apply("Content-Digest");
    return checks.keyThatSigned(candidates, () -> {
      boolean matches;
      try {
        matches = body == null || body.length == 0 || ContentDigest.matches(digest, body);
      } catch (MalformedSignatureException e) {
        throw invalid("Content-Digest: " + e.getMessage());
      }
      if (!matches) {
        throw invalid("Content-Digest does not match the body");
      }
      return base;
    }, signature);
  }

  /** What we require to be covered, so that nothing that matters can change in transit. */
  private static void checkCoverage(SignatureParams params, byte[] body) {
    for (String required : List.of("@method", "@authority", "@path", "@query")) {
      if (!params.components().contains(required)) {
        throw new MalformedSignatureException("the signature must cover " + required);
      }
    }
    if (body != null && body.length > 0 && !params.components().contains("content-digest")) {
      throw new MalformedSignatureException("a request with a body must cover content-digest");
    }
    if (params.created() == null) {
      throw new MalformedSignatureException("created is required");
    }
    if (params.keyId() == null || params.keyId().isEmpty() || params.keyId().length() > 300) {
      throw new MalformedSignatureException("keyid is required");
    }
    if (params.alg() != null && !params.alg().equals("ed25519")) {
      throw new MalformedSignatureException("alg " + params.alg() + " is not accepted, only ed25519");
    }
    if (params.nonce() == null || params.nonce().length() < 16 || params.nonce().length() > 64) {
      throw new MalformedSignatureException("a nonce of 16 to 64 characters is required");
    }
    if (params.expires() != null && params.expires() < params.created()) {
      throw new MalformedSignatureException("expires is before created");
    }
  }

  private static Problem invalid(String detail) {
    return new Problem(401, "signature-invalid", detail);
  }
}
