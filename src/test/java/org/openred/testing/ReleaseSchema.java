package org.openred.testing;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.config.StorageConfig;
import org.openred.store.Migrations;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/**
 * The schema of the releases with one global schema version (up to 2026-12-01), built the way they
 * built it: versions 1, 2, 3... of the global index, each recorded in {@code schema_version}. Their
 * statements are today's files, moved to the modules' folders and never edited (migrations are
 * forward only), found through {@link Migrations#GLOBAL_VERSIONS}: what an upgrade test starts on.
 */
public final class ReleaseSchema {
  private ReleaseSchema() {
  }

  /** Global versions 1 to {@code upTo} and their {@code schema_version} rows, inside the caller's transaction. */
  public static Future<Void> build(SqlConnection conn, StorageConfig.Engine engine, int upTo) {
    Future<?> chain = conn.query("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        .execute();
    for (int version = 1; version <= upTo; version++) {
      Migrations.Owner owner = Migrations.GLOBAL_VERSIONS.get(version);
      Migrations.Migration migration;
      try {
        migration = Migrations.load(engine, new Migrations.Source(owner.module(), Migrations.class.getClassLoader())).get(owner.version() - 1);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      for (String statement : migration.statements()) {
        chain = chain.compose(ignored -> conn.query(statement).execute());
      }
      int global = version;
      chain = chain.compose(ignored -> SqlTemplate.forUpdate(conn, "INSERT INTO schema_version (version, name, applied_at) VALUES (#{v}, #{n}, #{t})")
          .execute(Map.of("v", global, "n", migration.name(), "t", Instant.now().toString())));
    }
    return chain.mapEmpty();
  }
}
