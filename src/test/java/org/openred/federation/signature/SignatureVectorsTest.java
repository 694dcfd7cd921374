package org.openred.federation.signature;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openred.crypto.B64u;
import org.openred.crypto.Ed25519;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignatureVectorsTest {
  /** RFC 9421 appendix B.1.4 test-key-ed25519. */
  private static final byte[] PRIVATE = B64u.decode("n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU");
  private static final byte[] PUBLIC = B64u.decode("JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs");
  private static final String B26_INPUT = "sig-b26=(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\")"
      + ";created=1618884473;keyid=\"test-key-ed25519\"";
  private static final String B26_SIGNATURE = "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:";
  private static final String B26_BASE = """
      "date": Tue, 20 Apr 2021 02:07:55 GMT
      "@method": POST
      "@path": /foo
      "@authority": example.com
      "content-type": application/json
      "content-length": 18
      "@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519\"""";

  /** RFC 9421 appendix B.2's test request. */
  private static SignedRequest testRequest() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", "example.com");
    headers.put("Date", "Tue, 20 Apr 2021 02:07:55 GMT");
    headers.put("Content-Type", "application/json");
    headers.put("Content-Digest", "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:");
    headers.put("Content-Length", "18");
    return SignedRequest.of("POST", SignedRequest.authority("https", "example.com"), "/foo", "param=Value&Pet=dog", headers);
  }

  @Test
  @DisplayName("RFC 9421 B.2.6: our signature base and Ed25519 signature equal the RFC's, byte for byte")
  void b26Sign() {
    SignatureParams params = SignatureParams.parseHeader(B26_INPUT);
    byte[] base = testRequest().signatureBase(params);
    assertEquals(B26_BASE, new String(base, StandardCharsets.UTF_8));
    assertEquals(B26_INPUT, params.label() + "=" + params.serialize());
    String signature = params.label() + "=:" + Base64.getEncoder().encodeToString(Ed25519.sign(PRIVATE, base)) + ":";
    assertEquals(B26_SIGNATURE, signature);
  }

  @Test
  @DisplayName("RFC 9421 B.2.6: the RFC's signature verifies, and fails once the request changes")
  void b26Verify() {
    SignatureParams params = SignatureParams.parseHeader(B26_INPUT);
    Map.Entry<String, byte[]> signature = SignatureParams.parseSignatureHeader(B26_SIGNATURE);
    assertEquals("sig-b26", signature.getKey());
    assertTrue(Ed25519.verify(PUBLIC, testRequest().signatureBase(params), signature.getValue()));
    SignedRequest changed = SignedRequest.of("POST", "example.org", "/foo", "param=Value&Pet=dog",
        Map.of("Date", "Tue, 20 Apr 2021 02:07:55 GMT", "Content-Type", "application/json", "Content-Length", "18"));
    assertFalse(Ed25519.verify(PUBLIC, changed.signatureBase(params), signature.getValue()));
  }

  @Test
  @DisplayName("RFC 9530 section 2 examples: sha-256 and sha-512 of {\"hello\": \"world\"}")
  void contentDigest() {
    byte[] body = "{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8);
    assertEquals("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", ContentDigest.sha256Header(body));
    assertTrue(ContentDigest.matches("sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:", body));
    assertTrue(ContentDigest.matches("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, unixsum=:AAA=:", body));
    assertFalse(ContentDigest.matches("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", "{\"hello\": \"world\"}\n".getBytes(StandardCharsets.UTF_8)));
    assertThrows(MalformedSignatureException.class, () -> ContentDigest.matches("md5=:AAAA:", body));
    assertThrows(MalformedSignatureException.class, () -> ContentDigest.matches("sha-256=X48E9q", body));
  }

  @Test
  @DisplayName("@authority: lowercase host, default ports dropped, others kept")
  void authority() {
    assertEquals("a.test", SignedRequest.authority("https", "A.Test:443"));
    assertEquals("a.test:18081", SignedRequest.authority("http", "A.TEST:18081"));
    assertEquals("a.test", SignedRequest.authority("http", "a.test:80"));
    assertEquals("a.test:80", SignedRequest.authority("https", "a.test:80"));
    assertEquals("[::1]:8080", SignedRequest.authority("http", "[::1]:8080"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @DisplayName("Broken Signature-Input headers are refused (ATTACKS 11)")
  @ValueSource(strings = {
      "",
      "sig1",
      "sig1=(\"@method\" \"@path\"",
      "sig1=(\"@method\");created=1;created=2",
      "sig1=(\"@method\" \"@method\");created=1",
      "sig1=(\"@method\");created=1.5",
      "sig1=(\"@me\nthod\");created=1",
      "sig1=(\"@method\");keyid=\"unterminated",
      "sig1=(\"@method\");created=1, sig2=(\"@path\");created=1",
      "Sig1=(\"@method\");created=1",
      "sig1=(@method);created=1",
      "sig1=(\"@method\";x=1);created=1"
  })
  void malformedInputs(String header) {
    assertThrows(MalformedSignatureException.class, () -> SignatureParams.parseHeader(header));
  }

  @Test
  @DisplayName("Component names must be lowercase and derived components known")
  void componentNames() {
    SignedRequest request = testRequest();
    assertThrows(MalformedSignatureException.class,
        () -> request.signatureBase(new SignatureParams("s", List.of("Date"), Map.of())));
    assertThrows(MalformedSignatureException.class,
        () -> request.signatureBase(new SignatureParams("s", List.of("@nonsense"), Map.of())));
    assertThrows(MalformedSignatureException.class,
        () -> request.signatureBase(new SignatureParams("s", List.of("x-missing"), Map.of())));
  }
}
