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
import org.openred.app.OpenRedNode;
import org.openred.testing.Chat;
import org.openred.testing.ClientApi;
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
  private final java.util.concurrent.atomic.AtomicLong messageNumbers = new java.util.concurrent.atomic.AtomicLong();
  private String bobToken;
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
    bobToken = ClientApi.session(port, "bob");
    ClientApi.session(port, "carol");
    for (FakeNode sender : new FakeNode[] {fake, other, rotating}) {
      byte[] create = sender.envelope("conversation_create", "b.test", Chat.create(conversation(sender), "alice@" + sender.domain, "bob@b.test"))
          .toBuffer().getBytes();
      HttpResponse<String> created = post(url("/conversations"), sender, create);
      assertEquals(201, created.statusCode(), created.body());
    }
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

  /** A message from alice of the sending node to bob@b.test in the conversation made at the start. */
  private JsonObject message(FakeNode from) {
    return from.envelope("direct_message", "b.test",
        Chat.message(conversation(from), "alice@" + from.domain, "bob@b.test", messageNumbers.incrementAndGet()));
  }

  private static String conversation(FakeNode sender) {
    return "c-" + sender.domain.replace('.', '-');
  }

  @Test
  @DisplayName("A signed envelope is accepted once; its repetition is answered the same and stored once")
  void acceptedOnce() {
    long before = stored();
    byte[] body = message(fake).toBuffer().getBytes();
    long messages = count("SELECT COUNT(*) FROM messages");
    assertEquals(202, post(url("/messages"), fake, body).statusCode());
    assertEquals(202, post(url("/messages"), fake, body).statusCode());
    assertEquals(before + 1, stored());
    assertEquals(messages + 1, count("SELECT COUNT(*) FROM messages"), "applied once");
  }

  private long count(String sql) {
    return await(SqlTemplate.forQuery(node.database().pool(), sql).execute(Map.of())).iterator().next().getLong(0);
  }

  private static HttpResponse<String> putSigned(URI url, FakeNode signer, JsonObject envelope) {
    return put(url, signer, envelope.toBuffer().getBytes());
  }

  @Test
  @DisplayName("Section 5.2 by hand: create 201, add 200, rotate 200; envelopes that will not be applied get their 4xx at once")
  void conversationAsSpecified() {
    String id = "spec-" + UUID.randomUUID();
    String alice = "alice@fake.test";
    JsonObject create = new JsonObject().put("conversationId", id).put("initiatorId", alice)
        .put("allParticipants", new JsonArray().add(alice).add("bob@b.test"))
        .put("participantsToAdd", new JsonArray().add(new JsonObject().put("userId", "bob@b.test")
            .put("encryptedSessionKey", Chat.random(92)).put("keyVersion", 1)));
    assertEquals(201, post(url("/conversations"), fake, fake.envelope("conversation_create", "b.test", create).toBuffer().getBytes()).statusCode());
    JsonObject add = new JsonObject().put("conversationId", id).put("initiatorId", alice)
        .put("allParticipants", new JsonArray().add(alice).add("bob@b.test").add("carol@b.test"))
        .put("participantsToAdd", new JsonArray().add(new JsonObject().put("userId", "carol@b.test")
            .put("encryptedSessionKey", Chat.random(92)).put("keyVersion", 1)));
    assertEquals(200, post(url("/conversations"), fake, fake.envelope("conversation_add", "b.test", add).toBuffer().getBytes()).statusCode());
    JsonObject rotate = new JsonObject().put("conversationId", id).put("keyVersion", 2).put("removed", new JsonArray().add("carol@b.test"))
        .put("participants", new JsonArray().add(new JsonObject().put("userId", "bob@b.test").put("encryptedSessionKey", Chat.random(92))));
    HttpResponse<String> rotated = putSigned(url("/conversations/" + id + "/session_key"), fake,
        fake.envelope("conversation_rotate", "b.test", rotate));
    assertEquals(200, rotated.statusCode(), rotated.body());

    HttpResponse<String> listed = ClientApi.send(port, "GET", "/api/v1/conversations", bobToken, null);
    JsonObject conversation = new JsonObject(listed.body()).getJsonArray("conversations").stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("conversationId").equals(id)).findFirst().orElseThrow();
    assertEquals(2, conversation.getInteger("keyVersion"));
    assertEquals(new JsonArray().add(alice).add("bob@b.test"), conversation.getJsonArray("participants"));

    // Refused by the module, each with its reason, and answered the same when repeated.
    byte[] stale = fake.envelope("direct_message", "b.test", Chat.message(id, alice, "bob@b.test", 1)).toBuffer().getBytes();
    assertProblem(409, "stale-key-version", post(url("/messages"), fake, stale));
    assertProblem(409, "stale-key-version", post(url("/messages"), fake, stale));
    byte[] outsider = fake.envelope("direct_message", "b.test", Chat.message("nobody-" + id, alice, "bob@b.test", 1)).toBuffer().getBytes();
    assertProblem(403, "not-a-participant", post(url("/messages"), fake, outsider));
    JsonObject stranger = Chat.create("s-" + id, alice, "nobody@b.test");
    assertProblem(404, "unknown-user", post(url("/conversations"), fake,
        fake.envelope("conversation_create", "b.test", stranger).toBuffer().getBytes()));
    JsonObject legacy = create.copy().put("conversationId", "legacy-" + id).put("keyVersion", 1);
    assertEquals(201, post(url("/conversations"), fake, fake.envelope("conversation_create", "b.test", legacy).toBuffer().getBytes()).statusCode(),
        "the payload-level keyVersion this node used to need is still accepted");
    assertProblem(400, "wrong-endpoint", putSigned(url("/conversations/" + id + "/session_key"), fake,
        fake.envelope("conversation_create", "b.test", create)));
    assertProblem(400, "wrong-endpoint", putSigned(url("/conversations/another/session_key"), fake,
        fake.envelope("conversation_rotate", "b.test", rotate))); // the path names another conversation than the payload

    // Payloads of the wrong JSON type: each envelope answered on its own, at once, the others applied.
    JsonObject good = message(fake);
    JsonArray batch = new JsonArray().add(good);
    for (Object payload : new Object[] {new JsonArray().add(1), 42, "text", true}) {
      batch.add(fake.envelope("conversation_rotate", "b.test", new JsonObject()).put("payload", payload));
    }
    batch.add(fake.envelope("conversation_rotate", "b.test", new JsonObject().put("conversationId", id).put("keyVersion", "two")
        .put("removed", "carol").put("participants", 3)));
    batch.add(fake.envelope("direct_message", "b.test", new JsonObject().put("conversationId", id).put("payload", new JsonArray())));
    JsonObject typeless = fake.envelope("direct_message", "b.test", new JsonObject());
    typeless.remove("type");
    batch.add(typeless);
    batch.add(fake.envelope("direct_message", "b.test", new JsonObject()).putNull("type"));
    long began = System.nanoTime();
    HttpResponse<String> answer = put(url("/transactions/wrong-types-" + UUID.randomUUID()), fake,
        new JsonObject().put("origin", "fake.test").put("envelopes", batch).toBuffer().getBytes());
    assertTrue(System.nanoTime() - began < 2_000_000_000L, "answered at once");
    assertEquals(200, answer.statusCode(), answer.body());
    JsonObject results = new JsonObject(answer.body()).getJsonObject("results");
    assertEquals(202, results.getJsonObject(good.getString("id")).getInteger("status"));
    assertEquals(batch.size(), results.size(), results.encode());
    results.forEach(entry -> {
      if (!entry.getKey().equals(good.getString("id"))) {
        int status = ((JsonObject) entry.getValue()).getInteger("status");
        assertTrue(status >= 400 && status < 500, entry.toString());
      }
    });
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
    byte[] first = message(rotating).toBuffer().getBytes();
    assertEquals(202, post(url("/messages"), rotating, first).statusCode());
    int fetches = rotating.documentFetches.get();
    // The node rotates: its document now signs with a new key and still lists the old one.
    FakeNode next = new FakeNode("rotating.test");
    try {
      JsonObject rotated = new JsonObject(next.keyDocument());
      rotated.getJsonArray("keys").add(new JsonObject().put("keyid", "rotating.test").put("alg", "ed25519")
          .put("public_key", rotating.signingPublic).put("valid_until", "2099-01-01T00:00:00Z"));
      rotating.serve(rotated::encode);
      JsonObject envelope = message(next);
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
    // No module of this node applies content_sync yet: refused before anything is stored, so the sender knows.
    byte[] share = fake.envelope("content_sync", "b.test", new JsonObject()).toBuffer().getBytes();
    long before = stored();
    assertProblem(400, "unsupported-envelope-type", post(url("/inbox"), fake, share));
    assertEquals(before, stored());
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
    byte[] body = blocked.envelope("direct_message", "b.test", new JsonObject()).toBuffer().getBytes();
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
