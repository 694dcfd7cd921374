package org.openred.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openred.config.Option;
import org.openred.app.OpenRedNode;
import org.openred.testing.E2eeClient;
import org.openred.testing.TestNodes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * alice on node A sends end-to-end encrypted messages to bob on node B, who listens on B's event-bus
 * bridge: messages/s and latency from alice's POST to bob's live event. Both nodes (SQLite), the
 * clients and the bridge socket share this JVM. Run with bench/messaging.sh.
 */
public final class MessagingBench {
  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    Path aDir = TestNodes.tempDir("msg-a");
    Path bDir = TestNodes.tempDir("msg-b");
    TestNodes.Spec aSpec = new TestNodes.Spec().dataDir(aDir).flag(Option.DOMAIN, "a.test").flag(Option.LOG_LEVEL, "warn");
    TestNodes.Spec bSpec = new TestNodes.Spec().dataDir(bDir).flag(Option.DOMAIN, "b.test").flag(Option.LOG_LEVEL, "warn")
        .flag(Option.FEDERATION_RATE, "1000000");
    aSpec.flag(Option.PUBLIC_URL, "http://127.0.0.1:" + aSpec.port()).flag(Option.PEERS, "b.test=http://127.0.0.1:" + bSpec.port());
    bSpec.flag(Option.PUBLIC_URL, "http://127.0.0.1:" + bSpec.port()).flag(Option.PEERS, "a.test=http://127.0.0.1:" + aSpec.port());
    OpenRedNode a = aSpec.start();
    OpenRedNode b = bSpec.start();
    Vertx vertx = Vertx.vertx();
    try {
      HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(inFlight));
      E2eeClient alice = new E2eeClient("alice@a.test");
      E2eeClient bob = new E2eeClient("bob@b.test");
      String aliceToken = account(http, aSpec.port(), "alice", alice);
      String bobToken = account(http, bSpec.port(), "bob", bob);
      String conversation = "bench";
      byte[] key = E2eeClient.newSessionKey();
      JsonArray participants = new JsonArray()
          .add(new JsonObject().put("userId", alice.userId).put("encryptedSessionKey",
              E2eeClient.wrap(key, conversation, 1, alice.userId, alice.publicKeys().getString("dh"))))
          .add(new JsonObject().put("userId", bob.userId).put("encryptedSessionKey",
              E2eeClient.wrap(key, conversation, 1, bob.userId, bob.publicKeys().getString("dh"))));
      call(http, aSpec.port(), HttpMethod.POST, "/api/v1/conversations", aliceToken,
          new JsonObject().put("conversationId", conversation).put("keyVersion", 1).put("participants", participants));

      Map<String, Long> sentAt = new ConcurrentHashMap<>();
      long[] latencies = new long[count];
      AtomicInteger received = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(1);
      CountDownLatch ready = new CountDownLatch(1);
      WebSocket socket = TestNodes.await(vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1")
          .setPort(bSpec.port()).setURI("/eventbus/websocket").addHeader("Origin", "http://127.0.0.1:" + bSpec.port())));
      socket.handler(frame -> {
        JsonObject body = frame.toJsonObject().getJsonObject("body");
        if (body == null) {
          return;
        }
        if ("conversation.updated".equals(body.getString("type"))) {
          ready.countDown();
        }
        Long start = body.getString("messageId") == null ? null : sentAt.remove(body.getString("messageId"));
        if ("message.new".equals(body.getString("type")) && start != null) {
          int n = received.getAndIncrement();
          if (n < count) {
            latencies[n] = System.nanoTime() - start;
          }
          if (n + 1 == count) {
            done.countDown();
          }
        }
      });
      socket.writeTextMessage(new JsonObject().put("type", "register").put("address", "user.bob")
          .put("headers", new JsonObject().put("Authorization", "Bearer " + bobToken)).encode());
      Thread.sleep(300);
      // Wait until B knows the conversation (its creation travelled through A's outbox).
      for (int i = 0; i < 200 && new JsonObject(call(http, bSpec.port(), HttpMethod.GET, "/api/v1/conversations", bobToken, null).toString())
          .getJsonArray("conversations").isEmpty(); i++) {
        Thread.sleep(50);
      }
      List<JsonObject> messages = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String id = "m" + i;
        messages.add(new JsonObject().put("messageId", id).put("payload", alice.encrypt(key, conversation, 1, id, "message " + i)));
      }
      long start = System.nanoTime();
      AtomicInteger next = new AtomicInteger();
      List<Future<Void>> lanes = new ArrayList<>();
      for (int lane = 0; lane < inFlight; lane++) {
        lanes.add(lane(http, aSpec.port(), aliceToken, messages, next, sentAt));
      }
      TestNodes.await(Future.all(lanes));
      if (!done.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("only " + received.get() + " of " + count + " live events arrived");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Arrays.sort(latencies);
      System.out.printf("machine: %d cores, %s; nodes A and B (SQLite), clients and bridge socket in one JVM%n",
          Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
      System.out.printf("alice@A -> bob@B live: %d messages in %.2f s = %.0f messages/s (%d in flight); POST to bridge event p50 %.1f ms, p99 %.1f ms%n",
          count, seconds, count / seconds, inFlight, latencies[count / 2] / 1e6, latencies[(int) (count * 0.99)] / 1e6);
      socket.close();
    } finally {
      TestNodes.await(vertx.close());
      TestNodes.await(a.close());
      TestNodes.await(b.close());
      TestNodes.deleteRecursively(aDir);
      TestNodes.deleteRecursively(bDir);
    }
  }

  private static Future<Void> lane(HttpClientAgent http, int port, String token, List<JsonObject> messages, AtomicInteger next,
                                   Map<String, Long> sentAt) {
    int i = next.getAndIncrement();
    if (i >= messages.size()) {
      return Future.succeededFuture();
    }
    JsonObject message = messages.get(i);
    sentAt.put(message.getString("messageId"), System.nanoTime());
    return http.request(options(port, HttpMethod.POST, "/api/v1/conversations/bench/messages", token))
        .compose(request -> request.send(message.toBuffer()))
        .compose(response -> response.body().compose(body -> response.statusCode() == 201 ? Future.succeededFuture()
            : Future.failedFuture(new IllegalStateException(response.statusCode() + " " + body))))
        .compose(ignored -> lane(http, port, token, messages, next, sentAt));
  }

  private static String account(HttpClientAgent http, int port, String name, E2eeClient client) {
    JsonObject credentials = new JsonObject().put("username", name).put("password", "correct horse battery");
    call(http, port, HttpMethod.POST, "/api/v1/auth/register", null, credentials);
    String token = new JsonObject(call(http, port, HttpMethod.POST, "/api/v1/auth/login", null, credentials).toString()).getString("access_token");
    call(http, port, HttpMethod.PUT, "/api/v1/keys", token, client.publicKeys());
    return token;
  }

  private static Buffer call(HttpClientAgent http, int port, HttpMethod method, String path, String token, JsonObject body) {
    return TestNodes.await(http.request(options(port, method, path, token))
        .compose(request -> body == null ? request.send() : request.send(body.toBuffer()))
        .compose(response -> response.body()));
  }

  private static RequestOptions options(int port, HttpMethod method, String path, String token) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path)
        .putHeader("Content-Type", "application/json");
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    return options;
  }
}
