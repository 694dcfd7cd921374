package org.openred.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openred.config.Option;
import org.openred.app.OpenRedNode;
import org.openred.testing.Chat;
import org.openred.testing.ClientApi;
import org.openred.testing.FakeNode;
import org.openred.testing.RawHttp;
import org.openred.testing.TestNodes;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;

/**
 * Generated bad inputs on every route of a node that is also a registry: broken percent-encodings in
 * every path parameter and query, values of every wrong type in every field of every body, garbage
 * bodies, wrong content types, garbage authentication and digest headers; signed and not, logged in
 * and not. Each must be answered below 500, as problem JSON, within a second.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzTest {
  private static final long SLOW_NANOS = 1_000_000_000L;
  private static final String[] BAD_SEGMENTS = {"%", "%zz", "%u002e", "x%", "%%", "%ff%fe", "%00", "%c0%af", "%e2%82", "..%2f..%2fetc",
      "%2e%2e", "a".repeat(5000), "%0d%0aX-Injected:%201", "%22%3Cscript%3E"};
  private static final String[] BAD_QUERIES = {"%", "limit=%zz", "before=%u002e", "limit=abc&before=-1", "limit=99999999999999999999",
      "before=1e999", "domain=%", "domain=" + "a".repeat(5000), "node_id=%00", "q=%ff&limit=-5", "q=&limit=0", "=&&=", "a=%zz%"};
  private static final Object[] WRONG_VALUES = {null, 0, -1, 1.5, Long.MAX_VALUE, true, "", "%zz", "../../etc/passwd", "x".repeat(20_000),
      new JsonArray(), new JsonObject(), new JsonArray().add(new JsonArray().add(new JsonArray())), "a@b@c", "\u0000"};

  private Path dir;
  private OpenRedNode node;
  private int port;
  private FakeNode fake;
  private String token;
  private final List<String> failures = new ArrayList<>();
  private int sent;

  /** A route and a body that would be accepted, whose every field the test then spoils. */
  private record Route(String method, String path, JsonObject body, Auth auth) {
  }

  private enum Auth { NONE, BEARER, SIGNED_NODE, SIGNED_REGISTRY }

  @BeforeAll
  void start() {
    dir = TestNodes.tempDir("fuzz");
    fake = new FakeNode("fake.test");
    TestNodes.Spec spec = new TestNodes.Spec().dataDir(dir).flag(Option.DOMAIN, "b.test")
        .flag(Option.PEERS, "fake.test=" + fake.apiUrl()).flag(Option.ALLOW_PRIVATE_URLS, "true");
    port = spec.port();
    spec.flag(Option.PUBLIC_URL, "http://127.0.0.1:" + port);
    node = spec.start();
    token = ClientApi.session(port, "bob");
    ClientApi.session(port, "carol");
  }

  @AfterAll
  void stop() {
    await(node.close());
    fake.close();
    TestNodes.deleteRecursively(dir);
  }

  private List<Route> routes() {
    String key = Chat.random(92);
    JsonObject credentials = new JsonObject().put("username", "bob").put("password", "correct horse battery");
    JsonObject envelope = fake.envelope("direct_message", "b.test", Chat.message("c1", "alice@fake.test", "bob@b.test", 1));
    JsonObject create = fake.envelope("conversation_create", "b.test", Chat.create("c2", "alice@fake.test", "bob@b.test"));
    JsonObject rotate = fake.envelope("conversation_rotate", "b.test", new JsonObject().put("conversationId", "c2").put("keyVersion", 2)
        .put("removed", new JsonArray().add("alice@fake.test"))
        .put("participants", new JsonArray().add(new JsonObject().put("userId", "bob@b.test").put("encryptedSessionKey", key))));
    JsonObject message = Chat.message("mine", "bob@b.test", "carol@b.test", 1);
    return List.of(
        new Route("POST", "/api/v1/auth/register", credentials.copy().put("username", "dave"), Auth.NONE),
        new Route("POST", "/api/v1/auth/login", credentials, Auth.NONE),
        new Route("POST", "/api/v1/auth/refresh", new JsonObject().put("refresh_token", "x"), Auth.NONE),
        new Route("POST", "/api/v1/auth/logout", new JsonObject().put("refresh_token", "x"), Auth.NONE),
        new Route("GET", "/api/v1/auth/me", null, Auth.BEARER),
        new Route("PUT", "/api/v1/keys", new JsonObject().put("sig", Chat.random(32)).put("dh", Chat.random(32)), Auth.BEARER),
        new Route("GET", "/api/v1/keys/{}", null, Auth.BEARER),
        new Route("GET", "/api/v1/conversations", null, Auth.BEARER),
        new Route("POST", "/api/v1/conversations", new JsonObject().put("keyVersion", 1).put("participants", new JsonArray()
            .add(new JsonObject().put("userId", "bob@b.test").put("encryptedSessionKey", key))), Auth.BEARER),
        new Route("GET", "/api/v1/conversations/{}/keys", null, Auth.BEARER),
        new Route("POST", "/api/v1/conversations/{}/participants", new JsonObject().put("userId", "carol@b.test")
            .put("encryptedSessionKey", key).put("keyVersion", 1), Auth.BEARER),
        new Route("DELETE", "/api/v1/conversations/{}/participants/{}", new JsonObject().put("keyVersion", 2)
            .put("participants", new JsonArray()), Auth.BEARER),
        new Route("POST", "/api/v1/conversations/{}/messages", new JsonObject().put("messageId", "m1").put("payload", message.getJsonObject("payload")),
            Auth.BEARER),
        new Route("GET", "/api/v1/conversations/{}/messages", null, Auth.BEARER),
        new Route("GET", "/api/v1/health", null, Auth.NONE),
        new Route("GET", "/metrics", null, Auth.NONE),
        new Route("GET", "/.well-known/openred", null, Auth.NONE),
        new Route("GET", "/.well-known/openred-registry", null, Auth.NONE),
        new Route("POST", "/api/v1/nodes/register", fake.registration(), Auth.SIGNED_REGISTRY),
        new Route("POST", "/api/v1/nodes/{}/heartbeat", null, Auth.SIGNED_REGISTRY),
        new Route("GET", "/api/v1/nodes/discover", null, Auth.NONE),
        new Route("GET", "/api/v1/nodes/{}/status", null, Auth.NONE),
        new Route("POST", "/api/v1/messages/route", envelope, Auth.SIGNED_REGISTRY),
        new Route("PUT", "/federation/v1/transactions/{}", new JsonObject().put("origin", "fake.test")
            .put("envelopes", new JsonArray().add(envelope).add(create)), Auth.SIGNED_NODE),
        new Route("POST", "/federation/v1/messages", envelope, Auth.SIGNED_NODE),
        new Route("POST", "/federation/v1/inbox", fake.envelope("follow", "b.test", new JsonObject()), Auth.SIGNED_NODE),
        new Route("POST", "/federation/v1/conversations", create, Auth.SIGNED_NODE),
        new Route("PUT", "/federation/v1/conversations/{}/session_key", rotate, Auth.SIGNED_NODE),
        new Route("GET", "/federation/v1/users/{}/public_key", null, Auth.SIGNED_NODE));
  }

  @Test
  @DisplayName("A few thousand generated bad inputs on every route: no 5xx, no answer slower than a second")
  void noServerErrors() {
    Random random = new Random(20261201);
    for (Route route : routes()) {
      String path = route.path().replace("{}", "x1");
      // Every parameter and the query, broken.
      for (String bad : BAD_SEGMENTS) {
        if (route.path().contains("{}")) {
          send(route, route.path().replaceFirst("\\{}", bad).replace("{}", "x1"), headers(route), body(route.body()), "application/json");
        }
        send(route, path + "/" + bad, headers(route), body(route.body()), "application/json");
      }
      for (String query : BAD_QUERIES) {
        send(route, path + "?" + query, headers(route), body(route.body()), "application/json");
      }
      // Authentication headers of every kind of wrong.
      for (Map<String, String> wrong : badAuthentications()) {
        send(route, path, wrong, body(route.body()), "application/json");
      }
      if (route.body() == null) {
        continue;
      }
      // Bodies that are not what the route takes, and content types it does not take.
      for (byte[] garbage : garbageBodies(random)) {
        send(route, path, headers(route), garbage, "application/json");
      }
      for (String type : new String[] {"application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "text/plain", null, "???",
          "application/json; charset=\"", "application/xml"}) {
        byte[] form = type != null && type.startsWith("multipart")
            ? "--xyz\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nvalue\r\n--xyz--\r\n".getBytes(StandardCharsets.US_ASCII)
            : "key=value&other=%zz".getBytes(StandardCharsets.US_ASCII);
        send(route, path, headers(route), form, type);
      }
      // Each field of a good body, and of its payload, replaced by values of every wrong type.
      for (JsonObject spoiled : spoiled(route.body())) {
        send(route, path, headers(route), body(spoiled), "application/json");
      }
    }
    // Digests that cannot be read, or name only an algorithm nobody supports, on every signed route with a body.
    for (Route route : routes()) {
      if (route.body() == null || route.auth() == Auth.NONE || route.auth() == Auth.BEARER) {
        continue;
      }
      for (String digest : new String[] {"sha-256=:!!!not base64!!!:", "sha-256=AAAA", "md5=:AAAA:", "unknown=:AAAA:", "", "sha-256=:",
          "sha-256=:" + "A".repeat(10_000) + ":", "sha-512=:AA==:, sha-256=:%%:"}) {
        Map<String, String> headers = new LinkedHashMap<>(headers(route));
        headers.put("Content-Digest", digest);
        send(route, route.path().replace("{}", "x1"), headers, body(route.body()), "application/json");
      }
    }
    assertTrue(sent > 2_000, "a few thousand inputs: " + sent);
    // One example of each kind of wrong answer (route and status), so the message shows them all.
    Map<String, String> kinds = new LinkedHashMap<>();
    failures.forEach(failure -> kinds.putIfAbsent(failure.replaceAll(" .*-> ", " -> ").replaceAll("(-> [0-9]+).*", "$1"), failure));
    assertTrue(failures.isEmpty(), failures.size() + " of " + sent + " bad inputs were answered wrongly; one of each kind:\n"
        + String.join("\n", kinds.values()));
  }

  private List<Map<String, String>> badAuthentications() {
    List<Map<String, String>> wrong = new ArrayList<>();
    for (String value : new String[] {"Bearer", "Bearer ", "Bearer x.y.z", "Bearer " + "a".repeat(8000), "Basic Zm9vOmJhcg==",
        "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJib2IifQ.", "Bearer \u00ff\u00fe", "Bearer %zz"}) {
      wrong.add(Map.of("Authorization", value));
    }
    for (String input : new String[] {"sig1=(", "sig1=(\"@method\");created=x", "sig1=(\"@method\" \"@path\");created=1;keyid=\"fake.test\"",
        "sig1=();keyid=\"\u0000\"", "a".repeat(10_000), "sig1=(\"@method\"\n\"x\");keyid=\"fake.test\""}) {
      wrong.add(Map.of("Signature-Input", input, "Signature", "sig1=:AAAA:"));
    }
    wrong.add(Map.of("Signature-Input", "sig1=(\"@method\");created=1;keyid=\"fake.test\";alg=\"ed25519\";nonce=\"abcdefghijklmnop\"",
        "Signature", "sig1=:%%%:"));
    return wrong;
  }

  private static List<byte[]> garbageBodies(Random random) {
    List<byte[]> bodies = new ArrayList<>();
    for (String text : new String[] {"{", "[]", "null", "1", "\"s\"", "{}", "{\"a\":1}{", "{\"x\":\"\\ud800\"}", "{\"to\":\"a\",\"to\":\"b\"}",
        "{\"n\":1e999999}", "{\"n\":18446744073709551616}", "[".repeat(100_000), "{\"a\":".repeat(10_000), "{\"a\":\"\\u00\"}"}) {
      bodies.add(text.getBytes(StandardCharsets.UTF_8));
    }
    bodies.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'});
    for (int i = 0; i < 4; i++) {
      byte[] noise = new byte[1 + random.nextInt(2000)];
      random.nextBytes(noise);
      bodies.add(noise);
    }
    return bodies;
  }

  /** The body with one field at a time (at the top, and one level down) set to each wrong value. */
  private static List<JsonObject> spoiled(JsonObject body) {
    List<JsonObject> spoiled = new ArrayList<>();
    for (String field : body.fieldNames()) {
      for (Object wrong : WRONG_VALUES) {
        spoiled.add(body.copy().put(field, wrong));
      }
      spoiled.add(without(body, field));
      if (body.getValue(field) instanceof JsonObject inner) {
        for (String innerField : inner.fieldNames()) {
          for (Object wrong : WRONG_VALUES) {
            spoiled.add(body.copy().put(field, inner.copy().put(innerField, wrong)));
          }
        }
      }
      if (body.getValue(field) instanceof JsonArray array && !array.isEmpty() && array.getValue(0) instanceof JsonObject first) {
        for (String innerField : first.fieldNames()) {
          for (Object wrong : WRONG_VALUES) {
            spoiled.add(body.copy().put(field, new JsonArray().add(first.copy().put(innerField, wrong))));
          }
        }
      }
    }
    return spoiled;
  }

  private static JsonObject without(JsonObject body, String field) {
    JsonObject copy = body.copy();
    copy.remove(field);
    return copy;
  }

  private static byte[] body(JsonObject json) {
    return json == null ? null : json.encode().getBytes(StandardCharsets.UTF_8);
  }

  /** What a well-behaved caller of the route sends; signatures are made per request in {@link #send}. */
  private Map<String, String> headers(Route route) {
    return route.auth() == Auth.BEARER ? Map.of("Authorization", "Bearer " + token) : Map.of();
  }

  private void send(Route route, String path, Map<String, String> given, byte[] body, String contentType) {
    Map<String, String> headers = new LinkedHashMap<>(given);
    if ((route.auth() == Auth.SIGNED_NODE || route.auth() == Auth.SIGNED_REGISTRY) && !given.containsKey("Signature-Input")) {
      URI url;
      try {
        url = new URI("http://127.0.0.1:" + port + path);
      } catch (java.net.URISyntaxException e) {
        url = null; // a path no signer could sign: sent unsigned
      }
      if (url != null) {
        String keyId = route.auth() == Auth.SIGNED_NODE ? "fake.test" : fake.nodeId;
        Map<String, String> signature = FakeNode.sign(fake.signingPrivate, keyId, route.method(), url, body, Clock.systemUTC());
        signature.forEach((name, value) -> headers.putIfAbsent(name, value));
      }
    }
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    StringBuilder text = new StringBuilder(route.method()).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port)
        .append("\r\nConnection: close\r\n");
    if (body != null) {
      if (contentType != null) {
        text.append("Content-Type: ").append(contentType).append("\r\n");
      }
      text.append("Content-Length: ").append(body.length).append("\r\n");
    }
    headers.forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
    head.writeBytes(text.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
    sent++;
    long began = System.nanoTime();
    RawHttp.Response response;
    try {
      response = RawHttp.exchange(port, head.toByteArray(), body, 0);
    } catch (RuntimeException e) {
      failures.add(route.method() + " " + abbreviate(path) + ": no answer (" + e.getMessage() + ")");
      return;
    }
    long took = System.nanoTime() - began;
    String what = route.method() + " " + abbreviate(path) + " " + (body == null ? "" : abbreviate(new String(body, StandardCharsets.UTF_8)))
        + " -> " + response.status() + " " + abbreviate(response.body());
    if (response.status() >= 500) {
      failures.add(what);
    } else if (took > SLOW_NANOS) {
      failures.add(what + " took " + took / 1_000_000 + " ms");
    } else if (response.status() >= 400 && !String.valueOf(response.header("Content-Type")).startsWith("application/problem+json")) {
      failures.add(what + " is not problem JSON");
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 120 ? text : text.substring(0, 120) + "…";
  }
}
