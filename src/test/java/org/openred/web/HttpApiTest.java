package org.openred.web;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openred.config.Option;
import org.openred.crypto.B64u;
import org.openred.crypto.NodeId;
import org.openred.app.OpenRedNode;
import org.openred.testing.RawHttp;
import org.openred.testing.TestNodes;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;
import static org.openred.testing.Problems.assertProblem;

/** A real node on a loopback port, driven over HTTP as a browser or another server would. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpApiTest {
  private static final int BODY_LIMIT = 4096;
  private final HttpClient http = HttpClient.newHttpClient();
  private Path data;
  private OpenRedNode node;
  private int port;

  @BeforeAll
  void start() {
    data = TestNodes.tempDir("http");
    TestNodes.Spec spec = new TestNodes.Spec().dataDir(data).flag(Option.DOMAIN, "a.test:18081")
        .flag(Option.BODY_LIMIT, Integer.toString(BODY_LIMIT)).flag(Option.REQUEST_TIMEOUT, "1");
    port = spec.port();
    node = spec.start();
  }

  @AfterAll
  void stop() {
    await(node.close());
    TestNodes.deleteRecursively(data);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String contentType, HttpRequest.BodyPublisher body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", contentType).POST(body).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("GET /api/v1/health answers 200 with storage up")
  void health() throws Exception {
    HttpResponse<String> response = get("/api/v1/health");
    assertEquals(200, response.statusCode());
    JsonObject body = new JsonObject(response.body());
    assertEquals("up", body.getString("status"));
    assertEquals("up", body.getJsonObject("checks").getString("storage"));
    assertEquals("all", body.getString("role"));
  }

  @Test
  @DisplayName("GET /.well-known/openred is the section 3 key document of this node's keys")
  void wellKnown() throws Exception {
    HttpResponse<String> response = get("/.well-known/openred");
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonObject doc = new JsonObject(response.body());
    assertEquals("a.test:18081", doc.getString("domain"));
    assertEquals(node.keys().nodeId(), doc.getString("node_id"));
    JsonObject key = doc.getJsonArray("keys").getJsonObject(0);
    assertEquals("a.test:18081", key.getString("keyid"));
    assertEquals("ed25519", key.getString("alg"));
    assertEquals(doc.getString("node_id"), NodeId.of(B64u.decode(key.getString("public_key"))));
    assertTrue(key.getString("valid_until").endsWith("Z"));
    assertEquals("http://a.test:18081/federation/v1", doc.getString("federation_url"));
    assertEquals("x25519", doc.getJsonObject("dh_key").getString("alg"));
    assertEquals(32, B64u.decode(doc.getJsonObject("dh_key").getString("public_key")).length);
    assertEquals("openred", doc.getJsonObject("software").getString("name"));
  }

  @Test
  @DisplayName("The web app and its assets, SockJS from the jar's WebJar included, are served with security headers")
  void webApp() throws Exception {
    HttpResponse<String> page = get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(page.body().contains("OpenRed"));
    assertTrue(page.body().contains("/js/app.js"));
    assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(null));
    assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(null));
    assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
    for (String asset : new String[] {"/js/app.js", "/js/e2ee.js", "/css/app.css", "/webjars/sockjs-client/1.6.1/dist/sockjs.min.js"}) {
      assertEquals(200, get(asset).statusCode(), asset);
    }
    HttpResponse<String> sockJs = get("/webjars/sockjs-client/1.6.1/dist/sockjs.min.js");
    assertTrue(sockJs.headers().firstValue("Content-Type").orElse("").endsWith("javascript;charset=UTF-8"), sockJs.headers().toString());
    assertTrue(sockJs.headers().firstValue("Cache-Control").orElse("").contains("max-age=86400"), "a versioned library is cached a day");
    assertEquals(404, get("/webjars/sockjs-client/1.6.0/dist/sockjs.min.js").statusCode(), "only the version in the jar");
  }

  @Test
  @DisplayName("Unknown routes and methods get problem+json 404 and 405")
  void unknownRoutes() throws Exception {
    assertProblem(404, "not-found", get("/api/v1/nothing-here"));
    assertProblem(404, "not-found", get("/no/such/page"));
    assertProblem(404, "not-found", get("/../../etc/passwd"));
    assertProblem(405, "method-not-allowed", post("/api/v1/health", "application/json", HttpRequest.BodyPublishers.ofString("{}")));
  }

  @ParameterizedTest(name = "{0}")
  @DisplayName("Malformed and hostile JSON is refused with 400 malformed-json (ATTACKS 1, 2)")
  @ValueSource(strings = {
      "{\"a\":",
      "{\"a\":1} trailing",
      "{\"to\":\"a\",\"to\":\"b\"}",
      "{\"a\":\"\\ud800\"}",
      "{\"a\":\"\\udc00x\"}",
      "{\"n\":1e999999}",
      "{\"n\":18446744073709551616}",
      "[1,2]",
      "\"just a string\"",
      "{'a':1}",
      "{\"a\":NaN}"
  })
  void malformedJson(String body) throws Exception {
    assertProblem(400, "malformed-json", post("/api/v1/health", "application/json", HttpRequest.BodyPublishers.ofString(body)));
  }

  @Test
  @DisplayName("Invalid UTF-8 and deep nesting are refused with 400 malformed-json")
  void invalidUtf8AndNesting() throws Exception {
    byte[] invalid = {'{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'};
    assertProblem(400, "malformed-json", RawHttp.post(port, "/api/v1/health", "application/json", invalid, null));
    String deep = "[".repeat(2000) + "]".repeat(2000);
    assertProblem(400, "malformed-json", post("/api/v1/health", "application/json", HttpRequest.BodyPublishers.ofString(deep)));
  }

  @Test
  @DisplayName("A body that is not declared as JSON gets 415")
  void wrongContentType() throws Exception {
    assertProblem(415, "unsupported-media-type", post("/api/v1/health", "text/plain", HttpRequest.BodyPublishers.ofString("{}")));
    assertProblem(415, "unsupported-media-type", RawHttp.post(port, "/api/v1/health", null, "{}".getBytes(StandardCharsets.UTF_8), null));
  }

  @Test
  @DisplayName("Bodies over the limit get 413, with Content-Length and chunked (ATTACKS 3)")
  void bodyLimit() throws Exception {
    String big = "{\"s\":\"" + "x".repeat(BODY_LIMIT * 3) + "\"}";
    assertProblem(413, "payload-too-large", RawHttp.post(port, "/api/v1/health", "application/json",
        big.getBytes(StandardCharsets.UTF_8), null));
    HttpResponse<String> chunked = post("/api/v1/health", "application/json",
        HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))));
    assertProblem(413, "payload-too-large", chunked);
    // Declared small, sent large: only the declared bytes are read, and they are not a JSON object.
    assertProblem(400, "malformed-json", RawHttp.post(port, "/api/v1/health", "application/json",
        "{\"a\":1}".getBytes(StandardCharsets.UTF_8), 5));
  }

  @Test
  @DisplayName("A body that stalls times out with 408 instead of holding the server (ATTACKS 3)")
  void slowBody() {
    String head = "POST /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
    RawHttp.Response response = RawHttp.exchange(port, head.getBytes(StandardCharsets.US_ASCII), "{\"a\":".getBytes(StandardCharsets.UTF_8), 0);
    assertProblem(408, "request-timeout", response);
  }
}
