package org.openred.accounts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openred.app.OpenRedNode;
import org.openred.testing.ClientApi;
import org.openred.testing.E2eeClient;
import org.openred.testing.TwoNodes;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import static org.openred.testing.Eventually.eventually;
import static org.openred.testing.ClientApi.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.Problems.assertProblem;
import static org.openred.testing.TestNodes.await;

/** Deleting an account on real nodes: its data gone here, its friends' and followers' nodes told, its name never given again. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountDeletionTest {
  private static final String PASSWORD = "correct horse battery";
  private final TwoNodes nodes = new TwoNodes("deletion");

  @AfterAll
  void stop() {
    nodes.close();
  }


  private static JsonObject connections(int port, String token) {
    return ok(ClientApi.send(port, "GET", "/api/v1/connections", token, null), 200);
  }

  private static boolean lists(JsonObject connections, String list, String userId) {
    return connections.getJsonArray(list).stream().map(JsonObject.class::cast).anyMatch(c -> userId.equals(c.getString("userId")));
  }

  private static long count(OpenRedNode node, String sql) {
    return await(SqlTemplate.forQuery(node.database().pool(), sql).execute(Map.of())).iterator().next().getLong(0);
  }


  private void befriend(int fromPort, String from, String target, int targetPort, String targetToken) {
    ok(ClientApi.send(fromPort, "POST", "/api/v1/connections", from, new JsonObject().put("target", target).put("type", "friend")), 201);
    eventually(target + " is asked", () -> !connections(targetPort, targetToken).getJsonArray("incoming").isEmpty());
    String id = connections(targetPort, targetToken).getJsonArray("incoming").getJsonObject(0).getString("id");
    ok(ClientApi.send(targetPort, "POST", "/api/v1/connections/" + id + "/accept", targetToken, null), 200);
  }

  private String conversation(String creatorToken, E2eeClient creator, E2eeClient other) {
    String id = UUID.randomUUID().toString();
    byte[] key = E2eeClient.newSessionKey();
    JsonArray participants = new JsonArray();
    for (E2eeClient member : new E2eeClient[] {creator, other}) {
      participants.add(new JsonObject().put("userId", member.userId)
          .put("encryptedSessionKey", E2eeClient.wrap(key, id, 1, member.userId, member.publicKeys().getString("dh"))));
    }
    ok(ClientApi.send(nodes.aPort, "POST", "/api/v1/conversations", creatorToken,
        new JsonObject().put("conversationId", id).put("keyVersion", 1).put("participants", participants)), 201);
    String messageId = "m-" + UUID.randomUUID();
    ok(ClientApi.send(nodes.aPort, "POST", "/api/v1/conversations/" + id + "/messages", creatorToken, new JsonObject().put("messageId", messageId)
        .put("payload", creator.encrypt(key, id, 1, messageId, "before leaving"))), 201);
    return id;
  }

  @Test
  @DisplayName("Alice deletes her account: her password asked, her sessions ended, her friends' and followers' nodes told, her posts withdrawn, her data gone, her name kept")
  void deleteAccount() throws Exception {
    String alice = ClientApi.session(nodes.aPort, "alice");
    String erin = ClientApi.session(nodes.aPort, "erin");
    String bob = ClientApi.session(nodes.bPort, "bob");
    String carol = ClientApi.session(nodes.bPort, "carol");
    befriend(nodes.aPort, alice, "bob@b.test", nodes.bPort, bob);
    befriend(nodes.aPort, erin, "alice@a.test", nodes.aPort, alice);
    ok(ClientApi.send(nodes.bPort, "POST", "/api/v1/connections", carol, new JsonObject().put("target", "alice@a.test").put("type", "follow")), 201);
    eventually("alice has two friends and a follower", () -> connections(nodes.aPort, alice).getJsonArray("friends").size() == 2
        && connections(nodes.aPort, alice).getJsonArray("followers").size() == 1 && lists(connections(nodes.bPort, bob), "friends", "alice@a.test"));
    ok(ClientApi.send(nodes.aPort, "PUT", "/api/v1/profile", alice, new JsonObject().put("displayName", "Alice")), 200);
    ok(ClientApi.send(nodes.aPort, "POST", "/api/v1/posts", alice, new JsonObject().put("content", "for everyone").put("visibility", "public")), 201);
    ok(ClientApi.send(nodes.aPort, "POST", "/api/v1/posts", alice, new JsonObject().put("content", "for friends").put("visibility", "friends")), 201);
    eventually("B holds both shared posts", () -> count(nodes.b, "SELECT COUNT(*) FROM post_refs WHERE author = 'alice@a.test'") == 2);

    E2eeClient aliceKeys = new E2eeClient("alice@a.test");
    E2eeClient erinKeys = new E2eeClient("erin@a.test");
    E2eeClient bobKeys = new E2eeClient("bob@b.test");
    assertEquals(204, ClientApi.send(nodes.aPort, "PUT", "/api/v1/keys", alice, aliceKeys.publicKeys()).statusCode());
    assertEquals(204, ClientApi.send(nodes.aPort, "PUT", "/api/v1/keys", erin, erinKeys.publicKeys()).statusCode());
    assertEquals(204, ClientApi.send(nodes.bPort, "PUT", "/api/v1/keys", bob, bobKeys.publicKeys()).statusCode());
    String withErin = conversation(alice, aliceKeys, erinKeys);
    String withBob = conversation(alice, aliceKeys, bobKeys);

    HttpResponse<String> uploaded = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + nodes.aPort + "/api/v1/files")).header("Authorization", "Bearer " + alice)
        .header("Upload-Length", "3").header("X-Encrypted-Name", "bmFtZQ").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[3])).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(201, uploaded.statusCode(), uploaded.body());

    assertProblem(400, "invalid-field", ClientApi.send(nodes.aPort, "DELETE", "/api/v1/account", alice, new JsonObject()));
    assertProblem(403, "wrong-password", ClientApi.send(nodes.aPort, "DELETE", "/api/v1/account", alice, new JsonObject().put("password", "not hers")));
    JsonObject deleted = ok(ClientApi.send(nodes.aPort, "DELETE", "/api/v1/account", alice, new JsonObject().put("password", PASSWORD)), 200);
    assertEquals("alice@a.test", deleted.getString("deleted"));

    // Here: no session, no login, no new alice; nothing of hers left but her place marked in erin's conversation.
    assertEquals(401, ClientApi.send(nodes.aPort, "GET", "/api/v1/auth/me", alice, null).statusCode());
    assertEquals(401, ClientApi.send(nodes.aPort, "POST", "/api/v1/auth/login", null, new JsonObject().put("username", "alice").put("password", PASSWORD)).statusCode());
    assertProblem(409, "username-taken", ClientApi.send(nodes.aPort, "POST", "/api/v1/auth/register", null,
        new JsonObject().put("username", "alice").put("password", "someone else's password")));
    assertFalse(lists(connections(nodes.aPort, erin), "friends", "alice@a.test"), "erin's side of the friendship is gone too");
    assertProblem(404, "unknown-user", ClientApi.send(nodes.aPort, "GET", "/api/v1/users/alice@a.test/profile", erin, null));
    for (String sql : new String[] {"SELECT COUNT(*) FROM posts WHERE author = 'alice'", "SELECT COUNT(*) FROM profiles WHERE username = 'alice'",
        "SELECT COUNT(*) FROM connections WHERE owner = 'alice@a.test' OR peer = 'alice@a.test'", "SELECT COUNT(*) FROM users WHERE username = 'alice'",
        "SELECT COUNT(*) FROM notifications WHERE owner = 'alice@a.test'", "SELECT COUNT(*) FROM files WHERE owner = 'alice@a.test'", "SELECT COUNT(*) FROM conversation_keys WHERE user_id = 'alice@a.test'",
        "SELECT COUNT(*) FROM conversations WHERE conversation_id = '" + withBob + "'",
        "SELECT COUNT(*) FROM messages WHERE conversation_id = '" + withBob + "'"}) {
      assertEquals(0, count(nodes.a, sql), sql);
    }
    JsonArray erinsConversations = ok(ClientApi.send(nodes.aPort, "GET", "/api/v1/conversations", erin, null), 200).getJsonArray("conversations");
    JsonObject shared = erinsConversations.stream().map(JsonObject.class::cast).filter(c -> withErin.equals(c.getString("conversationId"))).findFirst().orElseThrow();
    assertTrue(shared.getJsonArray("participants").contains("erin@a.test") && !shared.getJsonArray("participants").contains("alice@a.test"),
        "alice left erin's conversation: " + shared.encode());

    // There: bob is no longer her friend, carol no longer follows her, her shared posts are withdrawn.
    eventually("B learned of it", () -> !lists(connections(nodes.bPort, bob), "friends", "alice@a.test")
        && !lists(connections(nodes.bPort, carol), "following", "alice@a.test")
        && count(nodes.b, "SELECT COUNT(*) FROM post_refs WHERE author = 'alice@a.test'") == 0);
  }
}
