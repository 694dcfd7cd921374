package org.openred.discovery;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openred.kernel.Addresses;
import org.openred.config.Option;
import org.openred.config.Role;
import org.openred.app.OpenRedNode;
import org.openred.testing.Dnsmasq;
import org.openred.testing.FakeNode;
import org.openred.testing.TestCa;
import org.openred.testing.TestNodes;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;

/** Discovery through real DNS (dnsmasq), a real registry and real nodes on loopback. */
class DiscoveryTest {
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final Dnsmasq dns = new Dnsmasq();

  @AfterEach
  void stop() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
    dns.close();
  }

  private OpenRedNode node(TestNodes.Spec spec) {
    Path dir = TestNodes.tempDir("discovery");
    OpenRedNode node = spec.dataDir(dir).flag(Option.DNS, dns.address()).flag(Option.ALLOW_PRIVATE_URLS, "true").start();
    cleanup.add(() -> {
      await(node.close());
      TestNodes.deleteRecursively(dir);
    });
    return node;
  }

  private FakeNode fake(String domain) {
    FakeNode node = new FakeNode(domain);
    cleanup.add(node);
    return node;
  }

  private static JsonObject resolve(OpenRedNode from, String domain, boolean refresh) {
    return await(from.vertx().eventBus().<JsonObject>request(Addresses.DISCOVERY_RESOLVE,
        new JsonObject().put("domain", domain).put("refresh", refresh))).body();
  }

  private static ReplyException refusal(OpenRedNode from, String domain, boolean refresh) {
    return assertInstanceOf(ReplyException.class, assertThrows(RuntimeException.class, () -> resolve(from, domain, refresh)));
  }

  @Test
  @DisplayName("An HTTPS node on loopback is found through DNS SRV alone, in priority order past a dead target, with the SRV TTL")
  void srvDiscovery() throws Exception {
    Path certs = TestNodes.tempDir("srv-certs");
    cleanup.add(() -> TestNodes.deleteRecursively(certs));
    TestCa ca = new TestCa(certs);
    Path[] cert = ca.issue("nodeb", "nodeb.test");
    TestNodes.Spec bSpec = new TestNodes.Spec().flag(Option.DOMAIN, "b.test")
        .flag(Option.TLS_CERT, cert[0].toString()).flag(Option.TLS_KEY, cert[1].toString());
    bSpec.flag(Option.PUBLIC_URL, "https://nodeb.test:" + bSpec.port());
    int deadPort = TestNodes.freePort();
    dns.host("nodeb.test", "127.0.0.1").host("dead.test", "127.0.0.1").ttl(2)
        .srv("_openred._tcp.b.test", "dead.test", deadPort, 0, 10)
        .srv("_openred._tcp.b.test", "nodeb.test", bSpec.port(), 1, 10).start();
    OpenRedNode b = node(bSpec);
    OpenRedNode a = node(new TestNodes.Spec().flag(Option.DOMAIN, "a.test").flag(Option.TRUST_CA, ca.caPem().toString()));

    JsonObject found = resolve(a, "b.test", false);
    assertEquals(b.keys().nodeId(), found.getString("node_id"));
    assertEquals("dns", found.getString("source"));
    // SRV means https (PROTOCOL.md section 3), a loopback target included.
    assertEquals("https://nodeb.test:" + bSpec.port(), found.getString("base_url"));
    assertEquals("https://nodeb.test:" + bSpec.port() + "/federation/v1", found.getString("federation_url"));
    assertEquals(2, found.getLong("ttl"));
    assertEquals(b.keys().agreementPublicKey(), found.getJsonObject("dh_key").getString("public_key"));

    // The records go away: the answer lives out its TTL, then discovery no longer finds the node.
    dns.clear().start();
    assertEquals(b.keys().nodeId(), resolve(a, "b.test", false).getString("node_id"));
    Thread.sleep(2500);
    assertTrue(refusal(a, "b.test", false).failureCode() >= 400);
  }

  @Test
  @DisplayName("A DNS TXT pin that agrees is accepted; one that disagrees rejects the key")
  void txtPin() {
    TestNodes.Spec bSpec = new TestNodes.Spec().flag(Option.DOMAIN, "b.test");
    TestNodes.Spec cSpec = new TestNodes.Spec().flag(Option.DOMAIN, "c.test");
    OpenRedNode b = node(bSpec);
    node(cSpec);
    dns.host("nodeb.test", "127.0.0.1").host("nodec.test", "127.0.0.1")
        .srv("_openred._tcp.b.test", "nodeb.test", bSpec.port(), 0, 0)
        .srv("_openred._tcp.c.test", "nodec.test", cSpec.port(), 0, 0)
        .txt("_openred-key.b.test", "v=openred1; k=ed25519; p=" + b.keys().signingPublicKey())
        .txt("_openred-key.c.test", "v=openred1; k=ed25519; p=" + b.keys().signingPublicKey()).start();
    // These nodes serve plain http: SRV targets are reached so only when the operator allows it.
    OpenRedNode a = node(new TestNodes.Spec().flag(Option.DOMAIN, "a.test").flag(Option.INSECURE_HTTP, "true"));
    assertEquals(b.keys().nodeId(), resolve(a, "b.test", false).getString("node_id"));
    ReplyException refused = refusal(a, "c.test", false);
    assertEquals(502, refused.failureCode());
    assertTrue(refused.getMessage().startsWith("key-pin-mismatch"), refused.getMessage());
  }

  @Test
  @DisplayName("Trust on first use: an unannounced key change is refused, one the old key vouches for is accepted")
  void keyPinning() {
    dns.start();
    FakeNode f1 = fake("f1.test");
    FakeNode f2 = fake("f2.test");
    FakeNode newKey = fake("f1.test");
    OpenRedNode a = node(new TestNodes.Spec().flag(Option.DOMAIN, "a.test")
        .flag(Option.PEERS, "f1.test=" + f1.apiUrl() + ",f2.test=" + f2.apiUrl()));
    assertEquals(f1.nodeId, resolve(a, "f1.test", false).getString("node_id"));
    assertEquals(f2.nodeId, resolve(a, "f2.test", false).getString("node_id"));

    // f1 suddenly presents another key, without listing the pinned one.
    f1.serve(newKey::keyDocument);
    ReplyException refused = refusal(a, "f1.test", true);
    assertTrue(refused.getMessage().startsWith("key-changed"), refused.getMessage());

    // f2 rotates: its document lists the new key and still the old one.
    JsonObject rotated = new JsonObject(newKey.keyDocument()).put("domain", "f2.test");
    rotated.getJsonArray("keys").add(new JsonObject().put("keyid", "f2.test").put("alg", "ed25519")
        .put("public_key", f2.signingPublic).put("valid_until", "2099-01-01T00:00:00Z"));
    f2.serve(rotated::encode);
    assertEquals(newKey.nodeId, resolve(a, "f2.test", true).getString("node_id"));
  }

  @Test
  @DisplayName("Two nodes started with --registry find each other by domain with no static map")
  void registryDiscovery() {
    dns.start();
    TestNodes.Spec rSpec = new TestNodes.Spec().role(Role.REGISTRY);
    rSpec.flag(Option.DOMAIN, "127.0.0.1:" + rSpec.port());
    String registry = "http://127.0.0.1:" + rSpec.port();
    // A starts before the registry is up: it must keep running and register once it appears.
    TestNodes.Spec aSpec = new TestNodes.Spec().flag(Option.REGISTRY, registry).flag(Option.REGISTRY_HEARTBEAT, "1");
    aSpec.flag(Option.DOMAIN, "a.test:" + aSpec.port()).flag(Option.PUBLIC_URL, "http://127.0.0.1:" + aSpec.port());
    OpenRedNode a = node(aSpec);
    assertEquals(200, FakeNode.get(URI.create("http://127.0.0.1:" + aSpec.port() + "/api/v1/health")).statusCode());
    node(rSpec);
    TestNodes.Spec bSpec = new TestNodes.Spec().flag(Option.REGISTRY, registry).flag(Option.REGISTRY_HEARTBEAT, "1");
    bSpec.flag(Option.DOMAIN, "b.test:" + bSpec.port()).flag(Option.PUBLIC_URL, "http://127.0.0.1:" + bSpec.port());
    OpenRedNode b = node(bSpec);

    for (String domain : List.of("a.test:" + aSpec.port(), "b.test:" + bSpec.port())) {
      long deadline = System.currentTimeMillis() + 15_000;
      while (new JsonObject(FakeNode.get(URI.create(registry + "/api/v1/nodes/discover?domain=" + domain)).body())
          .getJsonArray("nodes").isEmpty()) {
        assertTrue(System.currentTimeMillis() < deadline, domain + " did not register");
        sleep(100);
      }
    }
    JsonObject bFromA = resolve(a, "b.test:" + bSpec.port(), false);
    assertEquals(b.keys().nodeId(), bFromA.getString("node_id"));
    assertEquals("registry", bFromA.getString("source"));
    assertEquals(a.keys().nodeId(), resolve(b, "a.test:" + aSpec.port(), false).getString("node_id"));
    ReplyException unknown = refusal(a, "nobody.test", false);
    assertEquals(404, unknown.failureCode(), unknown.getMessage());
    assertEquals(400, refusal(a, "not a domain!", false).failureCode());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
