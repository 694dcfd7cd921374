package org.openred.federation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openred.bus.Addresses;
import org.openred.config.Option;
import org.openred.node.OpenRedNode;
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
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.openred.testing.TestNodes.await;

/** Received envelopes are stored once, on either storage engine, however they are repeated. */
class InboundStorageTest {

  @ParameterizedTest
  @MethodSource("org.openred.testing.StorageEngines#both")
  @DisplayName("Repeated within a transaction, in a second transaction and on its own, an envelope is stored and published once")
  void storedOnce(StorageEngines engine) throws Exception {
    Path dir = TestNodes.tempDir("inbound-" + engine);
    FakeNode fake = new FakeNode("fake.test");
    String db = engine.dbFlag(dir);
    TestNodes.Spec spec = new TestNodes.Spec().dataDir(dir).flag(Option.DOMAIN, "b.test").flag(Option.DB, db)
        .flag(Option.PEERS, "fake.test=" + fake.apiUrl());
    int port = spec.port();
    spec.flag(Option.PUBLIC_URL, "http://127.0.0.1:" + port);
    OpenRedNode node = spec.start();
    try {
      List<String> published = new CopyOnWriteArrayList<>();
      await(node.vertx().eventBus().<JsonObject>consumer(Addresses.FEDERATION_INBOUND,
          message -> published.add(message.body().getString("id"))).completion());
      JsonObject first = fake.envelope("direct_message", "b.test", new JsonObject().put("n", 1));
      JsonObject second = fake.envelope("direct_message", "b.test", new JsonObject().put("n", 2));

      JsonObject answer = transaction(port, fake, first, first, second);
      assertEquals(202, answer.getJsonObject(first.getString("id")).getInteger("status"));
      assertEquals(202, answer.getJsonObject(second.getString("id")).getInteger("status"));
      assertEquals(202, transaction(port, fake, second, first).getJsonObject(first.getString("id")).getInteger("status"));
      URI messages = URI.create("http://127.0.0.1:" + port + "/federation/v1/messages");
      byte[] alone = first.toBuffer().getBytes();
      assertEquals(202, FakeNode.post(messages, FakeNode.sign(fake.signingPrivate, "fake.test", "POST", messages, alone, Clock.systemUTC()),
          alone).statusCode());

      long stored = await(SqlTemplate.forQuery(node.database().pool(), "SELECT COUNT(*) AS n FROM inbound_envelopes").execute(Map.of()))
          .iterator().next().getLong("n");
      assertEquals(2, stored);
      // Published right after the commit, before the answer: delivered to this consumer within moments.
      for (long until = System.nanoTime() + 5_000_000_000L; published.size() < 2 && System.nanoTime() < until; ) {
        Thread.sleep(10);
      }
      Thread.sleep(100); // a third publication, were there one, would show up here
      assertEquals(List.of(first.getString("id"), second.getString("id")), published);
    } finally {
      await(node.close());
      fake.close();
      StorageEngines.dropFlag(db);
      TestNodes.deleteRecursively(dir);
    }
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
