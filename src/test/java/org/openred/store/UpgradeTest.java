package org.openred.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openred.config.Option;
import org.openred.app.OpenRedNode;
import org.openred.accounts.PasswordHasher;
import org.openred.testing.ClientApi;
import org.openred.testing.ReleaseSchema;
import org.openred.testing.StorageEngines;
import org.openred.testing.TestNodes;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;

/** Databases made by earlier releases start with this one and keep their data. */
class UpgradeTest {

  @ParameterizedTest
  @MethodSource("org.openred.testing.StorageEngines#both")
  @DisplayName("Schema 6 with received envelopes: V007 carries them over as applied, in their order, and the node takes new ones")
  void fromSchemaSix(StorageEngines engine) throws Exception {
    Path dir = TestNodes.tempDir("upgrade-" + engine);
    String db = engine.dbFlag(dir);
    TestNodes.Spec spec = new TestNodes.Spec().dataDir(dir).flag(Option.DB, db);
    Vertx vertx = Vertx.vertx();
    try {
      // Today's release up to schema 6, written the way Migrations writes it, with two envelopes received.
      Database old = await(Database.open(vertx, spec.config().storage()));
      await(old.pool().withTransaction(conn -> {
        Future<?> chain = ReleaseSchema.build(conn, spec.config().storage().engine(), 6);
        for (String id : new String[] {"first", "second"}) {
          chain = chain.compose(ignored -> SqlTemplate.forUpdate(conn, "INSERT INTO inbound_envelopes (origin, envelope_id, type, body, received_at) "
              + "VALUES ('fake.test', #{id}, 'direct_message', #{body}, #{t})")
              .execute(Map.of("id", id, "body", new JsonObject().put("id", id).encode(), "t", Instant.now().toString())));
        }
        return chain;
      }));
      await(old.close());

      OpenRedNode node = spec.start();
      try {
        List<Row> rows = new java.util.ArrayList<>();
        await(SqlTemplate.forQuery(node.database().pool(), "SELECT envelope_id, outcome, seq FROM inbound_envelopes ORDER BY seq")
            .execute(Map.of())).forEach(rows::add);
        assertEquals(List.of("first", "second"), rows.stream().map(row -> row.getString("envelope_id")).toList());
        rows.forEach(row -> assertEquals(202, new JsonObject(row.getString("outcome")).getInteger("status"), "applied before the upgrade"));
        assertTrue(rows.get(0).getLong("seq") < rows.get(1).getLong("seq"));
        // Version 7 of the global schema is the kernel's fourth, applied here; the old table stays as it was.
        assertEquals("inbound_outcomes", await(SqlTemplate.forQuery(node.database().pool(),
            "SELECT name FROM module_schema WHERE module = 'kernel' AND version = 4").execute(Map.of())).iterator().next().getString(0));
        assertEquals(6L, await(SqlTemplate.forQuery(node.database().pool(), "SELECT MAX(version) FROM schema_version").execute(Map.of()))
            .iterator().next().getLong(0));
        // New envelopes are stored after them, unapplied until their module answers.
        await(SqlTemplate.forUpdate(node.database().pool(), "INSERT INTO inbound_envelopes (origin, envelope_id, type, body, received_at) "
            + "VALUES ('fake.test', 'third', 'direct_message', '{}', '2026-12-01T00:00:00.000Z')").execute(Map.of()));
        assertEquals(3L, await(SqlTemplate.forQuery(node.database().pool(), "SELECT seq FROM inbound_envelopes WHERE envelope_id = 'third'")
            .execute(Map.of())).iterator().next().getLong(0));
      } finally {
        await(node.close());
      }
    } finally {
      await(vertx.close());
      StorageEngines.dropFlag(db);
      TestNodes.deleteRecursively(dir);
    }
  }

  @ParameterizedTest
  @MethodSource("org.openred.testing.StorageEngines#both")
  @DisplayName("Today's release (one global schema, version 7) with a user and a conversation: per-module versions, the user logs in and reads it")
  void fromTodaysRelease(StorageEngines engine) throws Exception {
    Path dir = TestNodes.tempDir("upgrade-today-" + engine);
    String db = engine.dbFlag(dir);
    TestNodes.Spec spec = new TestNodes.Spec().dataDir(dir).flag(Option.DB, db);
    String domain = spec.config().domain();
    Vertx vertx = Vertx.vertx();
    try {
      Database old = await(Database.open(vertx, spec.config().storage()));
      String hash = new PasswordHasher().hash("correct horse battery");
      String now = Instant.now().toString();
      await(old.pool().withTransaction(conn -> ReleaseSchema.build(conn, spec.config().storage().engine(), 7)
          .compose(ignored -> SqlTemplate.forUpdate(conn, "INSERT INTO users (username, password_hash, created_at, password_changed_at) "
              + "VALUES ('alice', #{h}, #{t}, #{t})").execute(Map.of("h", hash, "t", now)))
          .compose(ignored -> SqlTemplate.forUpdate(conn, "INSERT INTO conversations (conversation_id, creator, key_version, created_at, updated_at) "
              + "VALUES ('c1', #{u}, 1, #{t}, #{t})").execute(Map.of("u", "alice@" + domain, "t", now)))
          .compose(ignored -> SqlTemplate.forUpdate(conn, "INSERT INTO conversation_participants (conversation_id, user_id, joined_at) "
              + "VALUES ('c1', #{u}, #{t})").execute(Map.of("u", "alice@" + domain, "t", now)))
          .compose(ignored -> SqlTemplate.forUpdate(conn, "INSERT INTO messages (conversation_id, message_id, sender_id, key_version, payload, received_at) "
              + "VALUES ('c1', 'm1', #{u}, 1, '{\"ciphertext\":\"kept\"}', #{t})").execute(Map.of("u", "alice@" + domain, "t", now)))));
      await(old.close());

      OpenRedNode node = spec.start();
      try {
        // The seven versions of the global schema carried over to their modules, under their names, then each module's newer ones.
        Map<String, Long> versions = new java.util.TreeMap<>();
        List<String> carried = new java.util.ArrayList<>();
        await(SqlTemplate.forQuery(node.database().pool(), "SELECT module, version, name FROM module_schema ORDER BY module, version")
            .execute(Map.of())).forEach(row -> {
              versions.merge(row.getString("module"), row.getLong("version"), Math::max);
              carried.add(row.getString("module") + " " + row.getInteger("version") + " " + row.getString("name"));
            });
        assertTrue(carried.containsAll(List.of("kernel 1 node_keys", "registry 1 registry_nodes", "kernel 2 peer_keys", "kernel 3 federation",
            "accounts 1 accounts", "messaging 1 conversations", "kernel 4 inbound_outcomes")), carried.toString());
        assertEquals(newestVersions(spec), versions);
        var login = ClientApi.send(spec.port(), "POST", "/api/v1/auth/login", null,
            new JsonObject().put("username", "alice").put("password", "correct horse battery"));
        assertEquals(200, login.statusCode(), login.body());
        String token = new JsonObject(login.body()).getString("access_token");
        var list = new JsonObject(ClientApi.send(spec.port(), "GET", "/api/v1/conversations", token, null).body());
        assertEquals("c1", list.getJsonArray("conversations").getJsonObject(0).getString("conversationId"));
        var history = new JsonObject(ClientApi.send(spec.port(), "GET", "/api/v1/conversations/c1/messages", token, null).body());
        assertEquals("kept", history.getJsonArray("messages").getJsonObject(0).getJsonObject("payload").getString("ciphertext"));
      } finally {
        await(node.close());
      }
      // A second start finds everything migrated and changes nothing.
      OpenRedNode again = spec.start();
      try {
        long total = newestVersions(spec).values().stream().mapToLong(Long::longValue).sum();
        assertEquals(total, await(SqlTemplate.forQuery(again.database().pool(), "SELECT COUNT(*) FROM module_schema").execute(Map.of()))
            .iterator().next().getLong(0));
      } finally {
        await(again.close());
      }
    } finally {
      await(vertx.close());
      StorageEngines.dropFlag(db);
      TestNodes.deleteRecursively(dir);
    }
  }

  /** Each module's newest migration, as this release's files say. */
  private static Map<String, Long> newestVersions(TestNodes.Spec spec) throws java.io.IOException {
    Map<String, Long> newest = new java.util.TreeMap<>();
    for (Migrations.Source source : org.openred.app.Modules.migrations(org.openred.app.Modules.builtIn())) {
      newest.put(source.module(), (long) Migrations.load(spec.config().storage().engine(), source).size());
    }
    return newest;
  }
}
