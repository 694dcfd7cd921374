package org.openred.federation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openred.config.Option;
import org.openred.crypto.Ed25519;
import org.openred.federation.signature.ContentDigest;
import org.openred.node.OpenRedNode;
import org.openred.testing.FakeNode;
import org.openred.testing.RawHttp;
import org.openred.testing.TestNodes;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;
import static org.openred.testing.Problems.assertProblem;

/** Attacks on a real node's federation API (ATTACKS 6-13), each refused and storing nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FederationInboundTest {
  private Path dir;
  private OpenRedNode node;
  private int port;
  private FakeNode fake;
  private FakeNode other;
  private FakeNode blocked;
  private FakeNode flood;
  private FakeNode rotating;

  @BeforeAll
  void start() {
    dir = TestNodes.tempDir("federation");
    fake = new FakeNode("fake.test");
    other = new FakeNode("other.test");
    blocked = new FakeNode("blocked.test");
    flood = new FakeNode("flood.test");
    rotating = new FakeNode("rotating.test");
    TestNodes.Spec spec = new TestNodes.Spec().dataDir(dir).flag(Option.DOMAIN, "b.test")
        .flag(Option.PEERS, "fake.test=" + fake.apiUrl() + ",other.test=" + other.apiUrl() + ",blocked.test=" + blocked.apiUrl()
            + ",flood.test=" + flood.apiUrl() + ",rotating.test=" + rotating.apiUrl())
        .flag(Option.FEDERATION_DENY, "blocked.test").flag(Option.FEDERATION_RATE, "25").flag(Option.BODY_LIMIT, "65536");
    port = spec.port();
    spec.flag(Option.PUBLIC_URL, "http://127.0.0.1:" + port);
    node = spec.start();
  }

  @AfterAll
  void stop() {
    await(node.close());
    fake.close();
    other.close();
    blocked.close();
    flood.close();
    rotating.close();
    TestNodes.deleteRecursively(dir);
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + port + "/federation/v1" + path);
  }

  private long stored() {
    return await(SqlTemplate.forQuery(node.database().pool(), "SELECT COUNT(*) AS n FROM inbound_envelopes").execute(Map.of()))
        .iterator().next().getLong("n");
  }

  private static HttpResponse<String> post(URI url, FakeNode signer, byte[] body) {
    return FakeNode.post(url, FakeNode.sign(signer.signingPrivate, signer.domain, "POST", url, body, Clock.systemUTC()), body);
  }


  private JsonObject message(FakeNode from) {
    return from.envelope("direct_message", "b.test", new JsonObject().put("conversationId", "c1"));
  }

  @Test
  @DisplayName("A signed envelope is accepted once; its repetition is answered the same and stored once")
  void acceptedOnce() {
    long before = stored();
    byte[] body = message(fake).toBuffer().getBytes();
    assertEquals(202, post(url("/messages"), fake, body).statusCode());
    assertEquals(202, post(url("/messages"), fake, body).statusCode());
    assertEquals(before + 1, stored());
  }

  @Test
  @DisplayName("Transactions: a batch under one signature; a repeated txnId gets the first answer; bad envelopes fail alone")
  void transactions() {
    long before = stored();
    JsonObject good = message(fake);
    JsonObject unknownType = fake.envelope("teleport", "b.test", new JsonObject());
    JsonObject forged = message(fake).put("payload", new JsonObject().put("conversationId", "changed"));
    JsonObject elsewhere = fake.envelope("direct_message", "c.test", new JsonObject());
    JsonObject batch = new JsonObject().put("origin", "fake.test").put("envelopes",
        new JsonArray().add(good).add(unknownType).add(forged).add(elsewhere));
    String txn = "txn-" + UUID.randomUUID();
    URI target = url("/transactions/" + txn);
    byte[] body = batch.toBuffer().getBytes();
    HttpResponse<String> first = put(target, fake, body);
    assertEquals(200, first.statusCode(), first.body());
    JsonObject results = new JsonObject(first.body()).getJsonObject("results");
    assertEquals(202, results.getJsonObject(good.getString("id")).getInteger("status"));
    assertEquals("unknown-envelope-type", results.getJsonObject(unknownType.getString("id")).getString("type"));
    assertEquals("envelope-signature-invalid", results.getJsonObject(forged.getString("id")).getString("type"));
    assertEquals("wrong-destination", results.getJsonObject(elsewhere.getString("id")).getString("type"));
    assertEquals(before + 1, stored());
    HttpResponse<String> again = put(target, fake, body);
    assertEquals(new JsonObject(first.body()), new JsonObject(again.body()));
    assertEquals(before + 1, stored());

    JsonObject tooMany = new JsonObject().put("origin", "fake.test").put("envelopes", new JsonArray());
    for (int i = 0; i < 101; i++) {
      tooMany.getJsonArray("envelopes").add(new JsonObject());
    }
    assertProblem(400, "invalid-transaction", put(url("/transactions/t2"), fake, tooMany.toBuffer().getBytes()));
    JsonObject spoofed = new JsonObject().put("origin", "other.test").put("envelopes", new JsonArray().add(message(other)));
    assertProblem(403, "origin-mismatch", put(url("/transactions/t3"), fake, spoofed.toBuffer().getBytes()));
  }

  private static HttpResponse<String> put(URI url, FakeNode signer, byte[] body) {
    try {
      var request = java.net.http.HttpRequest.newBuilder(url).PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
          .header("Content-Type", "application/json");
      FakeNode.sign(signer.signingPrivate, signer.domain, "PUT", url, body, Clock.systemUTC()).forEach(request::header);
      return java.net.http.HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("Signature attacks: missing, malformed, wrong key, stale, future, replayed, body or digest changed")
  void signatureAttacks() {
    long before = stored();
    URI target = url("/messages");
    byte[] body = message(fake).toBuffer().getBytes();
    assertProblem(401, "signature-invalid", FakeNode.post(target, Map.of(), body));
    assertProblem(401, "signature-invalid", FakeNode.post(target, Map.of("Signature-Input", "sig1=(\"@method\"", "Signature", "sig1=:AA==:"), body));
    byte[] stranger = Ed25519.generatePrivateKey(new SecureRandom());
    assertProblem(401, "signature-invalid", FakeNode.post(target, FakeNode.sign(stranger, "fake.test", "POST", target, body, Clock.systemUTC()), body));
    assertProblem(401, "signature-expired", FakeNode.post(target, FakeNode.sign(fake.signingPrivate, "fake.test", "POST", target, body,
        Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10))), body));
    assertProblem(401, "signature-expired", FakeNode.post(target, FakeNode.sign(fake.signingPrivate, "fake.test", "POST", target, body,
        Clock.offset(Clock.systemUTC(), Duration.ofHours(2))), body));
    assertProblem(401, "unknown-key", FakeNode.post(target, FakeNode.sign(fake.signingPrivate, "nobody.test", "POST", target, body, Clock.systemUTC()), body));

    Map<String, String> signed = FakeNode.sign(fake.signingPrivate, "fake.test", "POST", target, body, Clock.systemUTC());
    byte[] changed = message(fake).toBuffer().getBytes();
    assertProblem(401, "signature-invalid", FakeNode.post(target, signed, changed));
    Map<String, String> redigested = new HashMap<>(signed);
    redigested.put("Content-Digest", ContentDigest.sha256Header(changed));
    assertProblem(401, "signature-invalid", FakeNode.post(target, redigested, changed));
    byte[] newline = (new String(body, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8);
    assertProblem(401, "signature-invalid", FakeNode.post(target, signed, newline));
    Map<String, String> relabelled = new HashMap<>(signed);
    relabelled.put("Signature", signed.get("Signature").replace("sig1=", "sig2="));
    assertProblem(401, "signature-invalid", FakeNode.post(target, relabelled, body));
    assertEquals(before, stored(), "nothing stored by refused requests");

    assertEquals(202, FakeNode.post(target, signed, body).statusCode());
    assertProblem(401, "replayed", FakeNode.post(target, signed, body));
    // The same nonce with another body is a replay too, once the signature is checked: it fails on the signature.
    assertProblem(401, "signature-invalid", FakeNode.post(target, signed, changed));
  }

  @Test
  @DisplayName("A rotated key is fetched again once, when its first signature arrives; floods of bad keys fetch nothing more")
  void keyRotation() {
    byte[] first = rotating.envelope("direct_message", "b.test", new JsonObject()).toBuffer().getBytes();
    assertEquals(202, post(url("/messages"), rotating, first).statusCode());
    int fetches = rotating.documentFetches.get();
    // The node rotates: its document now signs with a new key and still lists the old one.
    FakeNode next = new FakeNode("rotating.test");
    try {
      JsonObject rotated = new JsonObject(next.keyDocument());
      rotated.getJsonArray("keys").add(new JsonObject().put("keyid", "rotating.test").put("alg", "ed25519")
          .put("public_key", rotating.signingPublic).put("valid_until", "2099-01-01T00:00:00Z"));
      rotating.serve(rotated::encode);
      JsonObject envelope = next.envelope("direct_message", "b.test", new JsonObject());
      byte[] body = envelope.toBuffer().getBytes();
      assertEquals(202, post(url("/messages"), next, body).statusCode());
      assertEquals(fetches + 1, rotating.documentFetches.get(), "one re-fetch for the new key");
      byte[] stranger = Ed25519.generatePrivateKey(new SecureRandom());
      for (int i = 0; i < 5; i++) {
        assertProblem(401, "signature-invalid", FakeNode.post(url("/messages"),
            FakeNode.sign(stranger, "rotating.test", "POST", url("/messages"), body, Clock.systemUTC()), body));
      }
      assertEquals(fetches + 1, rotating.documentFetches.get(), "unknown keys do not force more fetches");
    } finally {
      next.close();
    }
  }

  @Test
  @DisplayName("A keyid naming an internal address makes the node fetch nothing from it (ATTACKS 7, 14)")
  void keyIdPointingInside() {
    FakeNode inside = new FakeNode("127.0.0.1:0");
    try {
      byte[] body = message(fake).toBuffer().getBytes();
      for (String keyId : new String[] {"127.0.0.1:" + inside.port, "localhost:" + inside.port}) {
        HttpResponse<String> response = FakeNode.post(url("/messages"),
            FakeNode.sign(inside.signingPrivate, keyId, "POST", url("/messages"), body, Clock.systemUTC()), body);
        assertProblem(401, "unknown-key", response);
      }
      assertEquals(0, inside.documentFetches.get(), "no request reached the internal address");
    } finally {
      inside.close();
    }
  }

  @Test
  @DisplayName("A key of another domain: keyid other.test with from.domain fake.test is refused 403")
  void keyIdSpoofing() {
    long before = stored();
    byte[] body = message(fake).toBuffer().getBytes();
    assertProblem(403, "origin-mismatch", post(url("/messages"), other, body));
    assertEquals(before, stored());
  }

  @Test
  @DisplayName("Misaddressed requests: another server's @authority, another node's user, a wrong endpoint")
  void misaddressed() {
    byte[] body = message(fake).toBuffer().getBytes();
    URI elsewhere = URI.create("http://c.test/federation/v1/messages");
    RawHttp.Response replayed = RawHttp.postAs(port, "c.test", "/federation/v1/messages",
        FakeNode.sign(fake.signingPrivate, "fake.test", "POST", elsewhere, body, Clock.systemUTC()), body);
    assertEquals(401, replayed.status());
    assertEquals("wrong-destination", replayed.json().getString("type"));

    URI key = url("/users/alice@c.test/public_key");
    assertProblem(400, "wrong-destination", FakeNode.get(key, FakeNode.sign(fake.signingPrivate, "fake.test", "GET", key, null, Clock.systemUTC())));
    URI unknown = url("/users/nobody@b.test/public_key");
    assertProblem(404, "unknown-user", FakeNode.get(unknown, FakeNode.sign(fake.signingPrivate, "fake.test", "GET", unknown, null, Clock.systemUTC())));
    byte[] follow = fake.envelope("follow", "b.test", new JsonObject()).toBuffer().getBytes();
    assertProblem(400, "wrong-endpoint", post(url("/messages"), fake, follow));
    assertEquals(202, post(url("/inbox"), fake, follow).statusCode());
  }

  @Test
  @DisplayName("Bad bodies: malformed JSON 400, oversize 413, unknown envelope type 400")
  void badBodies() {
    long before = stored();
    byte[] truncated = "{\"version\":\"1\",".getBytes(StandardCharsets.UTF_8);
    assertProblem(400, "malformed-json", post(url("/messages"), fake, truncated));
    byte[] huge = ("{\"pad\":\"" + "x".repeat(100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    assertProblem(413, "payload-too-large", post(url("/messages"), fake, huge));
    byte[] teleport = fake.envelope("teleport", "b.test", new JsonObject()).toBuffer().getBytes();
    assertProblem(400, "wrong-endpoint", post(url("/inbox"), fake, teleport));
    assertEquals(before, stored());
  }

  @Test
  @DisplayName("Policy: a denied domain gets 403, a flood gets 429 with Retry-After")
  void policy() throws Exception {
    byte[] body = message(blocked).toBuffer().getBytes();
    assertProblem(403, "domain-blocked", post(url("/messages"), blocked, body));
    HttpResponse<String> last = null;
    for (int i = 0; i < 300 && (last == null || last.statusCode() != 429); i++) {
      URI key = url("/users/x@b.test/public_key");
      last = FakeNode.get(key, FakeNode.sign(flood.signingPrivate, "flood.test", "GET", key, null, Clock.systemUTC()));
    }
    assertProblem(429, "rate-limited", last);
    assertEquals("1", last.headers().firstValue("Retry-After").orElse(null));
    Thread.sleep(1100);
  }
}
