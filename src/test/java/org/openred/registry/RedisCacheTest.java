package org.openred.registry;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openred.config.Option;
import org.openred.config.Role;
import org.openred.app.OpenRedNode;
import org.openred.testing.FakeNode;
import org.openred.testing.RawHttp;
import org.openred.testing.TestNodes;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.openred.testing.TestNodes.await;

/** Two registry instances sharing one PostgreSQL schema and the real Redis. */
class RedisCacheTest {
  private static final String REDIS = System.getenv().getOrDefault("OPENRED_TEST_REDIS", "redis://127.0.0.1:6379");
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final RedisAPI redis = RedisAPI.api(Redis.createClient(vertx, REDIS));
  private final String masterKey = org.openred.crypto.B64u.encode(randomSecret());
  private String db;

  @AfterEach
  void stop() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
    redis.close();
    await(vertx.close());
    if (db != null) {
      TestNodes.dropPostgresSchema(db);
    }
  }

  private int registry() {
    Path dir = TestNodes.tempDir("redis");
    TestNodes.Spec spec = new TestNodes.Spec().role(Role.REGISTRY).dataDir(dir).flag(Option.DB, db).flag(Option.REDIS, REDIS)
        .flag(Option.DOMAIN, "registry.test").flag(Option.ALLOW_PRIVATE_URLS, "true").env(Option.MASTER_KEY, masterKey);
    OpenRedNode node = spec.start();
    cleanup.add(() -> {
      await(node.close());
      TestNodes.deleteRecursively(dir);
    });
    return spec.port();
  }

  private String cached(String key) {
    var reply = await(redis.get("openred:" + key));
    return reply == null ? null : reply.toString();
  }

  private static RawHttp.Response register(int port, FakeNode node, JsonObject registration, Map<String, String> signature) {
    return RawHttp.postAs(port, "registry.test", "/api/v1/nodes/register", signature, registration.toBuffer().getBytes());
  }

  private static Map<String, String> sign(FakeNode node, JsonObject registration) {
    return node.sign("POST", URI.create("http://registry.test/api/v1/nodes/register"), registration.toBuffer().getBytes());
  }

  private static byte[] randomSecret() {
    byte[] secret = new byte[32];
    new java.security.SecureRandom().nextBytes(secret);
    return secret;
  }

  @Test
  @DisplayName("Discovery answers are cached in Redis and dropped on registration; a replay is refused by the other instance")
  void sharedCacheAndReplay() {
    db = TestNodes.createPostgresSchema();
    int first = registry();
    int second = registry();
    FakeNode a = new FakeNode("a.redis.test");
    cleanup.add(a);
    String domainKey = "discover:domain:a.redis.test";
    await(redis.del(List.of("openred:" + domainKey)));

    JsonObject registration = a.registration();
    Map<String, String> signature = sign(a, registration);
    assertEquals(201, register(first, a, registration, signature).status());
    // The same signed request at the other instance: the nonce is in the shared Redis.
    RawHttp.Response replay = register(second, a, registration, signature);
    assertEquals(401, replay.status(), replay.body());
    assertEquals("replayed", replay.json().getString("type"));

    URI discover = URI.create("http://127.0.0.1:" + second + "/api/v1/nodes/discover?domain=a.redis.test");
    assertEquals(a.nodeId, new JsonObject(FakeNode.get(discover).body()).getJsonArray("nodes").getJsonObject(0).getString("node_id"));
    assertNotNull(cached(domainKey), "the answer is cached in Redis");
    assertEquals(a.nodeId, new JsonObject(cached(domainKey)).getString("node_id"));

    JsonObject moved = a.registration().put("domain", "a2.redis.test");
    a.serve(() -> new JsonObject(a.keyDocument()).put("domain", "a2.redis.test").encode());
    assertEquals(200, register(first, a, moved, sign(a, moved)).status());
    assertNull(cached(domainKey), "registration invalidated the cached answer");
    assertEquals(0, new JsonObject(FakeNode.get(discover).body()).getJsonArray("nodes").size());
  }
}
