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
import org.openred.node.OpenRedNode;
import org.openred.testing.StorageEngines;
import org.openred.testing.TestNodes;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;

/** A database made by the release before the inbound outcomes (schema 6) starts with this one and keeps its data. */
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
      List<Migrations.Migration> migrations = Migrations.load(spec.config().storage().engine());
      await(old.pool().withTransaction(conn -> {
        Future<?> chain = conn.query("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            .execute();
        for (Migrations.Migration migration : migrations.subList(0, 6)) {
          for (String statement : migration.statements()) {
            chain = chain.compose(ignored -> conn.query(statement).execute());
          }
          chain = chain.compose(ignored -> SqlTemplate.forUpdate(conn, "INSERT INTO schema_version (version, name, applied_at) "
              + "VALUES (#{v}, #{n}, #{t})").execute(Map.of("v", migration.version(), "n", migration.name(), "t", Instant.now().toString())));
        }
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
        assertEquals(7L, await(SqlTemplate.forQuery(node.database().pool(), "SELECT MAX(version) FROM schema_version").execute(Map.of()))
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
}
