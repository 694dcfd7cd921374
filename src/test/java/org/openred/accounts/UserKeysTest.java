package org.openred.accounts;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openred.crypto.B64u;
import org.openred.crypto.Ed25519;
import org.openred.crypto.X25519;
import org.openred.testing.ClientApi;
import org.openred.testing.TwoNodes;

import java.net.http.HttpResponse;
import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.openred.testing.Problems.assertProblem;

/** User keys published on one node and fetched from another through federation (ATTACKS 20, 21). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserKeysTest {
  private final SecureRandom random = new SecureRandom();
  private final TwoNodes nodes = new TwoNodes("keys");
  private final int aPort = nodes.aPort;
  private final int bPort = nodes.bPort;

  @AfterAll
  void stop() {
    nodes.close();
  }

  private static HttpResponse<String> send(int port, String method, String path, String token, JsonObject body) {
    return ClientApi.send(port, method, path, token, body);
  }

  private static String session(int port, String name) {
    return ClientApi.session(port, name);
  }

  private JsonObject newKeys() {
    return new JsonObject().put("sig", B64u.encode(Ed25519.publicKey(Ed25519.generatePrivateKey(random))))
        .put("dh", B64u.encode(X25519.publicKey(X25519.generatePrivateKey(random))));
  }


  @Test
  @DisplayName("alice publishes keys on A; bob on B gets them through federation; nothing replaces them silently")
  void publishAndFetch() {
    String alice = session(aPort, "alice");
    String bob = session(bPort, "bob");
    JsonObject keys = newKeys();
    assertProblem(404, "unknown-user", send(bPort, "GET", "/api/v1/keys/alice@a.test", bob, null));
    // A body naming another user changes nothing: keys are always the caller's own.
    assertEquals(204, send(aPort, "PUT", "/api/v1/keys", alice, keys.copy().put("username", "bob")).statusCode());

    JsonObject local = new JsonObject(send(aPort, "GET", "/api/v1/keys/alice@a.test", alice, null).body());
    assertEquals(keys, local.getJsonObject("keys"));
    HttpResponse<String> remote = send(bPort, "GET", "/api/v1/keys/ALICE@a.test", bob, null);
    assertEquals(200, remote.statusCode(), remote.body());
    assertEquals(keys, new JsonObject(remote.body()).getJsonObject("keys"));
    assertEquals("alice@a.test", new JsonObject(remote.body()).getString("userId"));

    JsonObject other = newKeys();
    assertProblem(409, "keys-exist", send(aPort, "PUT", "/api/v1/keys", alice, other));
    assertEquals(204, send(aPort, "PUT", "/api/v1/keys", alice, keys).statusCode());
    assertEquals(204, send(aPort, "PUT", "/api/v1/keys", alice, other.copy().put("replace", true)).statusCode());
    assertEquals(other, new JsonObject(send(aPort, "GET", "/api/v1/keys/alice@a.test", alice, null).body()).getJsonObject("keys"));
  }

  @Test
  @DisplayName("Bad keys and ids are refused; keys need a session")
  void refusals() {
    String carol = session(aPort, "carol");
    assertProblem(400, "invalid-key", send(aPort, "PUT", "/api/v1/keys", carol, newKeys().put("sig", "AAAA")));
    assertProblem(400, "invalid-key", send(aPort, "PUT", "/api/v1/keys", carol, newKeys().put("dh", "not base64!")));
    assertProblem(400, "invalid-user-id", send(aPort, "GET", "/api/v1/keys/carol", carol, null));
    assertProblem(404, "unknown-user", send(aPort, "GET", "/api/v1/keys/nobody@b.test", carol, null));
    assertProblem(401, "missing-token", send(aPort, "PUT", "/api/v1/keys", null, newKeys()));
    assertProblem(401, "missing-token", send(aPort, "GET", "/api/v1/keys/carol@a.test", null, null));
  }

  /** Encodings of small-order points (RFC 8032 and RFC 7748 curves), canonical and not, and a mixed-order Ed25519 point. */
  private static final String[] WEAK_SIG = {
      "0100000000000000000000000000000000000000000000000000000000000000", // identity
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2
      "0000000000000000000000000000000000000000000000000000000000000000", // order 4, all zero
      "0000000000000000000000000000000000000000000000000000000000000080", // order 4
      "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
      "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", // order 8
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"}; // identity, non-canonical (y = p + 1)
  private static final String[] WEAK_DH = {
      "0000000000000000000000000000000000000000000000000000000000000000", // 0
      "0100000000000000000000000000000000000000000000000000000000000000", // 1
      "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", // order 8
      "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", // order 8
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p - 1
      "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p (= 0)
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"}; // p + 1 (= 1)

  @Test
  @DisplayName("Small-order and all-zero keys are refused with 400 weak-key and never served (ATTACKS 12)")
  void weakKeys() {
    String dave = session(aPort, "dave");
    for (String weak : WEAK_SIG) {
      assertProblem(400, "weak-key", send(aPort, "PUT", "/api/v1/keys", dave, newKeys().put("sig", B64u.encode(hex(weak)))));
    }
    for (String weak : WEAK_DH) {
      assertProblem(400, "weak-key", send(aPort, "PUT", "/api/v1/keys", dave, newKeys().put("dh", B64u.encode(hex(weak)))));
    }
    assertProblem(404, "unknown-user", send(aPort, "GET", "/api/v1/keys/dave@a.test", dave, null));
    assertEquals(204, send(aPort, "PUT", "/api/v1/keys", dave, newKeys()).statusCode());
  }

  private static byte[] hex(String text) {
    return org.bouncycastle.util.encoders.Hex.decode(text);
  }
}
