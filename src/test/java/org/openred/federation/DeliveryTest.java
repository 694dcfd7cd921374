package org.openred.federation;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openred.bus.Addresses;
import org.openred.config.Option;
import org.openred.node.OpenRedNode;
import org.openred.testing.ProcessNode;
import org.openred.testing.TestNodes;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;

/** Durable delivery between real nodes: batching, a receiver that is down, a receiver killed with SIGKILL. */
class DeliveryTest {
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final List<Path> dirs = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
    dirs.forEach(TestNodes::deleteRecursively);
  }

  private Path dir(String name) {
    Path dir = TestNodes.tempDir(name);
    dirs.add(dir);
    return dir;
  }

  private TestNodes.Spec spec(String domain, Path data) {
    TestNodes.Spec spec = new TestNodes.Spec().dataDir(data).flag(Option.DOMAIN, domain);
    return spec.flag(Option.PUBLIC_URL, "http://127.0.0.1:" + spec.port());
  }

  private OpenRedNode start(TestNodes.Spec spec) {
    OpenRedNode node = spec.start();
    cleanup.add(() -> await(node.close()));
    return node;
  }

  private static void send(OpenRedNode from, String toDomain, int count, String username) {
    List<Future<?>> sends = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sends.add(from.vertx().eventBus().request(Addresses.FEDERATION_SEND, new JsonObject().put("type", "direct_message")
          .put("from_username", "alice").put("to", new JsonObject().put("domain", toDomain).put("username", username))
          .put("payload", new JsonObject().put("conversationId", "c1").put("n", i))));
      if (sends.size() == 500) {
        await(Future.all(sends));
        sends.clear();
      }
    }
    await(Future.all(sends));
  }

  private static long count(OpenRedNode node, String sql) {
    return await(SqlTemplate.forQuery(node.database().pool(), sql).execute(Map.of())).iterator().next().getLong(0);
  }

  private static void waitFor(String what, long timeoutMs, LongSupplier actual, long expected) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    long value = actual.getAsLong();
    while (value != expected && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      value = actual.getAsLong();
    }
    assertEquals(expected, value, what);
  }

  @Test
  @DisplayName("A's envelopes reach B in batches; a final refusal is not retried; metrics count both")
  void delivery() throws Exception {
    TestNodes.Spec aSpec = spec("a.test", dir("a"));
    TestNodes.Spec bSpec = spec("b.test", dir("b"));
    aSpec.flag(Option.PEERS, "b.test=http://127.0.0.1:" + bSpec.port());
    bSpec.flag(Option.PEERS, "a.test=http://127.0.0.1:" + aSpec.port());
    OpenRedNode a = start(aSpec);
    OpenRedNode b = start(bSpec);
    List<JsonObject> inbound = new java.util.concurrent.CopyOnWriteArrayList<>();
    b.vertx().eventBus().<JsonObject>consumer(Addresses.FEDERATION_INBOUND, message -> inbound.add(message.body()));

    send(a, "b.test", 250, "bob");
    waitFor("envelopes stored at B", 20_000, () -> count(b, "SELECT COUNT(*) FROM inbound_envelopes"), 250);
    waitFor("outbox of A drained", 5_000, () -> count(a, "SELECT COUNT(*) FROM outbox"), 0);
    assertEquals(250, inbound.size());
    assertEquals("alice", inbound.get(0).getJsonObject("from").getString("username"));

    send(a, "b.test", 1, "Not A User!");
    waitFor("refused envelope marked failed", 10_000, () -> count(a, "SELECT COUNT(*) FROM outbox WHERE status = 'failed'"), 1);
    JsonObject metrics = await(a.vertx().eventBus().<JsonObject>request(Addresses.FEDERATION_METRICS, new JsonObject())).body();
    assertEquals(250, metrics.getLong("sent"));
    assertEquals(1, metrics.getLong("failed"));
    assertEquals(250, count(b, "SELECT COUNT(*) FROM inbound_envelopes"));
    String prometheus = org.openred.testing.FakeNode.get(java.net.URI.create("http://127.0.0.1:" + aSpec.port() + "/metrics")).body();
    assertTrue(prometheus.contains("openred_federation_envelopes_sent_total 250"), prometheus);
    assertTrue(prometheus.contains("openred_federation_envelopes_failed_total 1"), prometheus);
  }

  @Test
  @DisplayName("A receiver that is down for a while gets everything once it is back; a restarted sender resumes")
  void receiverDownThenBack() throws Exception {
    Path aData = dir("a");
    TestNodes.Spec aSpec = spec("a.test", aData);
    TestNodes.Spec bSpec = spec("b.test", dir("b"));
    aSpec.flag(Option.PEERS, "b.test=http://127.0.0.1:" + bSpec.port());
    bSpec.flag(Option.PEERS, "a.test=http://127.0.0.1:" + aSpec.port());
    OpenRedNode a = aSpec.start();
    send(a, "b.test", 40, "bob");
    Thread.sleep(2500);
    assertEquals(40, count(a, "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND attempts > 0"), "retried, none lost");
    await(a.close()); // the sender restarts while B is still down
    a = start(aSpec);
    OpenRedNode b = start(bSpec);
    OpenRedNode sender = a;
    waitFor("envelopes stored at B", 30_000, () -> count(b, "SELECT COUNT(*) FROM inbound_envelopes"), 40);
    waitFor("outbox of A drained", 5_000, () -> count(sender, "SELECT COUNT(*) FROM outbox"), 0);
  }

  @Test
  @DisplayName("10,000 envelopes in flight, the receiver killed with SIGKILL and restarted: all arrive, exactly once")
  void receiverCrash() throws Exception {
    Path bData = dir("b");
    TestNodes.Spec aSpec = spec("a.test", dir("a"));
    int bPort = TestNodes.freePort();
    aSpec.flag(Option.PEERS, "b.test=http://127.0.0.1:" + bPort);
    OpenRedNode a = start(aSpec);
    ProcessNode b = new ProcessNode(bPort, bData.resolve("b.log"), List.of("node", "--data", bData.toString(),
        "--http-host", "127.0.0.1", "--http-port", Integer.toString(bPort), "--domain", "b.test",
        "--public-url", "http://127.0.0.1:" + bPort, "--peers", "a.test=http://127.0.0.1:" + aSpec.port(), "--log-level", "warn",
        "--dns", TestNodes.NO_DNS));
    cleanup.add(b);
    b.start();
    String bDatabase = "jdbc:sqlite:" + bData.resolve("openred.db");
    LongSupplier arrived = () -> sqlite(bDatabase, "SELECT COUNT(*) FROM inbound_envelopes");

    send(a, "b.test", 10_000, "bob");
    long deadline = System.currentTimeMillis() + 60_000;
    while (arrived.getAsLong() < 500 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    long beforeKill = arrived.getAsLong();
    b.kill();
    assertTrue(beforeKill > 0 && beforeKill < 10_000, "killed while envelopes were in flight: " + beforeKill + " had arrived");
    Thread.sleep(1500);
    b.start();
    waitFor("envelopes stored at B", 120_000, arrived, 10_000);
    assertEquals(10_000, sqlite(bDatabase, "SELECT COUNT(DISTINCT envelope_id) FROM inbound_envelopes"), "exactly once");
    waitFor("outbox of A drained", 10_000, () -> count(a, "SELECT COUNT(*) FROM outbox"), 0);
  }

  private static long sqlite(String url, String sql) {
    try (Connection connection = DriverManager.getConnection(url); ResultSet rows = connection.createStatement().executeQuery(sql)) {
      return rows.next() ? rows.getLong(1) : 0;
    } catch (java.sql.SQLException e) {
      return -1; // not created yet, or locked for a moment
    }
  }
}
