package org.openred.registry;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openred.config.Option;
import org.openred.config.Role;
import org.openred.crypto.B64u;
import org.openred.crypto.Ed25519;
import org.openred.app.OpenRedNode;
import org.openred.testing.FakeNode;
import org.openred.testing.RawHttp;
import org.openred.testing.StorageEngines;
import org.openred.testing.TestNodes;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;
import static org.openred.testing.Problems.assertProblem;

/** The registry API over HTTP against a real registry, with made-up nodes that sign as they please. */
class RegistryTest {
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final List<Path> dirs = new ArrayList<>();
  private String db;
  private int registryPort;

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : cleanup) {
      closeable.close();
    }
    dirs.forEach(TestNodes::deleteRecursively);
    StorageEngines.dropFlag(db);
  }

  private OpenRedNode registry(StorageEngines engine, boolean allowPrivate) {
    Path dir = TestNodes.tempDir("registry");
    dirs.add(dir);
    db = engine.dbFlag(dir);
    TestNodes.Spec spec = new TestNodes.Spec().role(Role.REGISTRY).dataDir(dir).flag(Option.DB, db);
    registryPort = spec.port();
    spec.flag(Option.DOMAIN, "127.0.0.1:" + registryPort);
    if (allowPrivate) {
      spec.flag(Option.ALLOW_PRIVATE_URLS, "true");
    }
    OpenRedNode node = spec.start();
    cleanup.add(() -> await(node.close()));
    return node;
  }

  private FakeNode fake(String domain) {
    FakeNode node = new FakeNode(domain);
    cleanup.add(node);
    return node;
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + registryPort + path);
  }

  private HttpResponse<String> register(FakeNode node, JsonObject body) {
    byte[] bytes = body.toBuffer().getBytes();
    return FakeNode.post(url("/api/v1/nodes/register"), node.sign("POST", url("/api/v1/nodes/register"), bytes), bytes);
  }

  private HttpResponse<String> heartbeat(byte[] key, String keyId, String nodeId) {
    URI target = url("/api/v1/nodes/" + nodeId + "/heartbeat");
    return FakeNode.post(target, FakeNode.sign(key, keyId, "POST", target, null, Clock.systemUTC()), null);
  }

  private JsonArray discover(String query) {
    HttpResponse<String> response = FakeNode.get(url("/api/v1/nodes/discover?" + query));
    assertEquals(200, response.statusCode(), response.body());
    return new JsonObject(response.body()).getJsonArray("nodes");
  }

  @ParameterizedTest
  @MethodSource("org.openred.testing.StorageEngines#both")
  @DisplayName("Register (201), register again (200), heartbeat (204), status and every kind of discovery")
  void lifecycle(StorageEngines engine) {
    registry(engine, true);
    FakeNode a = fake("a.test:18081");
    HttpResponse<String> created = register(a, a.registration());
    assertEquals(201, created.statusCode(), created.body());
    JsonObject record = new JsonObject(created.body());
    assertEquals(a.nodeId, record.getString("node_id"));
    assertEquals("active", record.getString("status"));
    assertEquals(a.signingPublic, record.getJsonObject("keys").getString("sig"));
    assertEquals(200, register(a, a.registration()).statusCode());
    assertEquals(204, heartbeat(a.signingPrivate, a.nodeId, a.nodeId).statusCode());

    JsonObject status = new JsonObject(FakeNode.get(url("/api/v1/nodes/" + a.nodeId + "/status")).body());
    assertEquals("active", status.getString("status"));
    assertEquals(a.nodeId, discover("domain=A.TEST:18081").getJsonObject(0).getString("node_id"));
    assertEquals("a.test:18081", discover("node_id=" + a.nodeId).getJsonObject(0).getString("domain"));
    FakeNode b = fake("b.test:18082");
    assertEquals(201, register(b, b.registration()).statusCode());
    // Queries with a dot can only match domains (node_ids are base32).
    assertEquals("a.test:18081", discover("q=" + URLEncoder.encode("a.t", StandardCharsets.UTF_8)).getJsonObject(0).getString("domain"));
    assertEquals(1, discover("q=b.te&limit=5").size());
    assertEquals(1, discover("q=" + a.nodeId.substring(0, 10)).size());
    assertEquals(0, discover("domain=nobody.test").size());

    // The node moves to a new URL and domain: the record follows, the old domain is free.
    FakeNode moved = a;
    JsonObject move = moved.registration().put("domain", "a2.test");
    moved.serve(() -> new JsonObject(moved.keyDocument()).put("domain", "a2.test").encode());
    assertEquals(200, register(moved, move).statusCode());
    assertEquals(0, discover("domain=a.test:18081").size());
    assertEquals(moved.nodeId, discover("domain=a2.test").getJsonObject(0).getString("node_id"));
  }

  @Test
  @DisplayName("Unsigned, wrongly signed, replayed, stale or misaddressed registrations are refused and store nothing")
  void signatureRefusals() {
    registry(StorageEngines.SQLITE, true);
    FakeNode a = fake("a.test");
    byte[] body = a.registration().toBuffer().getBytes();
    URI target = url("/api/v1/nodes/register");

    assertProblem(401, "signature-invalid", FakeNode.post(target, Map.of(), body));
    byte[] stranger = Ed25519.generatePrivateKey(new SecureRandom());
    assertProblem(401, "signature-invalid", FakeNode.post(target, FakeNode.sign(stranger, a.nodeId, "POST", target, body, Clock.systemUTC()), body));
    assertProblem(401, "unknown-key", FakeNode.post(target, FakeNode.sign(a.signingPrivate, "someone-else", "POST", target, body, Clock.systemUTC()), body));
    Clock tenMinutesAgo = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10));
    assertProblem(401, "signature-expired", FakeNode.post(target, FakeNode.sign(a.signingPrivate, a.nodeId, "POST", target, body, tenMinutesAgo), body));
    Clock twoHoursAhead = Clock.offset(Clock.systemUTC(), Duration.ofHours(2));
    assertProblem(401, "signature-expired", FakeNode.post(target, FakeNode.sign(a.signingPrivate, a.nodeId, "POST", target, body, twoHoursAhead), body));
    // A request signed for another server, replayed here as it was (its Host included).
    URI elsewhere = URI.create("http://registry.elsewhere.test/api/v1/nodes/register");
    RawHttp.Response misaddressed = RawHttp.postAs(registryPort, "registry.elsewhere.test", "/api/v1/nodes/register",
        a.sign("POST", elsewhere, body), body);
    assertEquals(401, misaddressed.status(), misaddressed.body());
    assertEquals("wrong-destination", misaddressed.json().getString("type"));
    Map<String, String> signed = a.sign("POST", target, body);
    byte[] changed = a.registration().put("api_url", "http://127.0.0.1:1").toBuffer().getBytes();
    assertProblem(401, "signature-invalid", FakeNode.post(target, signed, changed));
    Map<String, String> digestSwapped = new HashMap<>(signed);
    digestSwapped.put("Content-Digest", org.openred.federation.signature.ContentDigest.sha256Header(changed));
    assertProblem(401, "signature-invalid", FakeNode.post(target, digestSwapped, changed));
    Map<String, String> hmac = new HashMap<>(signed);
    hmac.put("Signature-Input", signed.get("Signature-Input").replace("alg=\"ed25519\"", "alg=\"hmac-sha256\""));
    assertProblem(401, "signature-invalid", FakeNode.post(target, hmac, body));
    assertEquals(0, discover("node_id=" + a.nodeId).size(), "nothing was stored");

    assertEquals(201, FakeNode.post(target, signed, body).statusCode());
    assertProblem(401, "replayed", FakeNode.post(target, signed, body));
  }

  @Test
  @DisplayName("Fingerprint mismatch, a disagreeing key document, a taken domain and bad JSON are refused")
  void contentRefusals() {
    registry(StorageEngines.SQLITE, true);
    FakeNode a = fake("a.test");
    FakeNode b = fake("b.test");
    assertProblem(400, "fingerprint-mismatch", register(a, a.registration().put("node_id", b.nodeId)));
    a.serve(() -> new JsonObject(a.keyDocument()).put("dh_key", new JsonObject().put("alg", "x25519").put("public_key", b.dhPublic)).encode());
    assertProblem(400, "key-document-mismatch", register(a, a.registration()));
    a.serve(() -> "{\"not\": \"a key document\"}");
    // The api_url is the caller's input: what is wrong with it is a 4xx naming it, not a 502 of the registry.
    assertProblem(400, "invalid-key-document", register(a, a.registration()));
    a.serve(() -> "x".repeat(200_000));
    assertProblem(400, "api-url-answer-too-large", register(a, a.registration()));
    a.serve(a::keyDocument);
    assertEquals(0, discover("node_id=" + a.nodeId).size());
    assertEquals(201, register(a, a.registration()).statusCode());
    b.serve(() -> new JsonObject(b.keyDocument()).put("domain", "a.test").encode());
    assertProblem(409, "domain-taken", register(b, b.registration().put("domain", "a.test")));
    assertEquals(a.nodeId, discover("domain=a.test").getJsonObject(0).getString("node_id"));

    byte[] truncated = "{\"node_id\":".getBytes(StandardCharsets.UTF_8);
    URI target = url("/api/v1/nodes/register");
    assertProblem(400, "malformed-json", FakeNode.post(target, a.sign("POST", target, truncated), truncated));
    byte[] huge = ("{\"pad\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
    assertProblem(413, "payload-too-large", FakeNode.post(target, a.sign("POST", target, huge), huge));
  }

  @ParameterizedTest
  @DisplayName("Without --allow-private-urls, private, loopback, link-local and non-http URLs are refused (ATTACKS 14)")
  @ValueSource(strings = {"http://127.0.0.1:9", "https://127.0.0.1:9", "https://[::1]:9", "https://10.1.2.3", "https://169.254.169.254",
      "https://192.168.1.1", "https://0x7f000001", "file:///etc/passwd", "gopher://127.0.0.1:70/", "https://localhost:9"})
  void privateUrlsRefused(String apiUrl) {
    registry(StorageEngines.SQLITE, false);
    FakeNode a = fake("a.test");
    HttpResponse<String> response = register(a, a.registration().put("api_url", apiUrl));
    assertEquals(400, response.statusCode(), response.body());
    String type = new JsonObject(response.body()).getString("type");
    assertTrue(type.equals("forbidden-url") || type.equals("unresolvable-url"), response.body());
    assertEquals(0, discover("node_id=" + a.nodeId).size());
  }

  @Test
  @DisplayName("POST /messages/route forwards a signed envelope at once, signed by the registry, and answers the target's answer")
  void routeEnvelope() throws Exception {
    OpenRedNode registry = registry(StorageEngines.SQLITE, true);
    FakeNode sender = fake("sender.test");
    FakeNode target = fake("target.test");
    assertEquals(201, register(sender, sender.registration()).statusCode());
    assertEquals(201, register(target, target.registration()).statusCode());
    URI route = url("/api/v1/messages/route");

    JsonObject envelope = sender.envelope("direct_message", "target.test", new JsonObject().put("conversationId", "c1"));
    byte[] body = envelope.toBuffer().getBytes();
    HttpResponse<String> answer = FakeNode.post(route, sender.sign("POST", route, body), body);
    assertEquals(202, answer.statusCode(), answer.body());
    assertEquals(true, new JsonObject(answer.body()).getBoolean("accepted"));

    FakeNode.Received forwarded = target.received.poll(5, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals("POST", forwarded.method());
    assertEquals("/federation/v1/messages", forwarded.path());
    assertEquals(envelope, new JsonObject(forwarded.body()));
    // The target can check the forwarded request against the registry's published key.
    byte[] registryKey = B64u.decode(registry.keys().signingPublicKey());
    var params = org.openred.federation.signature.SignatureParams.parseHeader(forwarded.headers().get("signature-input"));
    assertEquals("registry", params.keyId());
    var base = org.openred.federation.signature.SignedRequest.of("POST", "127.0.0.1:" + target.port, forwarded.path(), null,
        forwarded.headers()).signatureBase(params);
    var signature = org.openred.federation.signature.SignatureParams.parseSignatureHeader(forwarded.headers().get("signature"));
    assertTrue(Ed25519.verify(registryKey, base, signature.getValue()));
    assertTrue(org.openred.federation.signature.ContentDigest.matches(forwarded.headers().get("content-digest"), forwarded.body().getBytes()));

    JsonObject rotate = sender.envelope("conversation_rotate", "target.test", new JsonObject().put("conversationId", "c1"));
    byte[] rotateBody = rotate.toBuffer().getBytes();
    assertEquals(202, FakeNode.post(route, sender.sign("POST", route, rotateBody), rotateBody).statusCode());
    FakeNode.Received put = target.received.poll(5, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals("PUT", put.method());
    assertEquals("/federation/v1/conversations/c1/session_key", put.path());
  }

  @Test
  @DisplayName("Routing refuses unsigned requests, envelopes of another sender, bad envelope signatures, unknown targets and types")
  void routeRefusals() {
    registry(StorageEngines.SQLITE, true);
    FakeNode sender = fake("sender.test");
    FakeNode other = fake("other.test");
    FakeNode target = fake("target.test");
    for (FakeNode node : List.of(sender, other, target)) {
      assertEquals(201, register(node, node.registration()).statusCode());
    }
    URI route = url("/api/v1/messages/route");
    byte[] good = sender.envelope("direct_message", "target.test", new JsonObject()).toBuffer().getBytes();
    assertProblem(401, "signature-invalid", FakeNode.post(route, Map.of(), good));
    assertProblem(403, "origin-mismatch", FakeNode.post(route, other.sign("POST", route, good), good));
    JsonObject forged = sender.envelope("direct_message", "target.test", new JsonObject());
    forged.getJsonObject("to").put("username", "mallory");
    byte[] forgedBytes = forged.toBuffer().getBytes();
    assertProblem(400, "envelope-signature-invalid", FakeNode.post(route, sender.sign("POST", route, forgedBytes), forgedBytes));
    byte[] nowhere = sender.envelope("direct_message", "nowhere.test", new JsonObject()).toBuffer().getBytes();
    assertProblem(404, "unknown-node", FakeNode.post(route, sender.sign("POST", route, nowhere), nowhere));
    byte[] unknownType = sender.envelope("teleport", "target.test", new JsonObject()).toBuffer().getBytes();
    assertProblem(400, "unknown-envelope-type", FakeNode.post(route, sender.sign("POST", route, unknownType), unknownType));
    assertTrue(target.received.isEmpty(), "nothing reached the target");
  }

  @Test
  @DisplayName("Heartbeats: unknown node 404, another node's heartbeat 403, bad discovery queries 400")
  void heartbeatAndQueryRefusals() {
    registry(StorageEngines.SQLITE, true);
    FakeNode a = fake("a.test");
    FakeNode b = fake("b.test");
    assertEquals(201, register(a, a.registration()).statusCode());
    assertEquals(201, register(b, b.registration()).statusCode());
    assertProblem(404, "unknown-node", heartbeat(a.signingPrivate, a.nodeId, "unknownunknownunknownunknownunkn"));
    assertProblem(403, "origin-mismatch", heartbeat(b.signingPrivate, b.nodeId, a.nodeId));
    assertProblem(401, "signature-invalid", heartbeat(b.signingPrivate, a.nodeId, a.nodeId));
    assertProblem(404, "unknown-node", FakeNode.get(url("/api/v1/nodes/nobody/status")));
    assertProblem(400, "invalid-query", FakeNode.get(url("/api/v1/nodes/discover")));
    assertProblem(400, "invalid-query", FakeNode.get(url("/api/v1/nodes/discover?domain=a.test&q=a")));
    assertProblem(400, "invalid-query", FakeNode.get(url("/api/v1/nodes/discover?q=a&limit=1000")));
    assertProblem(400, "invalid-query", FakeNode.get(url("/api/v1/nodes/discover?q=a&limit=1e999")));
    JsonObject wellKnown = new JsonObject(FakeNode.get(url("/.well-known/openred-registry")).body());
    assertEquals(32, B64u.decode(wellKnown.getJsonArray("keys").getJsonObject(0).getString("public_key")).length);
  }

  @Test
  @DisplayName("A registry started with the default localhost URL takes nodes that address it as 127.0.0.1 or localhost")
  void loopbackAliases() {
    Path dir = TestNodes.tempDir("registry-default");
    dirs.add(dir);
    TestNodes.Spec spec = new TestNodes.Spec().role(Role.REGISTRY).dataDir(dir).flag(Option.ALLOW_PRIVATE_URLS, "true");
    registryPort = spec.port();
    OpenRedNode registry = spec.start();
    cleanup.add(() -> await(registry.close()));
    assertEquals("localhost:" + registryPort, registry.config().domain());
    FakeNode a = fake("a.test");
    assertEquals(201, register(a, a.registration()).statusCode(), "signed for 127.0.0.1:" + registryPort);
    FakeNode b = fake("b.test");
    URI byName = URI.create("http://localhost:" + registryPort + "/api/v1/nodes/register");
    byte[] body = b.registration().toBuffer().getBytes();
    assertEquals(201, FakeNode.post(byName, b.sign("POST", byName, body), body).statusCode(), "signed for localhost:" + registryPort);
    URI elsewhere = URI.create("http://127.0.0.2:" + registryPort + "/api/v1/nodes/register");
    RawHttp.Response other = RawHttp.postAs(registryPort, "127.0.0.2:" + registryPort, elsewhere.getPath(), b.sign("POST", elsewhere, body), body);
    assertEquals(401, other.status(), "another loopback address is another server");
  }

  @Test
  @DisplayName("An api_url that redirects, or redirects to itself, is the caller's problem: 400 naming its api_url, not 502")
  void redirectingApiUrl() {
    registry(StorageEngines.SQLITE, true);
    FakeNode a = fake("a.test");
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    cleanup.add(() -> await(vertx.close()));
    int port = TestNodes.freePort();
    await(vertx.createHttpServer().requestHandler(request -> request.response().setStatusCode(302)
        .putHeader("Location", request.path().startsWith("/loop") ? request.path() : a.apiUrl() + request.path()).end())
        .listen(port, "127.0.0.1"));
    for (String apiUrl : new String[] {"http://127.0.0.1:" + port, "http://127.0.0.1:" + port + "/loop"}) {
      HttpResponse<String> refused = register(a, a.registration().put("api_url", apiUrl));
      assertProblem(400, "api-url-error", refused);
      assertTrue(new JsonObject(refused.body()).getString("detail").contains(apiUrl), refused.body());
    }
  }
}
