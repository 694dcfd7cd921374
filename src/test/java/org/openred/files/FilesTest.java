package org.openred.files;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openred.app.OpenRedNode;
import org.openred.config.Option;
import org.openred.testing.ClientApi;
import org.openred.testing.TestNodes;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.ClientApi.ok;
import static org.openred.testing.Eventually.eventually;
import static org.openred.testing.Problems.assertProblem;
import static org.openred.testing.TestNodes.await;

/** Files on a real node, over HTTP as a browser would send them: whole, resumed, ranged, refused. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FilesTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String NAME = "ZW5jcnlwdGVkIG5hbWU";
  private final Path dir = TestNodes.tempDir("files");
  private OpenRedNode node;
  private int port;
  private String alice;
  private String bob;

  @BeforeAll
  void start() {
    TestNodes.Spec spec = new TestNodes.Spec().dataDir(dir).flag(Option.DOMAIN, "a.test")
        .flag(Option.SET, "files.max-file-mb=1,files.quota-mb=2,files.idle-seconds=5");
    port = spec.port();
    node = spec.start();
    alice = ClientApi.session(port, "alice");
    bob = ClientApi.session(port, "bob");
  }

  @AfterAll
  void stop() {
    await(node.close());
    TestNodes.deleteRecursively(dir);
  }

  private HttpRequest.Builder request(String path, String token) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/files" + path)).header("Authorization", "Bearer " + token);
  }

  private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
    try {
      return HTTP.send(request, body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> upload(String token, long size, byte[] body) {
    return send(request("", token).header("Upload-Length", Long.toString(size)).header("X-Encrypted-Name", NAME)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> patch(String token, String id, long offset, byte[] body) {
    return send(request("/" + id, token).header("Upload-Offset", Long.toString(offset))
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<byte[]> download(String token, String id, String range) {
    HttpRequest.Builder builder = request("/" + id, token).GET();
    if (range != null) {
      builder.header("Range", range);
    }
    return send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static byte[] random(int n) {
    byte[] bytes = new byte[n];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  private long offsetOf(String id) {
    HttpResponse<Void> head = send(request("/" + id, alice).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    assertEquals(200, head.statusCode());
    return Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
  }

  @Test
  @DisplayName("Uploaded whole, downloaded whole and by range as an opaque attachment; listed; deleted from disk too")
  void wholeFile() throws Exception {
    byte[] content = random(200_000);
    JsonObject file = ok(upload(alice, content.length, content), 201);
    String id = file.getString("fileId");
    assertTrue(file.getBoolean("complete"));
    assertEquals(4, file.getLong("chunks"), "64 KiB chunks and their tags");
    HttpResponse<byte[]> whole = download(alice, id, null);
    assertEquals(200, whole.statusCode());
    assertArrayEquals(content, whole.body());
    assertEquals("application/octet-stream", whole.headers().firstValue("Content-Type").orElse(null));
    assertTrue(whole.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment"));
    assertEquals("nosniff", whole.headers().firstValue("X-Content-Type-Options").orElse(null));
    assertTrue(whole.headers().firstValue("Content-Security-Policy").orElse("").contains("sandbox"));
    HttpResponse<byte[]> part = download(alice, id, "bytes=1000-1999");
    assertEquals(206, part.statusCode());
    assertArrayEquals(Arrays.copyOfRange(content, 1000, 2000), part.body());
    assertEquals("bytes 1000-1999/200000", part.headers().firstValue("Content-Range").orElse(null));
    assertArrayEquals(Arrays.copyOfRange(content, 199_900, 200_000), download(alice, id, "bytes=-100").body());
    assertEquals(416, download(alice, id, "bytes=300000-").statusCode());

    JsonObject list = ok(ClientApi.send(port, "GET", "/api/v1/files", alice, null), 200);
    assertTrue(list.getJsonArray("files").stream().anyMatch(f -> id.equals(((JsonObject) f).getString("fileId"))));
    assertEquals(NAME, list.getJsonArray("files").getJsonObject(0).getString("encryptedName"));
    Path onDisk = dir.resolve("files").resolve(id);
    assertTrue(Files.exists(onDisk), "stored under its generated id");
    ok(ClientApi.send(port, "DELETE", "/api/v1/files/" + id, alice, null), 200);
    assertFalse(Files.exists(onDisk), "gone from disk");
    assertProblem(404, "unknown-file", ClientApi.send(port, "GET", "/api/v1/files/" + id, alice, null));
  }

  @Test
  @DisplayName("An upload cut off half-way resumes from the offset the node has; a wrong offset is refused with the right one")
  void resumed() throws Exception {
    byte[] content = random(100_000);
    // The first 40,000 bytes, then the connection drops (Content-Length promised all of them).
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + alice + "\r\nUpload-Length: 100000\r\n"
          + "X-Encrypted-Name: " + NAME + "\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(content, 0, 40_000);
      out.flush();
      Thread.sleep(500);
    }
    JsonObject[] partial = new JsonObject[1];
    eventually("the partial upload is listed", () -> {
      partial[0] = ok(ClientApi.send(port, "GET", "/api/v1/files", alice, null), 200).getJsonArray("files").stream().map(JsonObject.class::cast)
          .filter(f -> !f.getBoolean("complete") && f.getLong("received") == 40_000).findFirst().orElse(null);
      return partial[0] != null;
    });
    String id = partial[0].getString("fileId");
    assertEquals(40_000, offsetOf(id));
    assertEquals(409, download(alice, id, null).statusCode(), "not whole yet");
    HttpResponse<String> wrong = patch(alice, id, 30_000, Arrays.copyOfRange(content, 30_000, 100_000));
    assertProblem(409, "offset-mismatch", wrong);
    assertEquals("40000", wrong.headers().firstValue("Upload-Offset").orElse(null));
    JsonObject done = ok(patch(alice, id, 40_000, Arrays.copyOfRange(content, 40_000, 100_000)), 200);
    assertTrue(done.getBoolean("complete"));
    assertArrayEquals(content, download(alice, id, null).body());
    assertProblem(409, "already-complete", patch(alice, id, 100_000, new byte[1]));
  }

  @Test
  @DisplayName("Expect: 100-continue: the go-ahead comes once the upload is accepted; a refused one is answered without it")
  void continueOnlyWhenAccepted() throws Exception {
    for (long size : new long[] {10, 5L * 1024 * 1024}) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + alice + "\r\nUpload-Length: " + size + "\r\n"
            + "X-Encrypted-Name: " + NAME + "\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] first = new byte[12];
        int read = socket.getInputStream().readNBytes(first, 0, 12);
        String status = new String(first, 0, read, StandardCharsets.US_ASCII);
        if (size == 10) {
          assertEquals("HTTP/1.1 100", status, "accepted: go ahead");
          out.write(new byte[10]);
          out.flush();
          StringBuilder rest = new StringBuilder();
          byte[] piece = new byte[1024];
          while (!rest.toString().contains("HTTP/1.1 201")) {
            int n = socket.getInputStream().read(piece);
            assertTrue(n > 0, "then 201 once the body arrived: " + rest);
            rest.append(new String(piece, 0, n, StandardCharsets.US_ASCII));
          }
        } else {
          assertEquals("HTTP/1.1 413", status, "too large: refused before any byte of the body");
        }
      }
    }
  }

  @Test
  @DisplayName("A body that stops arriving has its connection closed after the idle window; what arrived is kept for resuming")
  void slowBody() throws Exception {
    long began = System.nanoTime();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + bob + "\r\nUpload-Length: 1000\r\n"
          + "X-Encrypted-Name: " + NAME + "\r\nContent-Length: 1000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[10]);
      out.flush();
      assertEquals(-1, socket.getInputStream().read(), "closed by the node, not answered");
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    assertTrue(seconds >= 4 && seconds < 15, "closed after the 5 s idle window: " + seconds);
    eventually("the 10 bytes are kept", () -> ok(ClientApi.send(port, "GET", "/api/v1/files", bob, null), 200).getJsonArray("files").stream()
        .map(JsonObject.class::cast).anyMatch(f -> f.getLong("size") == 1000 && f.getLong("received") == 10));
  }

  @Test
  @DisplayName("Limits and bad input: too large, over quota, no length, bad names, a part too long; another user's id and traversal ids are unknown")
  void refused() throws Exception {
    assertProblem(413, "file-too-large", upload(bob, 2 * 1024 * 1024, new byte[0]));
    String first = ok(upload(bob, 1024 * 1024, new byte[0]), 201).getString("fileId");
    ok(upload(bob, 1000 * 1024, new byte[0]), 201);
    assertProblem(413, "quota-exceeded", upload(bob, 100 * 1024, new byte[0]));
    ok(ClientApi.send(port, "DELETE", "/api/v1/files/" + first, bob, null), 200);
    HttpResponse<String> chunked = send(request("", bob).header("Upload-Length", "10").header("X-Encrypted-Name", NAME)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[10]))).build(), HttpResponse.BodyHandlers.ofString());
    assertProblem(411, "length-required", chunked);
    for (String name : new String[] {"../../etc/passwd", "a b", "x".repeat(2000)}) {
      assertProblem(400, "invalid-header", send(request("", bob).header("Upload-Length", "1").header("X-Encrypted-Name", name)
          .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1])).build(), HttpResponse.BodyHandlers.ofString()));
    }
    assertProblem(400, "invalid-length", upload(bob, 5, new byte[10]));
    String hers = ok(upload(alice, 10, new byte[10]), 201).getString("fileId");
    for (String method : new String[] {"GET", "DELETE"}) {
      assertProblem(404, "unknown-file", ClientApi.send(port, method, "/api/v1/files/" + hers, bob, null));
    }
    assertProblem(404, "unknown-file", patch(bob, hers, 10, new byte[1]));
    for (String id : new String[] {"..%2F..%2Fetc%2Fpasswd", "%2e%2e", "..%5Cwindows", "%2Fetc%2Fpasswd", "abc%00def", "x".repeat(300)}) {
      HttpResponse<String> answer = send(request("/" + id, alice).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertTrue(answer.statusCode() == 404 || answer.statusCode() == 400, id + " answered " + answer.statusCode());
      assertFalse(answer.body().contains("root:"), id);
    }
    assertEquals(401, send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/files")).GET().build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
  }
}
