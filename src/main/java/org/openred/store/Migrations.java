package org.openred.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.config.StorageConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Versioned, forward-only schema migrations, one SQL file per version and engine under
 * {@code db/<engine>/}, listed in order in {@code db/<engine>/index}. Each version runs in its own
 * transaction and is recorded in {@code schema_version}; on PostgreSQL an advisory lock keeps two
 * instances of a clustered node from migrating at once.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  private static final long PG_LOCK_KEY = 0x6f70656e726564L; // "openred"

  private Migrations() {
  }

  public record Migration(int version, String name, List<String> statements) {
  }

  /** Applies what is missing and answers the schema version now in force. */
  public static Future<Integer> migrate(Database database) {
    List<Migration> migrations;
    try {
      migrations = load(database.engine());
    } catch (IOException e) {
      return Future.failedFuture(new StorageException("cannot read migrations: " + e.getMessage()));
    }
    boolean pg = database.engine() == StorageConfig.Engine.POSTGRESQL;
    return database.pool().withConnection(conn -> conn.query(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        .execute()
        .compose(ignored -> pg ? conn.preparedQuery("SELECT pg_advisory_lock($1)").execute(Tuple.of(PG_LOCK_KEY)).mapEmpty() : Future.succeededFuture())
        .compose(ignored -> applyMissing(conn, migrations))
        .eventually(() -> pg ? conn.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(PG_LOCK_KEY)) : Future.succeededFuture()))
        .recover(failure -> Future.failedFuture(failure instanceof StorageException ? failure
            : new StorageException("schema migration failed on " + database.describe() + ": " + StorageException.reason(failure))));
  }

  private static Future<Integer> applyMissing(SqlConnection conn, List<Migration> migrations) {
    return conn.query("SELECT version FROM schema_version").execute().compose(rows -> {
      Set<Integer> applied = new HashSet<>();
      rows.forEach(row -> applied.add(row.getInteger(0)));
      int newestKnown = migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
      int newestApplied = applied.stream().mapToInt(Integer::intValue).max().orElse(0);
      if (newestApplied > newestKnown) {
        return Future.failedFuture(new StorageException("the database has schema version " + newestApplied
            + ", newer than this OpenRed knows (" + newestKnown + "): run a newer release"));
      }
      Future<Void> chain = Future.succeededFuture();
      for (Migration migration : migrations) {
        if (!applied.contains(migration.version())) {
          chain = chain.compose(ignored -> apply(conn, migration));
        }
      }
      return chain.map(newestKnown);
    });
  }

  private static Future<Void> apply(SqlConnection conn, Migration migration) {
    return conn.begin().compose(tx -> {
      Future<Void> steps = Future.succeededFuture();
      for (String statement : migration.statements()) {
        steps = steps.compose(ignored -> conn.query(statement).execute().mapEmpty());
      }
      return steps
          .compose(ignored -> SqlTemplate.forUpdate(conn,
                  "INSERT INTO schema_version (version, name, applied_at) VALUES (#{version}, #{name}, #{applied_at})")
              .execute(Map.of("version", migration.version(), "name", migration.name(), "applied_at", Instant.now().toString())))
          .compose(ignored -> tx.commit())
          .onSuccess(ignored -> LOG.info("Applied schema migration {} ({})", migration.version(), migration.name()))
          .onFailure(failure -> tx.rollback());
    });
  }

  static List<Migration> load(StorageConfig.Engine engine) throws IOException {
    String folder = "db/" + engine.name().toLowerCase() + "/";
    List<Migration> migrations = new ArrayList<>();
    for (String line : resource(folder + "index").split("\n")) {
      String file = line.trim();
      if (file.isEmpty() || file.startsWith("#")) {
        continue;
      }
      // V001__node_keys.sql -> version 1, name node_keys
      int version = Integer.parseInt(file.substring(1, file.indexOf("__")));
      String name = file.substring(file.indexOf("__") + 2, file.lastIndexOf('.'));
      if (!migrations.isEmpty() && migrations.get(migrations.size() - 1).version() >= version) {
        throw new IOException(folder + "index is not in increasing version order at " + file);
      }
      migrations.add(new Migration(version, name, statements(resource(folder + file))));
    }
    return migrations;
  }

  /** Splits on semicolons that end a line; migration files keep one statement per such block. */
  static List<String> statements(String sql) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : sql.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") || trimmed.isEmpty()) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String statement = current.toString().strip();
        statements.add(statement.substring(0, statement.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      statements.add(current.toString().strip());
    }
    return statements;
  }

  private static String resource(String path) throws IOException {
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
