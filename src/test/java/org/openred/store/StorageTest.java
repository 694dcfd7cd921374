package org.openred.store;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openred.config.StorageConfig;
import org.openred.crypto.NodeKeyRepository;
import org.openred.testing.StorageEngines;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;

/** The same repository suite on SQLite and on the real PostgreSQL. */
@ExtendWith(VertxExtension.class)
class StorageTest {
  @TempDir
  Path dir;
  private StorageConfig storage;
  private Database database;

  private Database open(Vertx vertx, StorageEngines engine) {
    storage = engine.create(dir);
    database = await(Database.open(vertx, storage));
    return database;
  }

  @AfterEach
  void cleanUp() {
    if (database != null) {
      await(database.close());
    }
    StorageEngines.drop(storage);
  }

  @ParameterizedTest
  @MethodSource("org.openred.testing.StorageEngines#both")
  @DisplayName("Migrations apply once, in order, and a second run changes nothing")
  void migrationsAreForwardOnlyAndIdempotent(StorageEngines engine, Vertx vertx) {
    Database db = open(vertx, engine);
    int version = await(Migrations.migrateKernel(db)).get(Migrations.KERNEL);
    assertTrue(version >= 1);
    assertEquals(version, await(Migrations.migrateKernel(db)).get(Migrations.KERNEL));
    long recorded = await(db.pool().query("SELECT COUNT(*) FROM module_schema WHERE module = 'kernel'").execute()).iterator().next().getLong(0);
    assertEquals(version, recorded);
  }

  @ParameterizedTest
  @MethodSource("org.openred.testing.StorageEngines#both")
  @DisplayName("A database migrated by a newer release is refused, not downgraded")
  void newerSchemaRefused(StorageEngines engine, Vertx vertx) {
    Database db = open(vertx, engine);
    await(Migrations.migrateKernel(db));
    await(SqlTemplate.forUpdate(db.pool(), "INSERT INTO module_schema (module, version, name, applied_at) VALUES ('kernel', #{v}, 'future', 'x')")
        .execute(Map.of("v", 999)));
    Throwable failure = assertThrows(RuntimeException.class, () -> await(Migrations.migrateKernel(db)));
    assertInstanceOf(StorageException.class, failure);
    assertTrue(failure.getMessage().contains("999"), failure.getMessage());
  }

  @ParameterizedTest
  @MethodSource("org.openred.testing.StorageEngines#both")
  @DisplayName("Node keys: insert-if-absent keeps the first writer, current() and all() read them back")
  void nodeKeyRepository(StorageEngines engine, Vertx vertx) {
    Database db = open(vertx, engine);
    await(Migrations.migrateKernel(db));
    NodeKeyRepository keys = new NodeKeyRepository(db.pool());
    assertTrue(await(keys.current("sig")).isEmpty());
    NodeKeyRepository.StoredKey first = new NodeKeyRepository.StoredKey("sig-1", "sig", "pub1", "sealed1",
        "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", null);
    NodeKeyRepository.StoredKey racer = new NodeKeyRepository.StoredKey("sig-1", "sig", "pub2", "sealed2",
        "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", null);
    assertTrue(await(keys.insertIfAbsent(first)));
    assertFalse(await(keys.insertIfAbsent(racer)));
    assertEquals(first, await(keys.current("sig")).orElseThrow());
    NodeKeyRepository.StoredKey second = new NodeKeyRepository.StoredKey("sig-2", "sig", "pub3", "sealed3",
        "2026-06-01T00:00:00Z", "2027-06-01T00:00:00Z", null);
    assertTrue(await(keys.insertIfAbsent(second)));
    assertEquals("sig-2", await(keys.current("sig")).orElseThrow().keyId());
    List<NodeKeyRepository.StoredKey> all = await(keys.all("sig"));
    assertEquals(List.of("sig-2", "sig-1"), all.stream().map(NodeKeyRepository.StoredKey::keyId).toList());
    assertTrue(await(keys.current("dh")).isEmpty());
  }

  @org.junit.jupiter.api.Test
  @DisplayName("SQLite's write-ahead log reaches the database file in the background, not at the writer's expense")
  void walCheckpointedInTheBackground(Vertx vertx) throws Exception {
    Database db = open(vertx, StorageEngines.SQLITE);
    await(Migrations.migrateKernel(db));
    java.util.List<Map<String, Object>> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      rows.add(Map.of("id", "e" + i, "body", "x".repeat(2_000)));
    }
    // About 6 MB, 1,500 pages: far below the safety net where SQLite would checkpoint by itself.
    await(SqlTemplate.forUpdate(db.pool(), "INSERT INTO inbound_envelopes (origin, envelope_id, type, body, received_at) "
        + "VALUES ('a.test', #{id}, 'direct_message', #{body}, 'now')").executeBatch(rows));
    Path file = storage.sqliteFile();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (java.nio.file.Files.size(file) < 5_000_000 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(java.nio.file.Files.size(file) >= 5_000_000, "the database file holds the rows: " + java.nio.file.Files.size(file));
    assertEquals(3_000L, await(SqlTemplate.forQuery(db.pool(), "SELECT COUNT(*) AS n FROM inbound_envelopes").execute(Map.of()))
        .iterator().next().getLong("n"));
  }

  @ParameterizedTest
  @MethodSource("org.openred.testing.StorageEngines#both")
  @DisplayName("A plain write after a transaction is committed: it survives closing the pool")
  void writesAfterATransactionAreDurable(StorageEngines engine, Vertx vertx) {
    Database db = open(vertx, engine);
    await(Migrations.migrateKernel(db));
    await(db.pool().withTransaction(conn -> conn.query("SELECT 1").execute()));
    NodeKeyRepository.StoredKey key = new NodeKeyRepository.StoredKey("dh-1", "dh", "pub", "sealed",
        "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", null);
    assertTrue(await(new NodeKeyRepository(db.pool()).insertIfAbsent(key)));
    await(db.close());
    database = await(Database.open(vertx, storage));
    assertEquals(key, await(new NodeKeyRepository(database.pool()).current("dh")).orElseThrow());
  }

  @ParameterizedTest
  @MethodSource("org.openred.testing.StorageEngines#both")
  @DisplayName("The schema refuses a key row with an unknown purpose")
  void schemaConstraints(StorageEngines engine, Vertx vertx) {
    Database db = open(vertx, engine);
    await(Migrations.migrateKernel(db));
    NodeKeyRepository keys = new NodeKeyRepository(db.pool());
    assertThrows(RuntimeException.class, () -> await(keys.insertIfAbsent(new NodeKeyRepository.StoredKey("x-1", "xor",
        "p", "s", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", null))));
  }
}
