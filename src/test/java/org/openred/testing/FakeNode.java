package org.openred.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openred.crypto.B64u;
import org.openred.crypto.Ed25519;
import org.openred.crypto.NodeId;
import org.openred.crypto.X25519;
import org.openred.federation.signature.RequestSigner;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A made-up node for black-box tests of the registry and discovery: its own Ed25519 and X25519
 * keys, an HTTP server on a loopback port serving a key document the test controls, and a signer
 * that signs requests as this node (or with a key it does not own).
 */
public final class FakeNode implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  public final byte[] signingPrivate = Ed25519.generatePrivateKey(RANDOM);
  public final String signingPublic = B64u.encode(Ed25519.publicKey(signingPrivate));
  public final String dhPublic = B64u.encode(X25519.publicKey(X25519.generatePrivateKey(RANDOM)));
  public final String nodeId = NodeId.of(B64u.decode(signingPublic));
  public final int port = TestNodes.freePort();
  public final String domain;
  private final Vertx vertx = Vertx.vertx();
  private volatile Supplier<String> document = this::keyDocument;
  private final HttpServer server;
  /** How often the key document was fetched. */
  public final java.util.concurrent.atomic.AtomicInteger documentFetches = new java.util.concurrent.atomic.AtomicInteger();
  /** Every request other than the key document, as received. */
  public final java.util.concurrent.BlockingQueue<Received> received = new java.util.concurrent.LinkedBlockingQueue<>();

  public record Received(String method, String path, Map<String, String> headers, Buffer body) {
  }

  public FakeNode(String domain) {
    this.domain = domain;
    server = TestNodes.await(vertx.createHttpServer()
        .requestHandler(request -> {
          if (request.path().equals("/.well-known/openred")) {
            documentFetches.incrementAndGet();
            request.response().putHeader("Content-Type", "application/json").end(document.get());
            return;
          }
          request.body().onSuccess(body -> {
            Map<String, String> headers = new java.util.HashMap<>();
            request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
            received.add(new Received(request.method().name(), request.path(), headers, body));
            request.response().setStatusCode(202).putHeader("Content-Type", "application/json").end("{\"accepted\":true}");
          });
        })
        .listen(port, "127.0.0.1"));
  }

  /** A signed ORF envelope from this node, from alice to bob. */
  public JsonObject envelope(String type, String toDomain, JsonObject payload) {
    return envelope(type, "alice", toDomain, "bob", payload);
  }

  /** A signed ORF envelope from {@code from} (a user of this node) to {@code to} (null: to the node itself). */
  public JsonObject envelope(String type, String from, String toDomain, String to, JsonObject payload) {
    JsonObject recipient = new JsonObject().put("domain", toDomain);
    if (to != null) {
      recipient.put("username", to);
    }
    JsonObject envelope = new JsonObject().put("version", "1").put("id", java.util.UUID.randomUUID().toString()).put("type", type)
        .put("from", new JsonObject().put("node_id", nodeId).put("domain", domain).put("username", from))
        .put("to", recipient)
        .put("timestamp", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())
        .put("payload", payload);
    return envelope.put("signature", B64u.encode(Ed25519.sign(signingPrivate, org.openred.federation.Envelope.signingInput(envelope))));
  }

  public String apiUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** Serve this instead of the true key document. */
  public void serve(Supplier<String> body) {
    this.document = body;
  }

  public String keyDocument() {
    return new JsonObject().put("domain", domain).put("node_id", nodeId).put("federation_url", apiUrl() + "/federation/v1")
        .put("keys", new JsonArray().add(new JsonObject().put("keyid", domain).put("alg", "ed25519")
            .put("public_key", signingPublic).put("valid_until", "2099-01-01T00:00:00Z")))
        .put("dh_key", new JsonObject().put("alg", "x25519").put("public_key", dhPublic)).encode();
  }

  public JsonObject registration() {
    return new JsonObject().put("node_id", nodeId).put("domain", domain).put("api_url", apiUrl())
        .put("keys", new JsonObject().put("sig", signingPublic).put("dh", dhPublic));
  }

  /** Signature headers for a request, signed by {@code key} under {@code keyId} at {@code clock}'s time. */
  public static Map<String, String> sign(byte[] key, String keyId, String method, URI url, byte[] body, Clock clock) {
    return TestNodes.await(new RequestSigner(data -> Future.succeededFuture(Ed25519.sign(key, data)), clock)
        .sign(method, url, body, keyId));
  }

  public Map<String, String> sign(String method, URI url, byte[] body) {
    return sign(signingPrivate, nodeId, method, url, body, Clock.systemUTC());
  }

  /** POST with the given headers; answers status and body. */
  public static HttpResponse<String> post(URI url, Map<String, String> headers, byte[] body) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(url)
          .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach((name, value) -> {
        if (!name.equalsIgnoreCase("Host")) {
          request.header(name, value);
        }
      });
      if (body != null) {
        request.header("Content-Type", "application/json");
      }
      return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static HttpResponse<String> get(URI url) {
    return get(url, Map.of());
  }

  public static HttpResponse<String> get(URI url, Map<String, String> headers) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(url);
      headers.forEach(request::header);
      return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static Buffer bytes(JsonObject json) {
    return json.toBuffer();
  }

  @Override
  public void close() {
    TestNodes.await(server.close());
    TestNodes.await(vertx.close());
  }
}
