package org.openred.social;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openred.testing.Chat;
import org.openred.testing.ClientApi;
import org.openred.testing.TwoNodes;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.openred.testing.Eventually.eventually;
import static org.openred.testing.ClientApi.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.Problems.assertProblem;
import static org.openred.testing.TestNodes.await;

/**
 * Profiles and the social graph across two real nodes: alice@a.test; bob, carol and dave @b.test.
 * Friend requests, follows (with and without approval), unfriend, blocks, and what a block refuses,
 * as users see them through the client API of their own node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SocialGraphTest {
  private final TwoNodes nodes = new TwoNodes("social");
  private final String alice = ClientApi.session(nodes.aPort, "alice");
  private final String bob = ClientApi.session(nodes.bPort, "bob");
  private final String carol = ClientApi.session(nodes.bPort, "carol");
  private final String dave = ClientApi.session(nodes.bPort, "dave");
  private final String erin = ClientApi.session(nodes.aPort, "erin");

  @AfterAll
  void stop() {
    nodes.close();
  }

  private static HttpResponse<String> call(int port, String token, String method, String path, JsonObject body) {
    return ClientApi.send(port, method, path, token, body);
  }


  private static JsonObject connections(int port, String token) {
    return ok(call(port, token, "GET", "/api/v1/connections", null), 200);
  }

  private static boolean lists(JsonObject connections, String list, String userId) {
    return connections.getJsonArray(list).stream().map(JsonObject.class::cast).anyMatch(c -> userId.equals(c.getString("userId")));
  }

  private static String idIn(JsonObject connections, String list, String userId) {
    return connections.getJsonArray(list).stream().map(JsonObject.class::cast).filter(c -> userId.equals(c.getString("userId")))
        .findFirst().orElseThrow(() -> new AssertionError(userId + " not in " + list + ": " + connections.encode())).getString("id");
  }


  private static JsonObject connect(int port, String token, String target, String type) {
    return ok(call(port, token, "POST", "/api/v1/connections", new JsonObject().put("target", target).put("type", type)), 201)
        .getJsonObject("connection");
  }

  @Test
  @DisplayName("A friend request across nodes: pending on both sides, a live request for bob, accepted, friends on both sides")
  void friendsAcrossNodes() {
    BlockingQueue<JsonObject> live = new LinkedBlockingQueue<>();
    var listener = nodes.b.vertx().eventBus().<JsonObject>consumer("user.bob", message -> live.add(message.body()));
    await(listener.completion());
    JsonObject asked = connect(nodes.aPort, alice, "bob@b.test", "friend");
    assertEquals("pending", asked.getString("state"));
    assertEquals("out", asked.getString("direction"));
    assertTrue(lists(connections(nodes.aPort, alice), "outgoing", "bob@b.test"));
    assertProblem(409, "already-connected", call(nodes.aPort, alice, "POST", "/api/v1/connections",
        new JsonObject().put("target", "bob@b.test").put("type", "friend")));
    eventually("bob sees alice's request", () -> lists(connections(nodes.bPort, bob), "incoming", "alice@a.test"));
    JsonObject request = pollLive(live);
    assertEquals("connection.request", request.getString("type"));
    assertEquals("alice@a.test", request.getString("userId"));
    await(listener.unregister());

    String id = idIn(connections(nodes.bPort, bob), "incoming", "alice@a.test");
    // ATTACKS 20: a connection is its owner's; another user naming its id learns nothing.
    assertProblem(404, "unknown-connection", call(nodes.bPort, carol, "POST", "/api/v1/connections/" + id + "/accept", null));
    assertProblem(404, "unknown-connection", call(nodes.bPort, bob, "POST", "/api/v1/connections/no-such-id/accept", null));
    assertEquals("active", ok(call(nodes.bPort, bob, "POST", "/api/v1/connections/" + id + "/accept", null), 200)
        .getJsonObject("connection").getString("state"));
    assertTrue(lists(connections(nodes.bPort, bob), "friends", "alice@a.test"));
    eventually("alice is bob's friend on A", () -> lists(connections(nodes.aPort, alice), "friends", "bob@b.test"));

    // Unfriending on one side ends it on the other.
    String friendship = idIn(connections(nodes.bPort, bob), "friends", "alice@a.test");
    ok(call(nodes.bPort, bob, "DELETE", "/api/v1/connections/" + friendship, null), 200);
    eventually("alice no longer lists bob", () -> !lists(connections(nodes.aPort, alice), "friends", "bob@b.test"));
  }

  @Test
  @DisplayName("Two local users: a request and its acceptance at once, no federation involved")
  void friendsOnOneNode() {
    connect(nodes.aPort, erin, "alice@a.test", "friend");
    String id = idIn(connections(nodes.aPort, alice), "incoming", "erin@a.test");
    ok(call(nodes.aPort, alice, "POST", "/api/v1/connections/" + id + "/accept", null), 200);
    assertTrue(lists(connections(nodes.aPort, erin), "friends", "alice@a.test"));
    assertTrue(lists(connections(nodes.aPort, alice), "friends", "erin@a.test"));
  }

  @Test
  @DisplayName("Follows: at once without approval; held for approval and refused when the followed user approves followers")
  void follows() {
    JsonObject follow = connect(nodes.bPort, carol, "erin@a.test", "follow");
    assertEquals("pending", follow.getString("state"), "until erin's node answers");
    eventually("carol follows erin", () -> lists(connections(nodes.bPort, carol), "following", "erin@a.test"));
    assertTrue(lists(connections(nodes.aPort, erin), "followers", "carol@b.test"));

    ok(call(nodes.aPort, erin, "PUT", "/api/v1/profile", new JsonObject().put("approveFollowers", true)), 200);
    connect(nodes.bPort, dave, "erin@a.test", "follow");
    eventually("erin is asked", () -> lists(connections(nodes.aPort, erin), "incoming", "dave@b.test"));
    assertTrue(lists(connections(nodes.bPort, dave), "outgoing", "erin@a.test"));
    String id = idIn(connections(nodes.aPort, erin), "incoming", "dave@b.test");
    ok(call(nodes.aPort, erin, "POST", "/api/v1/connections/" + id + "/reject", null), 200);
    eventually("dave's request is gone", () -> !lists(connections(nodes.bPort, dave), "outgoing", "erin@a.test"));

    // A follower removed by the followed user.
    String follower = idIn(connections(nodes.aPort, erin), "followers", "carol@b.test");
    ok(call(nodes.aPort, erin, "DELETE", "/api/v1/connections/" + follower, null), 200);
    eventually("carol no longer follows erin", () -> !lists(connections(nodes.bPort, carol), "following", "erin@a.test"));
  }

  @Test
  @DisplayName("A block ends every connection both ways and refuses requests, follows and conversations from either side")
  void blocks() {
    connect(nodes.bPort, dave, "alice@a.test", "follow");
    eventually("dave follows alice", () -> lists(connections(nodes.bPort, dave), "following", "alice@a.test"));
    ok(call(nodes.aPort, alice, "POST", "/api/v1/blocks", new JsonObject().put("target", "dave@b.test")), 201);
    assertFalse(lists(connections(nodes.aPort, alice), "followers", "dave@b.test"));
    assertTrue(lists(connections(nodes.aPort, alice), "blocked", "dave@b.test"));
    eventually("dave's node learned of the block", () -> !lists(connections(nodes.bPort, dave), "following", "alice@a.test"));
    for (String type : new String[] {"friend", "follow"}) {
      assertProblem(403, "blocked", call(nodes.bPort, dave, "POST", "/api/v1/connections", new JsonObject().put("target", "alice@a.test").put("type", type)));
      assertProblem(403, "blocked", call(nodes.aPort, alice, "POST", "/api/v1/connections", new JsonObject().put("target", "dave@b.test").put("type", type)));
    }
    JsonObject conversation = new JsonObject().put("keyVersion", 1).put("participants", new JsonArray()
        .add(new JsonObject().put("userId", "dave@b.test").put("encryptedSessionKey", Chat.random(92)))
        .add(new JsonObject().put("userId", "alice@a.test").put("encryptedSessionKey", Chat.random(92))));
    assertProblem(403, "blocked", call(nodes.bPort, dave, "POST", "/api/v1/conversations", conversation));
    assertProblem(404, "unknown-user", call(nodes.bPort, dave, "GET", "/api/v1/users/alice@a.test/profile", null));
    assertProblem(404, "unknown-user", call(nodes.aPort, alice, "GET", "/api/v1/users/dave@b.test/profile", null));
    assertProblem(404, "unknown-user", call(nodes.bPort, dave, "GET", "/api/v1/users/alice@a.test/posts", null));
    assertProblem(404, "unknown-user", call(nodes.aPort, alice, "GET", "/api/v1/users/dave@b.test/posts", null));

    ok(call(nodes.aPort, alice, "DELETE", "/api/v1/blocks/dave@b.test", null), 200);
    assertProblem(404, "not-blocked", call(nodes.aPort, alice, "DELETE", "/api/v1/blocks/dave@b.test", null));
    eventually("dave may ask again", () -> call(nodes.bPort, dave, "POST", "/api/v1/connections",
        new JsonObject().put("target", "alice@a.test").put("type", "follow")).statusCode() == 201);
  }

  @Test
  @DisplayName("Search: local users by name or display name, anyone by full user id, never someone blocked either way")
  void search() {
    ok(call(nodes.aPort, erin, "PUT", "/api/v1/profile", new JsonObject().put("displayName", "Erin Brockovich")), 200);
    java.util.function.BiFunction<String, String, java.util.List<String>> found = (token, q) -> ok(call(nodes.aPort, token, "GET",
        "/api/v1/search/users?q=" + java.net.URLEncoder.encode(q, StandardCharsets.UTF_8), null), 200).getJsonArray("users").stream()
        .map(u -> ((JsonObject) u).getString("userId")).toList();
    assertEquals(java.util.List.of("erin@a.test"), found.apply(alice, "eri"));
    assertEquals(java.util.List.of("erin@a.test"), found.apply(alice, "brocko"));
    assertEquals(java.util.List.of(), found.apply(alice, "100%_"), "LIKE's wildcards are text here");
    assertEquals("carol@b.test", ok(call(nodes.aPort, alice, "GET", "/api/v1/search/users?q=carol@b.test", null), 200)
        .getJsonArray("users").getJsonObject(0).getString("userId"), "a full id is asked of its node");
    assertEquals(0, ok(call(nodes.aPort, alice, "GET", "/api/v1/search/users?q=nobody@b.test", null), 200).getJsonArray("users").size());
    ok(call(nodes.aPort, alice, "POST", "/api/v1/blocks", new JsonObject().put("target", "erin@a.test")), 201);
    assertEquals(java.util.List.of(), found.apply(erin, "alice"));
    ok(call(nodes.aPort, alice, "DELETE", "/api/v1/blocks/erin@a.test", null), 200);
    assertEquals(java.util.List.of("alice@a.test"), found.apply(erin, "alice"));
    assertProblem(400, "invalid-query", call(nodes.aPort, alice, "GET", "/api/v1/search/users", null));
  }

  @Test
  @DisplayName("Bad requests get a clear problem: type, target, oneself, unknown users, no token")
  void badRequests() {
    assertProblem(400, "invalid-connection-type", call(nodes.aPort, alice, "POST", "/api/v1/connections",
        new JsonObject().put("target", "bob@b.test").put("type", "enemy")));
    assertProblem(400, "invalid-user-id", call(nodes.aPort, alice, "POST", "/api/v1/connections",
        new JsonObject().put("target", "not a user").put("type", "friend")));
    assertProblem(400, "self-connection", call(nodes.aPort, alice, "POST", "/api/v1/connections",
        new JsonObject().put("target", "alice@a.test").put("type", "friend")));
    assertProblem(404, "unknown-user", call(nodes.aPort, alice, "POST", "/api/v1/connections",
        new JsonObject().put("target", "nobody@a.test").put("type", "follow")));
    assertProblem(401, "missing-token", call(nodes.aPort, null, "GET", "/api/v1/connections", null));
    assertProblem(400, "invalid-field", call(nodes.aPort, alice, "PUT", "/api/v1/profile", new JsonObject().put("displayName", "two\nlines")));
    assertProblem(400, "invalid-field", call(nodes.aPort, alice, "PUT", "/api/v1/profile", new JsonObject().put("displayName", "x".repeat(65))));
    assertProblem(400, "invalid-field", call(nodes.aPort, alice, "PUT", "/api/v1/profile", new JsonObject().put("approveFollowers", "yes")));
    assertProblem(404, "unknown-user", call(nodes.aPort, alice, "GET", "/api/v1/users/nobody@b.test/profile", null));
  }

  @Test
  @DisplayName("Profiles: one's own edited, read by a user of another node through a signed federation read, and fresh after a change")
  void profiles() {
    connect(nodes.bPort, carol, "alice@a.test", "follow");
    eventually("carol follows alice", () -> lists(connections(nodes.bPort, carol), "following", "alice@a.test"));
    JsonObject mine = ok(call(nodes.aPort, alice, "PUT", "/api/v1/profile", new JsonObject().put("displayName", "Alice Liddell")
        .put("bio", "Curiouser and curiouser.\nDown the rabbit hole.")), 200);
    assertEquals("Alice Liddell", mine.getString("displayName"));
    JsonObject seen = ok(call(nodes.bPort, carol, "GET", "/api/v1/users/alice@a.test/profile", null), 200);
    assertEquals("alice@a.test", seen.getString("userId"));
    assertEquals("Curiouser and curiouser.\nDown the rabbit hole.", seen.getString("bio"));
    assertFalse(seen.containsKey("approveFollowers"), "another user's settings are theirs");
    BlockingQueue<JsonObject> live = new LinkedBlockingQueue<>();
    var listener = nodes.b.vertx().eventBus().<JsonObject>consumer("user.carol", message -> live.add(message.body()));
    await(listener.completion());
    ok(call(nodes.aPort, alice, "PUT", "/api/v1/profile", new JsonObject().put("displayName", "Alice L.")), 200);
    JsonObject changed = pollLive(live);
    assertEquals("profile.updated", changed.getString("type"), "carol's open app hears of it");
    assertEquals("alice@a.test", changed.getString("userId"));
    await(listener.unregister());
    assertEquals("Alice L.", ok(call(nodes.bPort, carol, "GET", "/api/v1/users/alice@a.test/profile", null), 200).getString("displayName"),
        "carol's node dropped its copy before telling her");
  }

  @Test
  @DisplayName("Avatars: decoded and encoded again (nothing but pixels survives), at most 256 px, refused when not a PNG or JPEG; served across nodes")
  void avatars() throws Exception {
    BufferedImage picture = new BufferedImage(600, 300, BufferedImage.TYPE_INT_RGB);
    picture.getGraphics().fillRect(10, 10, 100, 100);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(picture, "png", png);
    byte[] polyglot = (new String(png.toByteArray(), StandardCharsets.ISO_8859_1) + "<script>alert(1)</script>").getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(200, upload(nodes.aPort, alice, "image/png", polyglot).statusCode());
    HttpResponse<byte[]> served = image(nodes.aPort, alice, "alice@a.test");
    assertEquals("image/png", served.headers().firstValue("Content-Type").orElse(null));
    assertEquals("nosniff", served.headers().firstValue("X-Content-Type-Options").orElse(null));
    assertFalse(new String(served.body(), StandardCharsets.ISO_8859_1).contains("<script>"), "the trailing script is gone");
    BufferedImage stored = ImageIO.read(new ByteArrayInputStream(served.body()));
    assertEquals(256, stored.getWidth());
    assertEquals(128, stored.getHeight());
    HttpResponse<byte[]> remote = image(nodes.bPort, carol, "alice@a.test");
    assertEquals(200, remote.statusCode());
    assertNotNull(ImageIO.read(new ByteArrayInputStream(remote.body())), "bob's node serves it, encoded again");
    assertTrue(ok(call(nodes.bPort, carol, "GET", "/api/v1/users/alice@a.test/profile", null), 200).getBoolean("hasAvatar"));

    // A large picture (a phone's photo size) is decoded subsampled and still comes out 256 px wide.
    ByteArrayOutputStream large = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(4000, 3000, BufferedImage.TYPE_INT_RGB), "png", large);
    assertEquals(200, upload(nodes.aPort, alice, "image/png", large.toByteArray()).statusCode());
    assertEquals(256, ImageIO.read(new ByteArrayInputStream(image(nodes.aPort, alice, "alice@a.test").body())).getWidth());
    assertProblem(415, "unsupported-media-type", ClientApi.send(nodes.aPort, "PUT", "/api/v1/profile/avatar", alice, new JsonObject()));
    assertEquals(415, upload(nodes.aPort, alice, "image/png", "GIF89a not a png".getBytes(StandardCharsets.US_ASCII)).statusCode());
    byte[] broken = java.util.Arrays.copyOf(png.toByteArray(), 60);
    HttpResponse<String> bad = upload(nodes.aPort, alice, "image/png", broken);
    assertEquals(400, bad.statusCode(), bad.body());
    assertEquals(413, upload(nodes.aPort, alice, "image/jpeg", new byte[1024 * 1024 + 1]).statusCode());
    ok(call(nodes.aPort, alice, "DELETE", "/api/v1/profile/avatar", null), 200);
    assertProblem(404, "no-avatar", call(nodes.aPort, alice, "GET", "/api/v1/users/alice@a.test/avatar", null));
  }

  private static HttpResponse<String> upload(int port, String token, String type, byte[] bytes) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/profile/avatar"))
        .header("Authorization", "Bearer " + token).header("Content-Type", type)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<byte[]> image(int port, String token, String userId) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/users/" + userId + "/avatar"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonObject pollLive(BlockingQueue<JsonObject> live) {
    try {
      JsonObject event = live.poll(10, TimeUnit.SECONDS);
      assertNotNull(event, "no live event");
      return event;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
