package org.openred.bench;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.config.StorageConfig;
import org.openred.store.Database;
import org.openred.store.Migrations;
import org.openred.testing.TestNodes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Round-trip cost of the SQLite pool (vertx-jdbc-client): run with bench/storage-probe.sh. */
public final class SqliteProbe {
  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    Path dir = TestNodes.tempDir("probe");
    Database db = TestNodes.await(Database.open(vertx, StorageConfig.sqlite(dir.resolve("p.db"))));
    TestNodes.await(Migrations.migrateKernel(db));
    // Rounds until the JIT has compiled the client's paths; the last one is printed.
    int n = 2_000;
    double transaction = 0;
    double select = 0;
    for (int round = 0; round < 5; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int j = 0; j < 15; j++) {
          rows.add(Map.of("origin", "o", "id", round + "-" + i + "-" + j, "type", "t", "body", "x".repeat(600), "now", "n"));
        }
        TestNodes.await(db.pool().withTransaction(conn -> SqlTemplate.forUpdate(conn,
            "INSERT INTO inbound_envelopes (origin, envelope_id, type, body, received_at) VALUES (#{origin}, #{id}, #{type}, #{body}, #{now})")
            .executeBatch(rows)));
      }
      transaction = (System.nanoTime() - t0) / 1e6 / n;
      t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        TestNodes.await(db.pool().query("SELECT 1").execute());
      }
      select = (System.nanoTime() - t0) / 1e6 / n;
    }
    System.out.printf("withTransaction + executeBatch(15): %.2f ms each (after 4 rounds of %d to warm up)%n", transaction, n);
    System.out.printf("SELECT 1: %.3f ms each%n", select);
    TestNodes.await(vertx.close());
    TestNodes.deleteRecursively(dir);
  }
}
