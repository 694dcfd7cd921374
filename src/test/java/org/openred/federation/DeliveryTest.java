package org.openred.federation;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openred.kernel.Addresses;
import org.openred.config.Option;
import org.openred.app.OpenRedNode;
import org.openred.testing.Chat;
import org.openred.testing.ClientApi;
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

/** Durable delivery between real nodes: batching, order, a receiver that is down, a receiver killed with SIGKILL. */
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

  /** These nodes stop and start again on their port: one outside the ephemeral range. */
  private TestNodes.Spec spec(String domain, Path data) {
    TestNodes.Spec spec = new TestNodes.Spec().dataDir(data).flag(Option.DOMAIN, domain)
        .flag(Option.HTTP_PORT, Integer.toString(TestNodes.stablePort()));
    return spec.flag(Option.PUBLIC_URL, "http://127.0.0.1:" + spec.port());
  }

  private OpenRedNode start(TestNodes.Spec spec) {
    OpenRedNode node = spec.start();
    cleanup.add(() -> await(node.close()));
    return node;
  }

  /** conversation_create for {@code conversation}, then messages m{first}..m{first+count-1}, from alice@A to bob@B. */
  private static void converse(OpenRedNode from, String toDomain, String conversation, int first, int count) {
    String alice = "alice@" + from.config().domain();
    String bob = "bob@" + toDomain;
    if (first == 1) {
      await(from.vertx().eventBus().request(Addresses.FEDERATION_SEND, envelope(toDomain, "conversation_create", Chat.create(conversation, alice, bob))));
    }
    List<Future<?>> sends = new ArrayList<>();
    for (int i = first; i < first + count; i++) {
      sends.add(from.vertx().eventBus().request(Addresses.FEDERATION_SEND, envelope(toDomain, "direct_message",
          Chat.message(conversation, alice, bob, i))));
      if (sends.size() == 500) {
        await(Future.all(sends));
        sends.clear();
      }
    }
    await(Future.all(sends));
  }

  private static JsonObject envelope(String toDomain, String type, JsonObject payload) {
    return new JsonObject().put("type", type).put("from_username", "alice")
        .put("to", new JsonObject().put("domain", toDomain).put("username", "bob")).put("payload", payload);
  }

  /** The message ids of a conversation at the receiver, in the order they were applied. */
  private static List<String> applied(String sqliteUrl, String conversation) {
    List<String> ids = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(sqliteUrl);
         ResultSet rows = connection.createStatement().executeQuery(
             "SELECT message_id FROM messages WHERE conversation_id = '" + conversation + "' ORDER BY seq")) {
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
    } catch (java.sql.SQLException e) {
      return List.of(); // not created yet, or locked for a moment
    }
    return ids;
  }

  private static List<String> numbered(int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      ids.add("m" + i);
    }
    return ids;
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
  @DisplayName("A's envelopes reach B in batches and are applied; final refusals are not retried; metrics count both")
  void delivery() throws Exception {
    TestNodes.Spec aSpec = spec("a.test", dir("a"));
    Path bData = dir("b");
    TestNodes.Spec bSpec = spec("b.test", bData);
    aSpec.flag(Option.PEERS, "b.test=http://127.0.0.1:" + bSpec.port());
    bSpec.flag(Option.PEERS, "a.test=http://127.0.0.1:" + aSpec.port());
    OpenRedNode a = start(aSpec);
    OpenRedNode b = start(bSpec);
    ClientApi.session(bSpec.port(), "bob");

    converse(a, "b.test", "c1", 1, 250);
    String bDatabase = "jdbc:sqlite:" + bData.resolve("openred.db");
    waitFor("messages applied at B", 20_000, () -> applied(bDatabase, "c1").size(), 250);
    waitFor("outbox of A drained", 5_000, () -> count(a, "SELECT COUNT(*) FROM outbox"), 0);
    assertEquals(numbered(250), applied(bDatabase, "c1"), "once each, in order");

    // Refused at B: a malformed envelope (by the federation layer), a message in a conversation bob is not in (by messaging).
    await(a.vertx().eventBus().request(Addresses.FEDERATION_SEND, envelope("b.test", "direct_message", Chat.message("c1", "alice@a.test", "bob@b.test", 999))
        .put("to", new JsonObject().put("domain", "b.test").put("username", "Not A User!"))));
    converse(a, "b.test", "c2", 2, 1);
    waitFor("refused envelopes marked failed", 10_000, () -> count(a, "SELECT COUNT(*) FROM outbox WHERE status = 'failed'"), 2);
    assertEquals(1, count(a, "SELECT COUNT(*) FROM outbox WHERE status = 'failed' AND last_error LIKE '403 not-a-participant%'"));
    JsonObject metrics = await(a.vertx().eventBus().<JsonObject>request(Addresses.FEDERATION_METRICS, new JsonObject())).body();
    assertEquals(251, metrics.getLong("sent"));
    assertEquals(2, metrics.getLong("failed"));
    String prometheus = org.openred.testing.FakeNode.get(java.net.URI.create("http://127.0.0.1:" + aSpec.port() + "/metrics")).body();
    assertTrue(prometheus.contains("openred_federation_envelopes_sent_total 251"), prometheus);
    assertTrue(prometheus.contains("openred_federation_envelopes_failed_total 2"), prometheus);
  }

  @Test
  @DisplayName("200 envelopes queued while the receiver is down arrive once each and in order once it is back; a restarted sender resumes")
  void receiverDownThenBack() throws Exception {
    Path aData = dir("a");
    Path bData = dir("b");
    TestNodes.Spec aSpec = spec("a.test", aData);
    TestNodes.Spec bSpec = spec("b.test", bData);
    aSpec.flag(Option.PEERS, "b.test=http://127.0.0.1:" + bSpec.port());
    bSpec.flag(Option.PEERS, "a.test=http://127.0.0.1:" + aSpec.port());
    OpenRedNode b = bSpec.start();
    ClientApi.session(bSpec.port(), "bob");
    await(b.close());
    OpenRedNode a = aSpec.start();
    converse(a, "b.test", "c1", 1, 100);
    Thread.sleep(1500);
    converse(a, "b.test", "c1", 101, 100); // queued behind rows that are already backing off
    Thread.sleep(2500);
    assertEquals(201, count(a, "SELECT COUNT(*) FROM outbox WHERE status = 'pending'"), "none lost");
    assertTrue(count(a, "SELECT COUNT(*) FROM outbox WHERE attempts > 0") > 0, "retried");
    await(a.close()); // the sender restarts while B is still down
    a = start(aSpec);
    start(bSpec);
    OpenRedNode sender = a;
    String bDatabase = "jdbc:sqlite:" + bData.resolve("openred.db");
    waitFor("messages applied at B", 60_000, () -> applied(bDatabase, "c1").size(), 200);
    assertEquals(numbered(200), applied(bDatabase, "c1"), "once each, in the order they were sent");
    waitFor("outbox of A drained", 5_000, () -> count(sender, "SELECT COUNT(*) FROM outbox"), 0);
  }

  @Test
  @DisplayName("The receiver killed with SIGKILL at random points while messages stream in, three times: each applied exactly once")
  void receiverCrash() throws Exception {
    Path bData = dir("b");
    TestNodes.Spec aSpec = spec("a.test", dir("a"));
    int bPort = TestNodes.stablePort();
    aSpec.flag(Option.PEERS, "b.test=http://127.0.0.1:" + bPort);
    OpenRedNode a = start(aSpec);
    ProcessNode b = new ProcessNode(bPort, bData.resolve("b.log"), List.of("node", "--data", bData.toString(),
        "--http-host", "127.0.0.1", "--http-port", Integer.toString(bPort), "--domain", "b.test",
        "--public-url", "http://127.0.0.1:" + bPort, "--peers", "a.test=http://127.0.0.1:" + aSpec.port(), "--log-level", "warn",
        "--dns", TestNodes.NO_DNS));
    cleanup.add(b);
    b.start();
    ClientApi.session(bPort, "bob");
    String bDatabase = "jdbc:sqlite:" + bData.resolve("openred.db");
    java.util.Random random = new java.util.Random();
    int messages = 2_000;
    for (int run = 1; run <= 3; run++) {
      String conversation = "crash-" + run;
      converse(a, "b.test", conversation, 1, messages);
      int killAt = 100 + random.nextInt(messages - 300);
      long deadline = System.currentTimeMillis() + 60_000;
      while (sqlite(bDatabase, "SELECT COUNT(*) FROM inbound_envelopes WHERE body LIKE '%" + conversation + "%'") < killAt
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(5);
      }
      b.kill();
      int arrived = applied(bDatabase, conversation).size();
      assertTrue(arrived < messages, "run " + run + ": killed while messages were in flight (" + arrived + " applied)");
      Thread.sleep(random.nextInt(3000));
      b.start();
      waitFor("run " + run + ": messages applied at B", 120_000, () -> applied(bDatabase, conversation).size(), messages);
      assertEquals(numbered(messages), applied(bDatabase, conversation), "run " + run + ": exactly once, in order");
      waitFor("run " + run + ": outbox of A drained", 10_000, () -> count(a, "SELECT COUNT(*) FROM outbox"), 0);
      assertEquals(0, sqlite(bDatabase, "SELECT COUNT(*) FROM inbound_envelopes WHERE outcome IS NULL"), "run " + run + ": every stored envelope applied");
    }
  }

  private static long sqlite(String url, String sql) {
    try (Connection connection = DriverManager.getConnection(url); ResultSet rows = connection.createStatement().executeQuery(sql)) {
      return rows.next() ? rows.getLong(1) : 0;
    } catch (java.sql.SQLException e) {
      return -1; // not created yet, or locked for a moment
    }
  }
}
