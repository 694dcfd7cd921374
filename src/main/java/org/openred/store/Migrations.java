package org.openred.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Versioned, forward-only schema migrations per module: one SQL file per version and engine under
 * {@code db/<engine>/<module>/}, listed in order in its {@code index} ({@code 001_name.sql}, ...),
 * read through the module's own class loader (a plugin's jar holds its own). Each version runs in
 * its own transaction and is recorded in {@code module_schema(module, version)}; on PostgreSQL an
 * advisory lock keeps two instances of a clustered node from migrating at once. A database made
 * before migrations were per module (one {@code schema_version} for all) is carried over first.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  private static final long PG_LOCK_KEY = 0x6f70656e726564L; // "openred"
  private static final Pattern FILE = Pattern.compile("([0-9]{3})_([a-z0-9_]+)\\.sql");
  /** The kernel's tables: node keys, peer keys, federation inbox and outbox. */
  public static final String KERNEL = "kernel";
  /**
   * Where each version of the one global schema (releases up to 2026-12-01) went: its module and
   * version there. A database of those releases has applied exactly these.
   */
  public static final Map<Integer, Owner> GLOBAL_VERSIONS = Map.of(
      1, new Owner(KERNEL, 1), 2, new Owner("registry", 1), 3, new Owner(KERNEL, 2), 4, new Owner(KERNEL, 3),
      5, new Owner("accounts", 1), 6, new Owner("messaging", 1), 7, new Owner(KERNEL, 4));

  private Migrations() {
  }

  public record Owner(String module, int version) {
  }

  public record Migration(int version, String name, List<String> statements) {
  }

  /** A module's migrations: its name (their folder) and the class loader that holds them. */
  public record Source(String module, ClassLoader loader) {
  }

  /** Applies what is missing for each of these, in this order, and answers each one's version now in force. */
  public static Future<Map<String, Integer>> migrate(Database database, List<Source> sources) {
    Map<String, List<Migration>> byModule = new LinkedHashMap<>();
    try {
      for (Source source : sources) {
        byModule.put(source.module(), load(database.engine(), source));
      }
    } catch (IOException | RuntimeException e) {
      return Future.failedFuture(new StorageException("cannot read migrations: " + e.getMessage()));
    }
    boolean pg = database.engine() == StorageConfig.Engine.POSTGRESQL;
    return database.pool().withConnection(conn -> conn.query("CREATE TABLE IF NOT EXISTS module_schema (module TEXT NOT NULL, "
                + "version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))")
            .execute()
            .compose(ignored -> pg ? conn.preparedQuery("SELECT pg_advisory_lock($1)").execute(Tuple.of(PG_LOCK_KEY)).mapEmpty() : Future.succeededFuture())
            .compose(ignored -> carryOverGlobal(conn, pg))
            .compose(ignored -> applyMissing(conn, byModule))
            .eventually(() -> pg ? conn.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(PG_LOCK_KEY)) : Future.succeededFuture()))
        .recover(failure -> Future.failedFuture(failure instanceof StorageException ? failure
            : new StorageException("schema migration failed on " + database.describe() + ": " + StorageException.reason(failure))));
  }

  /** The kernel's migrations alone, for the command line and tests that need the node's own tables only. */
  public static Future<Map<String, Integer>> migrateKernel(Database database) {
    return migrate(database, List.of(new Source(KERNEL, Migrations.class.getClassLoader())));
  }

  /**
   * A database of the releases with one global schema version: its versions recorded per module, in
   * one transaction, once (module_schema empty). Its {@code schema_version} table is left as it was.
   */
  private static Future<Void> carryOverGlobal(SqlConnection conn, boolean pg) {
    String exists = pg ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'schema_version' AND table_schema = current_schema()"
        : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
    return conn.query("SELECT COUNT(*) FROM module_schema").execute().compose(recorded -> recorded.iterator().next().getLong(0) > 0
        ? Future.succeededFuture()
        : conn.query(exists).execute().compose(found -> found.iterator().next().getLong(0) == 0 ? Future.succeededFuture()
            : conn.query("SELECT version, name, applied_at FROM schema_version ORDER BY version").execute().compose(rows -> {
              List<Map<String, Object>> carried = new ArrayList<>();
              for (Row row : rows) {
                Owner owner = GLOBAL_VERSIONS.get(row.getInteger("version"));
                if (owner == null) {
                  return Future.failedFuture(new StorageException("the database has schema version " + row.getInteger("version")
                      + ", newer than this OpenRed knows: run a newer release"));
                }
                carried.add(Map.of("m", owner.module(), "v", owner.version(), "n", row.getString("name"), "t", row.getString("applied_at")));
              }
              if (carried.isEmpty()) {
                return Future.succeededFuture();
              }
              return conn.begin().compose(tx -> SqlTemplate.forUpdate(conn,
                      "INSERT INTO module_schema (module, version, name, applied_at) VALUES (#{m}, #{v}, #{n}, #{t})")
                  .executeBatch(carried)
                  .compose(ignored -> tx.commit())
                  .onSuccess(ignored -> LOG.info("Carried {} schema versions over to per-module versions", carried.size()))
                  .onFailure(failure -> tx.rollback()));
            })));
  }

  private static Future<Map<String, Integer>> applyMissing(SqlConnection conn, Map<String, List<Migration>> byModule) {
    return conn.query("SELECT module, version FROM module_schema").execute().compose(rows -> {
      Map<String, Set<Integer>> applied = new HashMap<>();
      rows.forEach(row -> applied.computeIfAbsent(row.getString("module"), m -> new HashSet<>()).add(row.getInteger("version")));
      Map<String, Integer> versions = new LinkedHashMap<>();
      Future<Void> chain = Future.succeededFuture();
      for (Map.Entry<String, List<Migration>> entry : byModule.entrySet()) {
        String module = entry.getKey();
        List<Migration> migrations = entry.getValue();
        Set<Integer> done = applied.getOrDefault(module, Set.of());
        int newestKnown = migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
        int newestApplied = done.stream().mapToInt(Integer::intValue).max().orElse(0);
        if (newestApplied > newestKnown) {
          return Future.failedFuture(new StorageException("the database has version " + newestApplied + " of module " + module
              + ", newer than this OpenRed knows (" + newestKnown + "): run a newer release"));
        }
        for (Migration migration : migrations) {
          if (!done.contains(migration.version())) {
            chain = chain.compose(ignored -> apply(conn, module, migration));
          }
        }
        versions.put(module, newestKnown);
      }
      return chain.map(versions);
    });
  }

  private static Future<Void> apply(SqlConnection conn, String module, Migration migration) {
    return conn.begin().compose(tx -> {
      Future<Void> steps = Future.succeededFuture();
      for (String statement : migration.statements()) {
        steps = steps.compose(ignored -> conn.query(statement).execute().mapEmpty());
      }
      return steps
          .compose(ignored -> SqlTemplate.forUpdate(conn,
                  "INSERT INTO module_schema (module, version, name, applied_at) VALUES (#{module}, #{version}, #{name}, #{applied_at})")
              .execute(Map.of("module", module, "version", migration.version(), "name", migration.name(),
                  "applied_at", Instant.now().toString())))
          .compose(ignored -> tx.commit())
          .onSuccess(ignored -> LOG.info("Applied schema migration {} {} ({})", module, migration.version(), migration.name()))
          .onFailure(failure -> tx.rollback());
    });
  }

  public static List<Migration> load(StorageConfig.Engine engine, Source source) throws IOException {
    String folder = "db/" + engine.name().toLowerCase() + "/" + source.module() + "/";
    List<Migration> migrations = new ArrayList<>();
    for (String line : resource(source.loader(), folder + "index").split("\n")) {
      String file = line.trim();
      if (file.isEmpty() || file.startsWith("#")) {
        continue;
      }
      var name = FILE.matcher(file);
      if (!name.matches()) {
        throw new IOException(folder + "index names " + file + ", not NNN_name.sql");
      }
      int version = Integer.parseInt(name.group(1));
      if (version != migrations.size() + 1) {
        throw new IOException(folder + "index must number its versions 1, 2, 3... in order; " + file + " is out of place");
      }
      migrations.add(new Migration(version, name.group(2), statements(resource(source.loader(), folder + file))));
    }
    return migrations;
  }

  /** Splits on semicolons that end a line; migration files keep one statement per such block. */
  public static List<String> statements(String sql) {
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

  private static String resource(ClassLoader loader, String path) throws IOException {
    try (InputStream in = loader.getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
