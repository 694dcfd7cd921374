package org.openred.messaging;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openred.testing.E2eeClient;
import org.openred.testing.ClientApi;
import org.openred.testing.TwoNodes;

import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;
import static org.openred.testing.Problems.assertProblem;

/** alice@a.test, bob@b.test and carol@b.test talk across two real nodes, end to end encrypted (section 7). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConversationsTest {
  private final TwoNodes nodes = new TwoNodes("conv");
  private final int aPort = nodes.aPort;
  private final int bPort = nodes.bPort;

  @AfterAll
  void stop() {
    nodes.close();
  }

  /** A signed-up, logged-in user with published keys. */
  private final class User {
    final E2eeClient client;
    final int port;
    final String token;

    User(String name, int port, String domain) {
      this.client = new E2eeClient(name + "@" + domain);
      this.port = port;
      this.token = ClientApi.session(port, name);
      assertEquals(204, send("PUT", "/api/v1/keys", token, client.publicKeys()).statusCode());
    }

    HttpResponse<String> call(String method, String path, JsonObject body) {
      return send(method, path, token, body);
    }

    HttpResponse<String> send(String method, String path, String bearer, JsonObject body) {
      return ClientApi.send(port, method, path, bearer, body);
    }

    JsonObject keysOf(String userId) {
      HttpResponse<String> response = call("GET", "/api/v1/keys/" + userId, null);
      assertEquals(200, response.statusCode(), response.body());
      return new JsonObject(response.body()).getJsonObject("keys");
    }
  }

  private static <T> T eventually(String what, Supplier<T> attempt) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (true) {
      T value = attempt.get();
      if (value != null) {
        return value;
      }
      assertTrue(System.currentTimeMillis() < deadline, what);
      Thread.sleep(50);
    }
  }


  @Test
  @DisplayName("Create across nodes, decrypt on the other side, idempotent messageId, removal with key rotation")
  void conversationAcrossNodes() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    User alice = new User("alice" + suffix, aPort, "a.test");
    User bob = new User("bob" + suffix, bPort, "b.test");
    User carol = new User("carol" + suffix, bPort, "b.test");
    String conversation = "c-" + suffix;
    byte[] key1 = E2eeClient.newSessionKey();
    JsonArray participants = new JsonArray();
    for (User user : new User[] {alice, bob, carol}) {
      participants.add(new JsonObject().put("userId", user.client.userId).put("encryptedSessionKey",
          E2eeClient.wrap(key1, conversation, 1, user.client.userId, alice.keysOf(user.client.userId).getString("dh"))));
    }
    HttpResponse<String> created = alice.call("POST", "/api/v1/conversations",
        new JsonObject().put("conversationId", conversation).put("keyVersion", 1).put("participants", participants));
    assertEquals(201, created.statusCode(), created.body());

    // bob's node learns of it through the outbox; bob unwraps the same session key.
    JsonObject bobsView = eventually("the conversation reaches B", () -> {
      JsonArray list = new JsonObject(bob.call("GET", "/api/v1/conversations", null).body()).getJsonArray("conversations");
      return list.isEmpty() ? null : list.getJsonObject(0);
    });
    assertEquals(3, bobsView.getJsonArray("participants").size());
    assertArrayEquals(key1, bob.client.unwrap(bobsView.getString("encryptedSessionKey"), conversation, 1));

    String messageId = "m-" + UUID.randomUUID();
    JsonObject message = new JsonObject().put("messageId", messageId)
        .put("payload", alice.client.encrypt(key1, conversation, 1, messageId, "hello bob"));
    assertEquals(201, alice.call("POST", "/api/v1/conversations/" + conversation + "/messages", message).statusCode());
    assertEquals(200, alice.call("POST", "/api/v1/conversations/" + conversation + "/messages", message).statusCode());
    JsonObject received = eventually("the message reaches B", () -> {
      JsonArray messages = new JsonObject(bob.call("GET", "/api/v1/conversations/" + conversation + "/messages", null).body())
          .getJsonArray("messages");
      return messages.isEmpty() ? null : messages.getJsonObject(0);
    });
    assertEquals("hello bob", E2eeClient.decrypt(received.getJsonObject("payload"), key1, bob.keysOf(alice.client.userId).getString("sig")));
    assertEquals(alice.client.userId, received.getString("senderId"));
    assertTrue(!received.containsKey("delivery"), "receipts are the sender's only");
    // B's acceptance comes back as a receipt: alice's own view says where her message stands.
    String bobsDomain = "b.test";
    eventually("alice's message is delivered to B", () -> {
      JsonObject mine = new JsonObject(alice.call("GET", "/api/v1/conversations/" + conversation + "/messages", null).body())
          .getJsonArray("messages").getJsonObject(0);
      return "delivered".equals(mine.getJsonObject("delivery").getString(bobsDomain)) ? mine : null;
    });

    // carol is removed; the key rotates for alice and bob only.
    byte[] key2 = E2eeClient.newSessionKey();
    JsonArray staying = new JsonArray();
    for (User user : new User[] {alice, bob}) {
      staying.add(new JsonObject().put("userId", user.client.userId).put("encryptedSessionKey",
          E2eeClient.wrap(key2, conversation, 2, user.client.userId, alice.keysOf(user.client.userId).getString("dh"))));
    }
    // The new key wrapped for the one who leaves too is refused: it must reach exactly those who stay.
    JsonArray leaking = staying.copy().add(new JsonObject().put("userId", carol.client.userId).put("encryptedSessionKey",
        E2eeClient.wrap(key2, conversation, 2, carol.client.userId, alice.keysOf(carol.client.userId).getString("dh"))));
    assertProblem(400, "wrong-recipients", alice.call("DELETE", "/api/v1/conversations/" + conversation + "/participants/"
        + carol.client.userId, new JsonObject().put("keyVersion", 2).put("participants", leaking)));
    HttpResponse<String> removed = alice.call("DELETE", "/api/v1/conversations/" + conversation + "/participants/" + carol.client.userId,
        new JsonObject().put("keyVersion", 2).put("participants", staying));
    assertEquals(200, removed.statusCode(), removed.body());
    eventually("the rotation reaches B", () -> {
      JsonArray keys = new JsonObject(bob.call("GET", "/api/v1/conversations/" + conversation + "/keys", null).body()).getJsonArray("keys");
      return keys.size() == 2 ? keys : null;
    });
    // Removed, carol gets no key at all from the server any more (version 1 she kept on her device).
    assertProblem(404, "unknown-conversation", carol.call("GET", "/api/v1/conversations/" + conversation + "/keys", null));
    String late = "m-" + UUID.randomUUID();
    assertProblem(404, "unknown-conversation", carol.call("POST", "/api/v1/conversations/" + conversation + "/messages",
        new JsonObject().put("messageId", late).put("payload", carol.client.encrypt(key1, conversation, 1, late, "still here?"))));
    String stale = "m-" + UUID.randomUUID();
    assertProblem(409, "stale-key-version", bob.call("POST", "/api/v1/conversations/" + conversation + "/messages",
        new JsonObject().put("messageId", stale).put("payload", bob.client.encrypt(key1, conversation, 1, stale, "old key"))));
    assertProblem(404, "unknown-conversation", carol.call("GET", "/api/v1/conversations/" + conversation + "/messages", null));
    assertProblem(404, "unknown-conversation", carol.call("GET", "/api/v1/conversations/" + conversation + "/members", null));

    // Her list keeps it, ended, saying who ended it, and nothing more.
    JsonObject ended = new JsonObject(carol.call("GET", "/api/v1/conversations", null).body()).getJsonArray("conversations").stream()
        .map(JsonObject.class::cast).filter(c -> conversation.equals(c.getString("conversationId"))).findFirst().orElseThrow();
    assertTrue(ended.getBoolean("ended"));
    assertEquals(alice.client.userId, ended.getString("removed_by"), "B learned who removed her from the rotation's sender");
    assertTrue(ended.getJsonArray("participants").isEmpty() && !ended.containsKey("encryptedSessionKey"));
    // Those who stay see who came and went.
    JsonArray members = new JsonObject(alice.call("GET", "/api/v1/conversations/" + conversation + "/members", null).body()).getJsonArray("members");
    JsonObject carolsPlace = members.stream().map(JsonObject.class::cast).filter(m -> carol.client.userId.equals(m.getString("userId"))).findFirst().orElseThrow();
    assertEquals(alice.client.userId, carolsPlace.getString("added_by"));
    assertEquals(alice.client.userId, carolsPlace.getString("removed_by"));
    assertNotNull(carolsPlace.getString("removed_at"));
  }

  /** A bridge socket on B: frames arrive in {@code frames}. */
  private io.vertx.core.http.WebSocket bridge(String origin, java.util.concurrent.BlockingQueue<JsonObject> frames) {
    io.vertx.core.http.WebSocket socket = await(nodes.b.vertx().createWebSocketClient().connect(new io.vertx.core.http.WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(bPort).setURI("/eventbus/websocket").addHeader("Origin", origin)));
    socket.handler(frame -> frames.add(frame.toJsonObject()));
    return socket;
  }

  private static JsonObject register(String address, String token) {
    JsonObject frame = new JsonObject().put("type", "register").put("address", address);
    return token == null ? frame : frame.put("headers", new JsonObject().put("Authorization", "Bearer " + token));
  }

  private static JsonObject next(java.util.concurrent.BlockingQueue<JsonObject> frames, String type) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      JsonObject frame = frames.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
      if (frame != null && (type == null || type.equals(frame.getString("type"))
          || frame.getJsonObject("body") != null && type.equals(frame.getJsonObject("body").getString("type")))) {
        return frame;
      }
    }
    throw new AssertionError("no " + type + " frame within 10 s");
  }

  @Test
  @DisplayName("Live events: bob's browser hears of alice's conversation and message at once; the bridge refuses the rest")
  void liveEvents() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    User alice = new User("alice" + suffix, aPort, "a.test");
    User bob = new User("bob" + suffix, bPort, "b.test");
    String origin = "http://127.0.0.1:" + bPort;
    var frames = new java.util.concurrent.LinkedBlockingQueue<JsonObject>();
    var socket = bridge(origin, frames);
    String bobAddress = "user.bob" + suffix;
    // Not allowed: no token, another user's address, sending anywhere, the crypto sandbox above all.
    java.util.Set<String> refusals = java.util.Set.of("rejected", "access_denied");
    socket.writeTextMessage(register(bobAddress, null).encode());
    assertTrue(refusals.contains(next(frames, "err").getString("body")));
    socket.writeTextMessage(register("user.alice" + suffix, bob.token).encode());
    assertTrue(refusals.contains(next(frames, "err").getString("body")));
    socket.writeTextMessage(register("openred.crypto.sign", bob.token).encode());
    assertTrue(refusals.contains(next(frames, "err").getString("body")));
    socket.writeTextMessage(new JsonObject().put("type", "send").put("address", "openred.crypto.sign")
        .put("body", new JsonObject().put("data", "AA")).put("headers", new JsonObject().put("Authorization", "Bearer " + bob.token)).encode());
    assertTrue(refusals.contains(next(frames, "err").getString("body")));
    socket.writeTextMessage(register(bobAddress, bob.token).encode());
    Thread.sleep(200);

    String conversation = "live-" + suffix;
    byte[] key = E2eeClient.newSessionKey();
    JsonArray participants = new JsonArray();
    for (User user : new User[] {alice, bob}) {
      participants.add(new JsonObject().put("userId", user.client.userId).put("encryptedSessionKey",
          E2eeClient.wrap(key, conversation, 1, user.client.userId, alice.keysOf(user.client.userId).getString("dh"))));
    }
    assertEquals(201, alice.call("POST", "/api/v1/conversations",
        new JsonObject().put("conversationId", conversation).put("keyVersion", 1).put("participants", participants)).statusCode());
    JsonObject updated = next(frames, "conversation.updated");
    assertEquals(bobAddress, updated.getString("address"));
    assertEquals(conversation, updated.getJsonObject("body").getString("conversationId"));
    String messageId = "m-" + UUID.randomUUID();
    assertEquals(201, alice.call("POST", "/api/v1/conversations/" + conversation + "/messages", new JsonObject().put("messageId", messageId)
        .put("payload", alice.client.encrypt(key, conversation, 1, messageId, "live"))).statusCode());
    JsonObject live = next(frames, "message.new");
    assertEquals(messageId, live.getJsonObject("body").getString("messageId"));
    socket.close();

    // The same node reached by another name than its public URL (localhost for 127.0.0.1) serves its own page.
    String otherName = "http://localhost:" + bPort;
    await(nodes.b.vertx().createWebSocketClient().connect(new io.vertx.core.http.WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(bPort).setURI("/eventbus/websocket").addHeader("Host", "localhost:" + bPort)
        .addHeader("Origin", otherName))).close();

    var foreign = new java.util.concurrent.LinkedBlockingQueue<JsonObject>();
    Throwable refused = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
        () -> bridge("https://evil.example", foreign));
    assertTrue(refused.getMessage().contains("403"), refused.getMessage());
  }

  @Test
  @DisplayName("Refusals: another's conversation, a wrapped key for a non-participant, bad payloads, malformed base64")
  void refusals() {
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    User dave = new User("dave" + suffix, aPort, "a.test");
    User erin = new User("erin" + suffix, aPort, "a.test");
    String conversation = "d-" + suffix;
    byte[] key = E2eeClient.newSessionKey();
    JsonArray only = new JsonArray().add(new JsonObject().put("userId", dave.client.userId)
        .put("encryptedSessionKey", E2eeClient.wrap(key, conversation, 1, dave.client.userId, dave.client.publicKeys().getString("dh"))));
    assertProblem(400, "creator-missing", erin.call("POST", "/api/v1/conversations",
        new JsonObject().put("conversationId", conversation).put("keyVersion", 1).put("participants", only)));
    assertEquals(201, dave.call("POST", "/api/v1/conversations",
        new JsonObject().put("conversationId", conversation).put("keyVersion", 1).put("participants", only)).statusCode());
    assertProblem(404, "unknown-conversation", erin.call("GET", "/api/v1/conversations/" + conversation + "/keys", null));
    assertProblem(404, "unknown-conversation", erin.call("GET", "/api/v1/conversations/" + conversation + "/messages", null));
    String messageId = "m-" + UUID.randomUUID();
    assertProblem(404, "unknown-conversation", erin.call("POST", "/api/v1/conversations/" + conversation + "/messages",
        new JsonObject().put("messageId", messageId).put("payload", erin.client.encrypt(key, conversation, 1, messageId, "hi"))));
    // A payload claiming another sender, or malformed, is refused before anything is stored.
    assertProblem(400, "invalid-payload", dave.call("POST", "/api/v1/conversations/" + conversation + "/messages",
        new JsonObject().put("messageId", messageId).put("payload", erin.client.encrypt(key, conversation, 1, messageId, "hi"))));
    JsonObject broken = dave.client.encrypt(key, conversation, 1, messageId, "hi").put("nonce", "not*base64");
    assertProblem(400, "invalid-payload", dave.call("POST", "/api/v1/conversations/" + conversation + "/messages",
        new JsonObject().put("messageId", messageId).put("payload", broken)));
    JsonObject huge = dave.client.encrypt(key, conversation, 1, messageId, "x".repeat(70_000));
    assertProblem(413, "payload-too-large", dave.call("POST", "/api/v1/conversations/" + conversation + "/messages",
        new JsonObject().put("messageId", messageId).put("payload", huge)));
    assertProblem(400, "invalid-wrapped-key", dave.call("POST", "/api/v1/conversations/" + conversation + "/participants",
        new JsonObject().put("userId", erin.client.userId).put("encryptedSessionKey", "AAAA").put("keyVersion", 1)));
    assertProblem(404, "unknown-user", dave.call("POST", "/api/v1/conversations/" + conversation + "/participants",
        new JsonObject().put("userId", "nobody@a.test").put("keyVersion", 1).put("encryptedSessionKey",
            E2eeClient.wrap(key, conversation, 1, "nobody@a.test", dave.client.publicKeys().getString("dh")))));
    assertEquals(0, new JsonObject(dave.call("GET", "/api/v1/conversations/" + conversation + "/messages", null).body())
        .getJsonArray("messages").size());
  }
}
