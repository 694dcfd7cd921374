package org.openred.federation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openred.config.Option;
import org.openred.app.OpenRedNode;
import org.openred.testing.Chat;
import org.openred.testing.ClientApi;
import org.openred.testing.FakeNode;
import org.openred.testing.StorageEngines;
import org.openred.testing.TestNodes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.openred.testing.TestNodes.await;

/**
 * Received envelopes are stored once and applied once, on either storage engine, however they are
 * repeated; one stored but not applied when the node stopped (a crash between the two commits) is
 * applied when it starts again.
 */
class InboundStorageTest {

  @ParameterizedTest
  @MethodSource("org.openred.testing.StorageEngines#both")
  @DisplayName("Repeated within a transaction, in a second transaction and on its own, an envelope is stored and applied once")
  void storedOnce(StorageEngines engine) throws Exception {
    try (Fixture fixture = new Fixture(engine)) {
      FakeNode fake = fixture.fake;
      int port = fixture.spec.port();
      OpenRedNode node = fixture.start();
      ClientApi.session(port, "bob");
      JsonObject created = transaction(port, fake, fake.envelope("conversation_create", "b.test", Chat.create("c1", "alice@fake.test", "bob@b.test")));
      assertEquals(202, created.getJsonObject(created.fieldNames().iterator().next()).getInteger("status"), created.encode());
      JsonObject first = fake.envelope("direct_message", "b.test", Chat.message("c1", "alice@fake.test", "bob@b.test", 1));
      JsonObject second = fake.envelope("direct_message", "b.test", Chat.message("c1", "alice@fake.test", "bob@b.test", 2));

      JsonObject answer = transaction(port, fake, first, first, second);
      assertEquals(202, answer.getJsonObject(first.getString("id")).getInteger("status"));
      assertEquals(202, answer.getJsonObject(second.getString("id")).getInteger("status"));
      assertEquals(202, transaction(port, fake, second, first).getJsonObject(first.getString("id")).getInteger("status"));
      URI messages = URI.create("http://127.0.0.1:" + port + "/federation/v1/messages");
      byte[] alone = first.toBuffer().getBytes();
      assertEquals(202, FakeNode.post(messages, FakeNode.sign(fake.signingPrivate, "fake.test", "POST", messages, alone, Clock.systemUTC()),
          alone).statusCode());

      assertEquals(3, count(node, "SELECT COUNT(*) FROM inbound_envelopes"));
      assertEquals(0, count(node, "SELECT COUNT(*) FROM inbound_envelopes WHERE outcome IS NULL"));
      // Applied before the answer: the messages are there, each once, in order.
      assertEquals(List.of("m1", "m2"), messageIds(node));
    }
  }

  @ParameterizedTest
  @MethodSource("org.openred.testing.StorageEngines#both")
  @DisplayName("Envelopes stored but not applied when the node stopped are applied, in order of arrival, when it starts again")
  void appliedAfterRestart(StorageEngines engine) throws Exception {
    try (Fixture fixture = new Fixture(engine)) {
      FakeNode fake = fixture.fake;
      TestNodes.Spec spec = fixture.spec;
      OpenRedNode node = fixture.start();
      ClientApi.session(spec.port(), "bob");
      // As a crash between the storing commit and the applying one leaves them: stored, no outcome.
      List<JsonObject> envelopes = new java.util.ArrayList<>();
      envelopes.add(fake.envelope("conversation_create", "b.test", Chat.create("c1", "alice@fake.test", "bob@b.test")));
      for (int i = 1; i <= 20; i++) {
        envelopes.add(fake.envelope("direct_message", "b.test", Chat.message("c1", "alice@fake.test", "bob@b.test", i)));
      }
      List<java.util.Map<String, Object>> rows = new java.util.ArrayList<>();
      for (JsonObject envelope : envelopes) {
        rows.add(Map.of("id", envelope.getString("id"), "type", envelope.getString("type"), "body", envelope.encode()));
      }
      OpenRedNode stopping = node;
      await(stopping.database().pool().withTransaction(conn -> {
        io.vertx.core.Future<?> chain = io.vertx.core.Future.succeededFuture();
        for (java.util.Map<String, Object> row : rows) {
          chain = chain.compose(ignored -> SqlTemplate.forUpdate(conn, "INSERT INTO inbound_envelopes (origin, envelope_id, type, body, "
              + "received_at) VALUES ('fake.test', #{id}, #{type}, #{body}, '2026-01-01T00:00:00.000Z')").execute(row));
        }
        return chain;
      }));
      await(node.close());
      node = fixture.start();
      List<String> expected = new java.util.ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        expected.add("m" + i);
      }
      OpenRedNode restarted = node;
      for (long until = System.nanoTime() + 15_000_000_000L; messageIds(restarted).size() < 20 && System.nanoTime() < until; ) {
        Thread.sleep(50);
      }
      assertEquals(expected, messageIds(node), "applied once each, in order of arrival");
      for (long until = System.nanoTime() + 5_000_000_000L;
           count(restarted, "SELECT COUNT(*) FROM inbound_envelopes WHERE outcome IS NULL") > 0 && System.nanoTime() < until; ) {
        Thread.sleep(50);
      }
      assertEquals(0, count(node, "SELECT COUNT(*) FROM inbound_envelopes WHERE outcome IS NULL"));
      // A repeat now is answered with the recorded outcome and applied no second time.
      JsonObject again = transaction(spec.port(), fake, envelopes.get(5));
      assertEquals(202, again.getJsonObject(envelopes.get(5).getString("id")).getInteger("status"));
      assertEquals(expected, messageIds(node));
    }
  }

  /** Node b.test on the engine, knowing fake.test; closes whatever node it started last and cleans up. */
  private static final class Fixture implements AutoCloseable {
    final Path dir;
    final FakeNode fake = new FakeNode("fake.test");
    final String db;
    final TestNodes.Spec spec;
    private OpenRedNode node;

    Fixture(StorageEngines engine) {
      dir = TestNodes.tempDir("inbound-" + engine);
      db = engine.dbFlag(dir);
      spec = new TestNodes.Spec().dataDir(dir).flag(Option.DOMAIN, "b.test").flag(Option.DB, db)
          .flag(Option.PEERS, "fake.test=" + fake.apiUrl()).flag(Option.HTTP_PORT, Integer.toString(TestNodes.stablePort()));
      spec.flag(Option.PUBLIC_URL, "http://127.0.0.1:" + spec.port());
    }

    OpenRedNode start() {
      node = spec.start();
      return node;
    }

    @Override
    public void close() {
      if (node != null) {
        await(node.close());
      }
      fake.close();
      StorageEngines.dropFlag(db);
      TestNodes.deleteRecursively(dir);
    }
  }

  private static long count(OpenRedNode node, String sql) {
    return await(SqlTemplate.forQuery(node.database().pool(), sql).execute(Map.of())).iterator().next().getLong(0);
  }

  private static List<String> messageIds(OpenRedNode node) {
    List<String> ids = new java.util.ArrayList<>();
    await(SqlTemplate.forQuery(node.database().pool(), "SELECT message_id FROM messages ORDER BY seq").execute(Map.of()))
        .forEach(row -> ids.add(row.getString(0)));
    return ids;
  }

  private static JsonObject transaction(int port, FakeNode fake, JsonObject... envelopes) throws Exception {
    URI url = URI.create("http://127.0.0.1:" + port + "/federation/v1/transactions/t-" + UUID.randomUUID());
    byte[] body = new JsonObject().put("origin", "fake.test").put("envelopes", new JsonArray(List.of((Object[]) envelopes)))
        .toBuffer().getBytes();
    HttpRequest.Builder request = HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Content-Type", "application/json");
    FakeNode.sign(fake.signingPrivate, "fake.test", "PUT", url, body, Clock.systemUTC()).forEach(request::header);
    HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return new JsonObject(response.body()).getJsonObject("results");
  }
}
