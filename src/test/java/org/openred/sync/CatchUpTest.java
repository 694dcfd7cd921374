package org.openred.sync;

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
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.openred.testing.ClientApi.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.Problems.assertProblem;
import static org.openred.testing.TestNodes.await;

/**
 * Catch-up: b.test is away longer than a.test's outbox retries, comes back and gets exactly what it
 * missed, once, through content_sync; and a new follower's node is given the author's recent posts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatchUpTest {
  private final Path aDir = TestNodes.tempDir("sync-a");
  private final Path bDir = TestNodes.tempDir("sync-b");
  private final FakeNode c = new FakeNode("c.test");
  private final int bPort = TestNodes.stablePort();
  private OpenRedNode a;
  private OpenRedNode b;
  private int aPort;
  private String alice;
  private String carol;

  private TestNodes.Spec bSpec() {
    return new TestNodes.Spec().dataDir(bDir).flag(Option.DOMAIN, "b.test").flag(Option.HTTP_PORT, Integer.toString(bPort))
        .flag(Option.PUBLIC_URL, "http://127.0.0.1:" + bPort).flag(Option.PEERS, "a.test=http://127.0.0.1:" + aPort)
        .flag(Option.SET, "sync.interval-seconds=5");
  }

  @BeforeAll
  void start() {
    TestNodes.Spec aSpec = new TestNodes.Spec().dataDir(aDir).flag(Option.DOMAIN, "a.test");
    aPort = aSpec.port();
    a = aSpec.flag(Option.PUBLIC_URL, "http://127.0.0.1:" + aPort)
        .flag(Option.PEERS, "b.test=http://127.0.0.1:" + bPort + ",c.test=" + c.apiUrl()).start();
    b = bSpec().start();
    alice = ClientApi.session(aPort, "alice");
    carol = ClientApi.session(bPort, "carol");
    ok(ClientApi.send(bPort, "POST", "/api/v1/connections", carol, new JsonObject().put("target", "alice@a.test").put("type", "follow")), 201);
    eventually("carol follows alice", () -> !ok(ClientApi.send(bPort, "GET", "/api/v1/connections", carol, null), 200)
        .getJsonArray("following").isEmpty());
  }

  @AfterAll
  void stop() {
    await(a.close());
    await(b.close());
    c.close();
    TestNodes.deleteRecursively(aDir);
    TestNodes.deleteRecursively(bDir);
  }


  private static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not in time: " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static long count(OpenRedNode node, String sql) {
    return await(SqlTemplate.forQuery(node.database().pool(), sql).execute(Map.of())).iterator().next().getLong(0);
  }

  private boolean inCarolsFeed(String postId) {
    return ok(ClientApi.send(bPort, "GET", "/api/v1/feed", carol, null), 200).getJsonArray("posts").stream()
        .anyMatch(p -> postId.equals(((JsonObject) p).getString("postId")) && ((JsonObject) p).getString("content") != null);
  }

  @Test
  @DisplayName("B away past the retry window, then back: content_sync brings exactly the post it missed, applied once")
  void awayAndBack() throws Exception {
    await(b.close());
    String postId = ok(ClientApi.send(aPort, "POST", "/api/v1/posts", alice, new JsonObject().put("content", "While you were away")
        .put("visibility", "public")), 201).getJsonObject("post").getString("postId");
    eventually("a.test queued it for b.test", () -> count(a, "SELECT COUNT(*) FROM outbox WHERE destination = 'b.test'") > 0);
    // What seven days of retries leave behind: the outbox gave up on b.test.
    await(SqlTemplate.forUpdate(a.database().pool(), "UPDATE outbox SET status = 'failed' WHERE destination = 'b.test'").execute(Map.of()));

    b = bSpec().start();
    eventually("carol's feed has the missed post", () -> inCarolsFeed(postId));
    String share = "SELECT COUNT(*) FROM post_refs WHERE post_id = '" + postId + "'";
    assertEquals(1, count(b, share));
    assertTrue(count(b, "SELECT COUNT(*) FROM sync_cursors WHERE domain = 'a.test'") == 1);
    long received = count(b, "SELECT COUNT(*) FROM inbound_envelopes");
    // Another round (every 5 s here) asks from the cursor: nothing again, nothing twice.
    Thread.sleep(6_000);
    assertEquals(received, count(b, "SELECT COUNT(*) FROM inbound_envelopes"));
    assertEquals(1, count(b, share));
  }

  @Test
  @DisplayName("A new follower's node gets the author's recent public posts; a friends post stays with friends")
  void backfill() {
    String dave = ClientApi.session(bPort, "dave");
    String older = ok(ClientApi.send(aPort, "POST", "/api/v1/posts", alice, new JsonObject().put("content", "Before you came")
        .put("visibility", "public")), 201).getJsonObject("post").getString("postId");
    String friendsOnly = ok(ClientApi.send(aPort, "POST", "/api/v1/posts", alice, new JsonObject().put("content", "Friends only")
        .put("visibility", "friends")), 201).getJsonObject("post").getString("postId");
    ok(ClientApi.send(bPort, "POST", "/api/v1/connections", dave, new JsonObject().put("target", "alice@a.test").put("type", "follow")), 201);
    eventually("dave sees alice's earlier post", () -> ok(ClientApi.send(bPort, "GET", "/api/v1/feed", dave, null), 200).getJsonArray("posts")
        .stream().anyMatch(p -> older.equals(((JsonObject) p).getString("postId"))));
    assertEquals(0, count(b, "SELECT COUNT(*) FROM post_refs WHERE post_id = '" + friendsOnly + "'"));
  }

  @Test
  @DisplayName("content_sync answers a node what was addressed to it only, and refuses a bad cursor or another node's name")
  void contentSyncContract() {
    URI url = URI.create("http://127.0.0.1:" + aPort + "/federation/v1/content_sync");
    JsonObject asked = c.envelope("content_sync", null, "a.test", null, new JsonObject().putNull("since"));
    byte[] body = asked.toBuffer().getBytes();
    JsonObject answer = new JsonObject(FakeNode.post(url, FakeNode.sign(c.signingPrivate, "c.test", "POST", url, body, Clock.systemUTC()), body).body());
    assertEquals(0, answer.getJsonArray("events").size(), "nothing was ever sent to c.test");
    assertTrue(answer.getString("next") != null);
    byte[] bad = c.envelope("content_sync", null, "a.test", null, new JsonObject().put("since", "not a cursor")).toBuffer().getBytes();
    assertProblem(400, "invalid-cursor", FakeNode.post(url, FakeNode.sign(c.signingPrivate, "c.test", "POST", url, bad, Clock.systemUTC()), bad));
    JsonObject pretending = c.envelope("content_sync", null, "a.test", null, new JsonObject().putNull("since"));
    pretending.getJsonObject("from").put("domain", "b.test");
    byte[] other = pretending.toBuffer().getBytes();
    assertProblem(403, "origin-mismatch", FakeNode.post(url, FakeNode.sign(c.signingPrivate, "c.test", "POST", url, other, Clock.systemUTC()), other));
  }
}
