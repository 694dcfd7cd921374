package org.openred.federation;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openred.kernel.Addresses;
import org.openred.config.Option;
import org.openred.app.OpenRedNode;
import org.openred.testing.TestCa;
import org.openred.testing.TestNodes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;

/** Two nodes federating over HTTPS with certificates from a throwaway CA. */
class TlsFederationTest {
  private final List<OpenRedNode> nodes = new ArrayList<>();
  private final List<Path> dirs = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(node -> await(node.close()));
    dirs.forEach(TestNodes::deleteRecursively);
  }

  private OpenRedNode start(TestNodes.Spec spec) {
    OpenRedNode node = spec.start();
    nodes.add(node);
    return node;
  }

  private Path dir(String name) {
    Path dir = TestNodes.tempDir(name);
    dirs.add(dir);
    return dir;
  }

  private static long stored(OpenRedNode node) {
    return await(SqlTemplate.forQuery(node.database().pool(), "SELECT COUNT(*) FROM inbound_envelopes").execute(Map.of()))
        .iterator().next().getLong(0);
  }

  @Test
  @DisplayName("Envelopes go over HTTPS when the CA is trusted, and not at all when it is not")
  void federateOverHttps() throws Exception {
    Path certs = dir("certs");
    TestCa ca = new TestCa(certs);
    Path[] aCert = ca.issue("a");
    Path[] bCert = ca.issue("b");
    TestNodes.Spec aSpec = new TestNodes.Spec().dataDir(dir("a")).flag(Option.DOMAIN, "a.test")
        .flag(Option.TLS_CERT, aCert[0].toString()).flag(Option.TLS_KEY, aCert[1].toString()).flag(Option.TRUST_CA, ca.caPem().toString());
    TestNodes.Spec bSpec = new TestNodes.Spec().dataDir(dir("b")).flag(Option.DOMAIN, "b.test")
        .flag(Option.TLS_CERT, bCert[0].toString()).flag(Option.TLS_KEY, bCert[1].toString()).flag(Option.TRUST_CA, ca.caPem().toString());
    aSpec.flag(Option.PUBLIC_URL, "https://127.0.0.1:" + aSpec.port()).flag(Option.PEERS, "b.test=https://127.0.0.1:" + bSpec.port());
    bSpec.flag(Option.PUBLIC_URL, "https://127.0.0.1:" + bSpec.port()).flag(Option.PEERS, "a.test=https://127.0.0.1:" + aSpec.port());
    OpenRedNode a = start(aSpec);
    OpenRedNode b = start(bSpec);
    await(a.vertx().eventBus().request(Addresses.FEDERATION_SEND, new JsonObject().put("type", "direct_message")
        .put("to", new JsonObject().put("domain", "b.test")).put("payload", new JsonObject())));
    long deadline = System.currentTimeMillis() + 15_000;
    while (stored(b) < 1 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(1, stored(b));

    // A third node that does not trust the test CA refuses B's certificate: nothing is delivered.
    TestNodes.Spec cSpec = new TestNodes.Spec().dataDir(dir("c")).flag(Option.DOMAIN, "c.test")
        .flag(Option.PEERS, "b.test=https://127.0.0.1:" + bSpec.port());
    OpenRedNode c = start(cSpec);
    await(c.vertx().eventBus().request(Addresses.FEDERATION_SEND, new JsonObject().put("type", "direct_message")
        .put("to", new JsonObject().put("domain", "b.test")).put("payload", new JsonObject())));
    Thread.sleep(2500);
    assertEquals(1, stored(b));
    long retried = await(SqlTemplate.forQuery(c.database().pool(),
        "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND attempts > 0").execute(Map.of())).iterator().next().getLong(0);
    assertTrue(retried == 1, "C keeps the envelope and retries");
  }
}
