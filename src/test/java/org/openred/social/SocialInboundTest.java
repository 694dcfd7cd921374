package org.openred.social;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.Problems.assertProblem;
import static org.openred.testing.TestNodes.await;

/** The social envelopes of PROTOCOL.md section 5.2 as another node writes them, by hand, to {@code POST /inbox}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SocialInboundTest {
  private final Path dir = TestNodes.tempDir("social-inbound");
  private final FakeNode peer = new FakeNode("peer.test");
  private final OpenRedNode node;
  private final int port;
  private final String bob;

  SocialInboundTest() {
    TestNodes.Spec spec = new TestNodes.Spec().dataDir(dir).flag(Option.DOMAIN, "b.test").flag(Option.PEERS, "peer.test=" + peer.apiUrl());
    port = spec.port();
    node = spec.flag(Option.PUBLIC_URL, "http://127.0.0.1:" + port).start();
    bob = ClientApi.session(port, "bob");
  }

  @AfterAll
  void stop() {
    await(node.close());
    peer.close();
    TestNodes.deleteRecursively(dir);
  }

  private HttpResponse<String> inbox(String type, String from, String to, JsonObject payload) {
    JsonObject envelope = peer.envelope(type, from, "b.test", to, payload);
    URI url = URI.create("http://127.0.0.1:" + port + "/federation/v1/inbox");
    byte[] body = envelope.toBuffer().getBytes();
    return FakeNode.post(url, FakeNode.sign(peer.signingPrivate, peer.domain, "POST", url, body, Clock.systemUTC()), body);
  }

  private JsonObject connections() {
    return new JsonObject(ClientApi.send(port, "GET", "/api/v1/connections", bob, null).body());
  }

  private static boolean lists(JsonObject connections, String list, String userId) {
    return connections.getJsonArray(list).stream().map(JsonObject.class::cast).anyMatch(c -> userId.equals(c.getString("userId")));
  }

  @Test
  @DisplayName("friend_request, repeated, is one request; friend_response rejected withdraws it")
  void friendRequest() {
    assertEquals(202, inbox("friend_request", "zoe", "bob", new JsonObject()).statusCode());
    assertEquals(202, inbox("friend_request", "zoe", "bob", new JsonObject()).statusCode());
    assertEquals(1, connections().getJsonArray("incoming").stream().filter(c -> "zoe@peer.test".equals(((JsonObject) c).getString("userId"))).count());
    assertEquals(202, inbox("friend_response", "zoe", "bob", new JsonObject().put("response", "rejected")).statusCode());
    assertTrue(!lists(connections(), "incoming", "zoe@peer.test"));
  }

  @Test
  @DisplayName("follow is taken at once (bob does not approve followers); unfollow by the follower ends it")
  void follow() {
    assertEquals(202, inbox("follow", "yann", "bob", new JsonObject()).statusCode());
    assertTrue(lists(connections(), "followers", "yann@peer.test"));
    assertEquals(202, inbox("unfollow", "yann", "bob", new JsonObject().put("follower", "yann@peer.test")).statusCode());
    assertTrue(!lists(connections(), "followers", "yann@peer.test"));
  }

  @Test
  @DisplayName("block_notice: the blocked user may no longer ask the blocker, and is told 403")
  void blockNotice() {
    assertEquals(202, inbox("block_notice", "xena", "bob", new JsonObject().put("blocked", true)).statusCode());
    assertProblem(403, "blocked", ClientApi.send(port, "POST", "/api/v1/connections", bob,
        new JsonObject().put("target", "xena@peer.test").put("type", "friend")));
    assertProblem(403, "blocked", inbox("friend_request", "xena", "bob", new JsonObject()));
    assertEquals(202, inbox("block_notice", "xena", "bob", new JsonObject().put("blocked", false)).statusCode());
    assertEquals(202, inbox("friend_request", "xena", "bob", new JsonObject()).statusCode());
  }

  @Test
  @DisplayName("Malformed social envelopes are refused with their reason, and nothing changes")
  void refused() {
    assertProblem(400, "invalid-envelope", inbox("friend_request", "zoe", null, new JsonObject()));
    assertProblem(404, "unknown-user", inbox("friend_request", "zoe", "nobody", new JsonObject()));
    assertProblem(400, "invalid-payload", inbox("friend_response", "zoe", "bob", new JsonObject().put("response", "maybe")));
    assertProblem(400, "invalid-payload", inbox("unfollow", "zoe", "bob", new JsonObject().put("follower", "someone@else.test")));
    assertProblem(400, "invalid-payload", inbox("block_notice", "zoe", "bob", new JsonObject().put("blocked", "yes")));
    assertProblem(400, "unknown-activity", inbox("activity_update", "zoe", "bob", new JsonObject().put("kind", "dance")));
    assertProblem(400, "invalid-payload", inbox("post_share", "zoe", null, new JsonObject()));
    JsonObject share = new JsonObject().put("postId", "p1").put("author", "someone@else.test").put("visibility", "public")
        .put("digest", "A".repeat(43)).put("created_at", "2026-12-01T00:00:00Z").put("updated_at", "2026-12-01T00:00:00Z");
    assertProblem(403, "origin-mismatch", inbox("post_share", "zoe", null, share));
    assertProblem(400, "invalid-payload", inbox("post_share", "zoe", null, share.copy().put("author", "zoe@peer.test").put("visibility", "private")));
    assertProblem(400, "invalid-payload", inbox("post_share", "zoe", null, share.copy().put("author", "zoe@peer.test").put("visibility", "friends")
        .put("excerpt", "friends posts carry no excerpt")));
    assertProblem(400, "invalid-payload", inbox("post_share", "zoe", null, share.copy().put("author", "zoe@peer.test").put("created_at", "yesterday")));
    assertProblem(400, "unsupported-envelope-type", inbox("content_sync", "zoe", "bob", new JsonObject()));
  }
}
