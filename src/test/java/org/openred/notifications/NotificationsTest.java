package org.openred.notifications;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openred.testing.ClientApi;
import org.openred.testing.E2eeClient;
import org.openred.testing.TwoNodes;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.openred.testing.Eventually.eventually;
import static org.openred.testing.ClientApi.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.Problems.assertProblem;
import static org.openred.testing.TestNodes.await;

/** Notifications on real nodes: what others did is listed (a conversation's messages as one), what one did oneself is not. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotificationsTest {
  private final TwoNodes nodes = new TwoNodes("notifications");
  private final String alice = ClientApi.session(nodes.aPort, "alice");
  private final String bob = ClientApi.session(nodes.bPort, "bob");
  private final String erin = ClientApi.session(nodes.aPort, "erin");

  @AfterAll
  void stop() {
    nodes.close();
  }


  private static JsonObject notifications(int port, String token) {
    return ok(ClientApi.send(port, "GET", "/api/v1/notifications", token, null), 200);
  }

  private static List<String> kinds(JsonObject page) {
    return page.getJsonArray("notifications").stream().map(n -> ((JsonObject) n).getString("kind")).toList();
  }


  @Test
  @DisplayName("A friend request from another node, its acceptance, a new follower, three messages: listed for the one concerned, live, once per conversation")
  void whatOthersDid() throws Exception {
    BlockingQueue<JsonObject> live = new LinkedBlockingQueue<>();
    var listener = nodes.a.vertx().eventBus().<JsonObject>consumer("user.alice", message -> {
      if ("notification.new".equals(message.body().getString("type"))) {
        live.add(message.body());
      }
    });
    await(listener.completion());

    ok(ClientApi.send(nodes.bPort, "POST", "/api/v1/connections", bob, new JsonObject().put("target", "alice@a.test").put("type", "friend")), 201);
    eventually("alice is told of bob's request", () -> kinds(notifications(nodes.aPort, alice)).contains("friend_request"));
    JsonObject heard = live.poll(10, TimeUnit.SECONDS);
    assertNotNull(heard, "the notification arrives live too");
    assertEquals("friend_request", heard.getJsonObject("notification").getString("kind"));
    assertEquals("bob@b.test", heard.getJsonObject("notification").getJsonObject("data").getString("userId"));
    assertEquals(1, heard.getLong("unread"));

    String request = ok(ClientApi.send(nodes.aPort, "GET", "/api/v1/connections", alice, null), 200).getJsonArray("incoming").getJsonObject(0).getString("id");
    ok(ClientApi.send(nodes.aPort, "POST", "/api/v1/connections/" + request + "/accept", alice, null), 200);
    eventually("bob is told alice accepted", () -> kinds(notifications(nodes.bPort, bob)).equals(List.of("friend_accepted")));
    ok(ClientApi.send(nodes.aPort, "POST", "/api/v1/connections", erin, new JsonObject().put("target", "alice@a.test").put("type", "follow")), 201);
    eventually("alice has a new follower", () -> kinds(notifications(nodes.aPort, alice)).contains("new_follower"));

    E2eeClient aliceKeys = new E2eeClient("alice@a.test");
    E2eeClient bobKeys = new E2eeClient("bob@b.test");
    assertEquals(204, ClientApi.send(nodes.aPort, "PUT", "/api/v1/keys", alice, aliceKeys.publicKeys()).statusCode());
    assertEquals(204, ClientApi.send(nodes.bPort, "PUT", "/api/v1/keys", bob, bobKeys.publicKeys()).statusCode());
    String conversation = UUID.randomUUID().toString();
    byte[] key = E2eeClient.newSessionKey();
    JsonArray participants = new JsonArray()
        .add(new JsonObject().put("userId", "alice@a.test").put("encryptedSessionKey", E2eeClient.wrap(key, conversation, 1, "alice@a.test", aliceKeys.publicKeys().getString("dh"))))
        .add(new JsonObject().put("userId", "bob@b.test").put("encryptedSessionKey", E2eeClient.wrap(key, conversation, 1, "bob@b.test", bobKeys.publicKeys().getString("dh"))));
    ok(ClientApi.send(nodes.aPort, "POST", "/api/v1/conversations", alice,
        new JsonObject().put("conversationId", conversation).put("keyVersion", 1).put("participants", participants)), 201);
    eventually("bob's node has the conversation", () -> ClientApi.send(nodes.bPort, "GET", "/api/v1/conversations/" + conversation + "/messages", bob, null).statusCode() == 200);
    ok(ClientApi.send(nodes.aPort, "POST", "/api/v1/conversations/" + conversation + "/messages", alice, new JsonObject().put("messageId", "own")
        .put("payload", aliceKeys.encrypt(key, conversation, 1, "own", "alice writes first"))), 201);
    for (int i = 0; i < 3; i++) {
      String messageId = "m" + i;
      ok(ClientApi.send(nodes.bPort, "POST", "/api/v1/conversations/" + conversation + "/messages", bob, new JsonObject().put("messageId", messageId)
          .put("payload", bobKeys.encrypt(key, conversation, 1, messageId, "message " + i))), 201);
    }
    eventually("bob's three messages make one notification for alice", () -> notifications(nodes.aPort, alice).getJsonArray("notifications").stream()
        .map(JsonObject.class::cast).anyMatch(n -> n.getString("kind").equals("message") && n.getLong("count") == 3));

    JsonObject mine = notifications(nodes.aPort, alice);
    assertEquals(List.of("message", "new_follower", "friend_request"), kinds(mine), "newest first; nothing for alice's own acceptance or message");
    assertEquals(3, mine.getLong("unread"));
    JsonObject message = mine.getJsonArray("notifications").getJsonObject(0);
    assertEquals(conversation, message.getJsonObject("data").getString("conversationId"));
    assertEquals("bob@b.test", message.getJsonObject("data").getString("senderId"));
    assertEquals(2, ok(ClientApi.send(nodes.aPort, "POST", "/api/v1/notifications/read", alice, new JsonObject().put("subject", conversation)), 200)
        .getLong("unread"), "opening the conversation reads its messages' notification only");
    assertProblem(400, "invalid-field", ClientApi.send(nodes.aPort, "POST", "/api/v1/notifications/read", alice, new JsonObject().put("subject", "../x y")));
    assertEquals(0, ok(ClientApi.send(nodes.aPort, "POST", "/api/v1/notifications/read", alice, null), 200).getLong("unread"));
    JsonObject read = notifications(nodes.aPort, alice);
    assertEquals(0, read.getLong("unread"));
    assertTrue(read.getJsonArray("notifications").stream().noneMatch(n -> ((JsonObject) n).getBoolean("unread")));

    // A message after the list was read starts a new row for the conversation.
    ok(ClientApi.send(nodes.bPort, "POST", "/api/v1/conversations/" + conversation + "/messages", bob, new JsonObject().put("messageId", "m9")
        .put("payload", bobKeys.encrypt(key, conversation, 1, "m9", "one more"))), 201);
    eventually("a new unread row", () -> notifications(nodes.aPort, alice).getLong("unread") == 1);
    assertEquals(4, notifications(nodes.aPort, alice).getJsonArray("notifications").size());
    await(listener.unregister());
  }

  @Test
  @DisplayName("Each sees only their own list; a bad cursor or no token gets a clear problem")
  void ownListOnly() {
    String frank = ClientApi.session(nodes.aPort, "frank");
    assertEquals(0, notifications(nodes.aPort, frank).getJsonArray("notifications").size());
    assertProblem(400, "invalid-query", ClientApi.send(nodes.aPort, "GET", "/api/v1/notifications?cursor=yesterday", frank, null));
    assertEquals(401, ClientApi.send(nodes.aPort, "GET", "/api/v1/notifications", null, null).statusCode());
  }
}
