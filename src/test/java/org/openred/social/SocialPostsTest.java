package org.openred.social;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openred.app.OpenRedNode;
import org.openred.config.Option;
import org.openred.testing.ClientApi;
import org.openred.testing.FakeNode;
import org.openred.testing.TestNodes;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.openred.testing.Eventually.eventually;
import static org.openred.testing.ClientApi.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.Problems.assertProblem;
import static org.openred.testing.TestNodes.await;

/**
 * Posts whose content stays home (seed 000 flow 3), on real nodes: alice@a.test and bob@b.test are
 * friends, carol@b.test follows alice, dave@c.test (a hand-signing node) is nobody's friend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SocialPostsTest {
  private final Path aDir = TestNodes.tempDir("posts-a");
  private final Path bDir = TestNodes.tempDir("posts-b");
  private final FakeNode c = new FakeNode("c.test");
  private OpenRedNode a;
  private OpenRedNode b;
  private int aPort;
  private int bPort;
  private String alice;
  private String bob;
  private String carol;

  @BeforeAll
  void start() {
    TestNodes.Spec aSpec = new TestNodes.Spec().dataDir(aDir).flag(Option.DOMAIN, "a.test");
    TestNodes.Spec bSpec = new TestNodes.Spec().dataDir(bDir).flag(Option.DOMAIN, "b.test");
    aPort = aSpec.port();
    bPort = bSpec.port();
    a = aSpec.flag(Option.PUBLIC_URL, "http://127.0.0.1:" + aPort)
        .flag(Option.PEERS, "b.test=http://127.0.0.1:" + bPort + ",c.test=" + c.apiUrl()).start();
    b = bSpec.flag(Option.PUBLIC_URL, "http://127.0.0.1:" + bPort).flag(Option.PEERS, "a.test=http://127.0.0.1:" + aPort).start();
    alice = ClientApi.session(aPort, "alice");
    bob = ClientApi.session(bPort, "bob");
    carol = ClientApi.session(bPort, "carol");
    ok(call(aPort, alice, "POST", "/api/v1/connections", new JsonObject().put("target", "bob@b.test").put("type", "friend")), 201);
    eventually("bob is asked", () -> !connections(bPort, bob).getJsonArray("incoming").isEmpty());
    String id = connections(bPort, bob).getJsonArray("incoming").getJsonObject(0).getString("id");
    ok(call(bPort, bob, "POST", "/api/v1/connections/" + id + "/accept", null), 200);
    ok(call(bPort, carol, "POST", "/api/v1/connections", new JsonObject().put("target", "alice@a.test").put("type", "follow")), 201);
    eventually("alice's friendship and follower on both sides", () -> connections(aPort, alice).getJsonArray("friends").size() == 1
        && connections(aPort, alice).getJsonArray("followers").size() == 1 && connections(bPort, carol).getJsonArray("following").size() == 1);
  }

  @AfterAll
  void stop() {
    await(a.close());
    await(b.close());
    c.close();
    TestNodes.deleteRecursively(aDir);
    TestNodes.deleteRecursively(bDir);
  }

  private static HttpResponse<String> call(int port, String token, String method, String path, JsonObject body) {
    return ClientApi.send(port, method, path, token, body);
  }


  private static JsonObject connections(int port, String token) {
    return ok(call(port, token, "GET", "/api/v1/connections", null), 200);
  }


  private String post(String content, String visibility) {
    return ok(call(aPort, alice, "POST", "/api/v1/posts", new JsonObject().put("content", content).put("visibility", visibility)), 201)
        .getJsonObject("post").getString("postId");
  }

  /** The feed item for a post, or null. */
  private static JsonObject inFeed(int port, String token, String postId) {
    return ok(call(port, token, "GET", "/api/v1/feed", null), 200).getJsonArray("posts").stream().map(JsonObject.class::cast)
        .filter(p -> postId.equals(p.getString("postId"))).findFirst().orElse(null);
  }

  private HttpResponse<String> fetchAs(String reader, String postId) {
    URI url = URI.create("http://127.0.0.1:" + aPort + "/federation/v1/posts/" + postId + "?reader=" + reader);
    return FakeNode.get(url, FakeNode.sign(c.signingPrivate, "c.test", "GET", url, null, Clock.systemUTC()));
  }

  private long refsAtB(String sql) {
    return await(SqlTemplate.forQuery(b.database().pool(), sql).execute(Map.of())).iterator().next().getLong(0);
  }

  @Test
  @DisplayName("A friends post reaches bob's feed with its content, not carol's; a public one both; a private one nobody; the content never lands on B")
  void visibility() {
    BlockingQueue<JsonObject> live = new LinkedBlockingQueue<>();
    var listener = b.vertx().eventBus().<JsonObject>consumer("user.bob", message -> live.add(message.body()));
    await(listener.completion());
    String friends = post("For my friends only", "friends");
    String everyone = post("Hello, world", "public");
    String mine = post("Note to self", "private");

    eventually("bob sees the friends post", () -> inFeed(bPort, bob, friends) != null);
    assertEquals("For my friends only", inFeed(bPort, bob, friends).getString("content"), "fetched from A on demand");
    eventually("bob sees the public post", () -> inFeed(bPort, bob, everyone) != null);
    eventually("carol sees the public post", () -> inFeed(bPort, carol, everyone) != null);
    assertEquals("Hello, world", inFeed(bPort, carol, everyone).getString("content"));
    assertNull(inFeed(bPort, carol, friends), "carol only follows alice");
    assertNull(inFeed(bPort, bob, mine));
    assertEquals("Note to self", inFeed(aPort, alice, mine).getString("content"));
    assertProblem(404, "unknown-post", call(bPort, carol, "GET", "/api/v1/posts/" + friends, null));
    assertEquals("For my friends only", ok(call(bPort, bob, "GET", "/api/v1/posts/" + friends, null), 200).getJsonObject("post").getString("content"));

    JsonObject event = poll(live);
    assertEquals("post.new", event.getString("type"));
    assertEquals("alice@a.test", event.getString("author"));
    await(listener.unregister());
    // B keeps metadata only: two refs (the private post never left A), an excerpt for the public one only.
    assertEquals(0, refsAtB("SELECT COUNT(*) FROM post_refs WHERE post_id = '" + mine + "'"));
    assertEquals(1, refsAtB("SELECT COUNT(*) FROM post_refs WHERE post_id = '" + friends + "' AND excerpt IS NULL"));
    assertEquals(1, refsAtB("SELECT COUNT(*) FROM post_refs WHERE post_id = '" + everyone + "' AND excerpt = 'Hello, world'"));
  }

  @Test
  @DisplayName("The author's node decides who reads: dave@c.test is refused a friends post even with a valid node signature; no node reads for another's user")
  void originDecides() {
    String friends = post("Friends only, again", "friends");
    String everyone = post("Anyone may read this", "public");
    String mine = post("Mine alone", "private");
    assertProblem(403, "forbidden", fetchAs("dave@c.test", friends));
    assertEquals("Anyone may read this", new JsonObject(fetchAs("dave@c.test", everyone).body()).getString("content"));
    assertProblem(403, "forbidden", fetchAs("dave@c.test", mine));
    assertProblem(403, "reader-mismatch", fetchAs("bob@b.test", friends));
    assertProblem(404, "unknown-post", fetchAs("dave@c.test", "no-such-post"));
  }

  @Test
  @DisplayName("Unfriended, bob loses the friends post: his node hides it and alice's node refuses it (403)")
  void unfriended() {
    // On a second pair so the other tests keep their friendship: erin@a.test and frank@b.test.
    String erin = ClientApi.session(aPort, "erin");
    String frank = ClientApi.session(bPort, "frank");
    ok(call(aPort, erin, "POST", "/api/v1/connections", new JsonObject().put("target", "frank@b.test").put("type", "friend")), 201);
    eventually("frank is asked", () -> !connections(bPort, frank).getJsonArray("incoming").isEmpty());
    ok(call(bPort, frank, "POST", "/api/v1/connections/" + connections(bPort, frank).getJsonArray("incoming").getJsonObject(0).getString("id")
        + "/accept", null), 200);
    eventually("friends on A", () -> !connections(aPort, erin).getJsonArray("friends").isEmpty());
    String secret = ok(call(aPort, erin, "POST", "/api/v1/posts", new JsonObject().put("content", "Between us").put("visibility", "friends")), 201)
        .getJsonObject("post").getString("postId");
    eventually("frank reads it", () -> inFeed(bPort, frank, secret) != null && "Between us".equals(inFeed(bPort, frank, secret).getString("content")));

    ok(call(bPort, frank, "DELETE", "/api/v1/connections/" + connections(bPort, frank).getJsonArray("friends").getJsonObject(0).getString("id"), null), 200);
    eventually("erin's node knows", () -> connections(aPort, erin).getJsonArray("friends").isEmpty());
    assertNull(inFeed(bPort, frank, secret));
    assertProblem(404, "unknown-post", call(bPort, frank, "GET", "/api/v1/posts/" + secret, null));
    Throwable refused = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class, () -> await(a.vertx().eventBus().request(
        SocialAddresses.POST_SERVE, new JsonObject().put("postId", secret).put("reader", "frank@b.test").put("origin", "b.test"))));
    assertTrue(refused.getMessage().startsWith("forbidden"), refused.getMessage());
  }

  @Test
  @DisplayName("Edits and deletes reach the same nodes: bob reads the new text; a deleted post is gone at the origin at once and from the feeds")
  void editAndDelete() {
    String id = post("First draft", "public");
    eventually("bob sees it", () -> inFeed(bPort, bob, id) != null);
    ok(call(aPort, alice, "PUT", "/api/v1/posts/" + id, new JsonObject().put("content", "Second draft")), 200);
    eventually("bob reads the edit", () -> "Second draft".equals(inFeed(bPort, bob, id).getString("content")));
    assertProblem(404, "unknown-post", call(bPort, bob, "PUT", "/api/v1/posts/" + id, new JsonObject().put("content", "mine now")));
    ok(call(aPort, alice, "DELETE", "/api/v1/posts/" + id, null), 200);
    assertProblem(404, "unknown-post", call(aPort, alice, "GET", "/api/v1/posts/" + id, null));
    assertProblem(404, "unknown-post", fetchAs("dave@c.test", id));
    eventually("gone from bob's feed", () -> inFeed(bPort, bob, id) == null);
  }

  @Test
  @DisplayName("Likes and replies: bob's reach alice's node and are counted there, shown with the post; carol may not react to a friends post")
  void likesAndReplies() {
    BlockingQueue<JsonObject> live = new LinkedBlockingQueue<>();
    var listener = a.vertx().eventBus().<JsonObject>consumer("user.alice", message -> live.add(message.body()));
    await(listener.completion());
    String id = post("Do you like it?", "friends");
    eventually("bob sees it", () -> inFeed(bPort, bob, id) != null);
    ok(call(bPort, bob, "POST", "/api/v1/posts/" + id + "/likes", null), 200);
    ok(call(bPort, bob, "POST", "/api/v1/posts/" + id + "/replies", new JsonObject().put("content", "I do")), 201);
    eventually("alice's node counted them", () -> {
      JsonObject mine = ok(call(aPort, alice, "GET", "/api/v1/posts/" + id, null), 200).getJsonObject("post");
      return mine.getLong("likes") == 1 && mine.getJsonArray("replies").size() == 1;
    });
    JsonObject reaction = poll(live);
    assertEquals("post.reaction", reaction.getString("type"));
    await(listener.unregister());
    JsonObject seen = ok(call(bPort, bob, "GET", "/api/v1/posts/" + id, null), 200).getJsonObject("post");
    assertTrue(seen.getBoolean("liked"));
    assertEquals("bob@b.test", seen.getJsonArray("replies").getJsonObject(0).getString("author"));
    assertEquals("I do", seen.getJsonArray("replies").getJsonObject(0).getString("content"));
    assertProblem(404, "unknown-post", call(bPort, carol, "POST", "/api/v1/posts/" + id + "/likes", null));
    ok(call(bPort, bob, "DELETE", "/api/v1/posts/" + id + "/likes", null), 200);
    eventually("the like is withdrawn", () -> ok(call(aPort, alice, "GET", "/api/v1/posts/" + id, null), 200).getJsonObject("post").getLong("likes") == 0);
    assertProblem(400, "invalid-content", call(bPort, bob, "POST", "/api/v1/posts/" + id + "/replies", new JsonObject().put("content", "")));
  }

  @Test
  @DisplayName("A follower on the author's own node: public posts in the feed at once, friends posts not")
  void localFollower() {
    String gina = ClientApi.session(aPort, "gina");
    ok(call(aPort, gina, "POST", "/api/v1/connections", new JsonObject().put("target", "alice@a.test").put("type", "follow")), 201);
    String everyone = post("Seen by local followers", "public");
    String friends = post("Not for followers", "friends");
    assertEquals("Seen by local followers", inFeed(aPort, gina, everyone).getString("content"));
    assertNull(inFeed(aPort, gina, friends));
    assertProblem(404, "unknown-post", call(aPort, gina, "GET", "/api/v1/posts/" + friends, null));
  }

  @Test
  @DisplayName("An author's page: everything to the author, public and friends posts to a friend on another node, public ones to a follower")
  void authorPage() {
    String everyone = post("On alice's page for all", "public");
    String friends = post("On alice's page for friends", "friends");
    String mine = post("On alice's page for alice", "private");
    eventually("B holds both shared posts", () -> refsAtB("SELECT COUNT(*) FROM post_refs WHERE post_id IN ('" + everyone + "', '" + friends + "')") == 2);
    assertEquals(List.of(mine, friends, everyone), idsOnPage(aPort, alice, "alice@a.test").subList(0, 3));
    List<String> bobSees = idsOnPage(bPort, bob, "alice@a.test");
    assertTrue(bobSees.containsAll(List.of(friends, everyone)) && !bobSees.contains(mine), bobSees.toString());
    JsonObject first = ok(call(bPort, bob, "GET", "/api/v1/users/alice@a.test/posts", null), 200).getJsonArray("posts").getJsonObject(0);
    assertEquals("On alice's page for friends", first.getString("content"), "the content read from alice's node");
    List<String> carolSees = idsOnPage(bPort, carol, "alice@a.test");
    assertTrue(carolSees.contains(everyone) && !carolSees.contains(friends) && !carolSees.contains(mine), carolSees.toString());
    assertProblem(400, "invalid-query", call(bPort, bob, "GET", "/api/v1/users/alice@a.test/posts?cursor=2026", null));
  }

  private static List<String> idsOnPage(int port, String token, String author) {
    return ok(call(port, token, "GET", "/api/v1/users/" + author + "/posts", null), 200).getJsonArray("posts").stream()
        .map(p -> ((JsonObject) p).getString("postId")).toList();
  }

  @Test
  @DisplayName("Feed pages follow each other without a gap or a repeat, even through posts of the same millisecond")
  void pages() {
    String hank = ClientApi.session(aPort, "hank");
    ClientApi.session(aPort, "ivy");
    ok(call(aPort, hank, "POST", "/api/v1/connections", new JsonObject().put("target", "ivy@a.test").put("type", "follow")), 201);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      rows.add(Map.of("id", "same-instant-" + i, "at", i < 60 ? "2026-03-01T12:00:00.000Z" : "2026-03-01T11:00:00.000Z"));
    }
    await(SqlTemplate.forUpdate(a.database().pool(), "INSERT INTO posts (id, author, content, visibility, created_at, updated_at) "
        + "VALUES (#{id}, 'ivy', 'same instant', 'public', #{at}, #{at})").executeBatch(rows));
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = ok(call(aPort, hank, "GET", "/api/v1/feed" + (cursor == null ? "" : "?cursor=" + cursor), null), 200);
      page.getJsonArray("posts").forEach(item -> seen.add(((JsonObject) item).getString("postId")));
      cursor = page.getString("next");
      pages++;
    } while (cursor != null && pages < 10);
    assertEquals(120, seen.size(), "every post once: " + seen);
    assertEquals(120, new java.util.HashSet<>(seen).size(), "no post twice");
    assertEquals(3, pages);
  }

  @Test
  @DisplayName("Bad posts get a clear problem: empty, too long, unknown visibility, a bad cursor")
  void badPosts() {
    assertProblem(400, "invalid-content", call(aPort, alice, "POST", "/api/v1/posts", new JsonObject().put("content", "  ")));
    assertProblem(400, "invalid-content", call(aPort, alice, "POST", "/api/v1/posts", new JsonObject().put("content", "x".repeat(5001))));
    assertProblem(400, "invalid-visibility", call(aPort, alice, "POST", "/api/v1/posts", new JsonObject().put("content", "hi").put("visibility", "everyone")));
    assertProblem(400, "invalid-query", call(aPort, alice, "GET", "/api/v1/feed?cursor=yesterday", null));
    assertEquals("friends", ok(call(aPort, alice, "POST", "/api/v1/posts", new JsonObject().put("content", "default")), 201)
        .getJsonObject("post").getString("visibility"), "friends unless said otherwise");
  }

  private static JsonObject poll(BlockingQueue<JsonObject> live) {
    try {
      JsonObject event = live.poll(10, TimeUnit.SECONDS);
      if (event == null) {
        throw new AssertionError("no live event");
      }
      return event;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
