package org.openred.federation.signature;

import io.vertx.core.Future;
import org.openred.crypto.B64u;
import org.openred.crypto.CryptoClient;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Signs outgoing federation and registry requests (PROTOCOL.md section 4) with the node key held
 * by the crypto sandbox: {@code @method @authority @path @query}, plus {@code content-digest}
 * when there is a body, with created, keyid, alg and a fresh nonce.
 */
public final class RequestSigner {
  public static final String LABEL = "sig1";
  private final Function<byte[], Future<byte[]>> signature;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /** Signs with the node key held by the crypto sandbox. */
  public RequestSigner(CryptoClient crypto, Clock clock) {
    this(crypto::sign, clock);
  }

  /** Signs with any Ed25519 signing function (tests sign as made-up nodes this way). */
  public RequestSigner(Function<byte[], Future<byte[]>> signature, Clock clock) {
    this.signature = signature;
    this.clock = clock;
  }

  /** The headers to add: Content-Digest (with a body), Signature-Input and Signature. */
  public Future<Map<String, String>> sign(String method, URI url, byte[] body, String keyId) {
    Map<String, String> headers = new LinkedHashMap<>();
    List<String> components = new ArrayList<>(List.of("@method", "@authority", "@path", "@query"));
    if (body != null && body.length > 0) {
      headers.put("Content-Digest", ContentDigest.sha256Header(body));
      components.add("content-digest");
    }
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("created", clock.instant().getEpochSecond());
    parameters.put("keyid", keyId);
    parameters.put("alg", "ed25519");
    parameters.put("nonce", B64u.encode(nonce));
    SignatureParams params = new SignatureParams(LABEL, List.copyOf(components), parameters);
    SignedRequest request = SignedRequest.of(method, SignedRequest.authority(url.getScheme(), url.getHost(), url.getPort()),
        url.getRawPath(), url.getRawQuery(), headers);
    byte[] base = request.signatureBase(params);
    return signature.apply(base).map(signed -> {
      headers.put("Signature-Input", LABEL + "=" + params.serialize());
      headers.put("Signature", LABEL + "=:" + Base64.getEncoder().encodeToString(signed) + ":");
      return headers;
    });
  }
}
