package org.openred.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.openred.config.StorageConfig;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node's relational storage behind one {@link Pool}: the same SqlTemplate DML runs on SQLite
 * (through vertx-jdbc-client, on worker threads) and on PostgreSQL (vertx-pg-client).
 */
public final class Database {
  private final Pool pool;
  private final StorageConfig config;
  private final WalCheckpointer checkpointer;

  private Database(Pool pool, StorageConfig config, WalCheckpointer checkpointer) {
    this.pool = pool;
    this.config = config;
    this.checkpointer = checkpointer;
  }

  public Pool pool() {
    return pool;
  }

  public StorageConfig.Engine engine() {
    return config.engine();
  }

  public String describe() {
    return config.describe();
  }

  /** Opens the pool and proves it works with one round trip, so a wrong URL fails at start-up. */
  public static Future<Database> open(Vertx vertx, StorageConfig config) {
    Database database;
    try {
      database = config.engine() == StorageConfig.Engine.POSTGRESQL ? new Database(postgresPool(vertx, config), config, null)
          : sqlite(vertx, config);
    } catch (RuntimeException e) {
      return Future.failedFuture(new StorageException("cannot open " + config.describe() + ": " + e.getMessage()));
    }
    return database.ping()
        .map(database)
        .recover(failure -> database.close()
            .transform(ignored -> Future.failedFuture(
                new StorageException("cannot reach " + config.describe() + ": " + StorageException.reason(failure)))));
  }

  public Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  public Future<Void> close() {
    return checkpointer == null ? pool.close() : Future.all(pool.close(), checkpointer.close()).mapEmpty();
  }

  private static Pool postgresPool(Vertx vertx, StorageConfig config) {
    PgConnectOptions connect = PgConnectOptions.fromUri(config.postgresUri())
        .setReconnectAttempts(0)
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(256)
        .setPipeliningLimit(256);
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(8).setName("openred-pg").setShared(false).setConnectionTimeout(0))
        .with(new NetClientOptions().setConnectTimeout(5_000).setTcpNoDelay(true))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }

  private static Database sqlite(Vertx vertx, StorageConfig config) {
    Path file = config.sqliteFile().toAbsolutePath();
    try {
      if (!Files.isDirectory(file.getParent())) {
        PrivateFiles.directory(file.getParent()); // a directory it did not make (sqlite:/tmp/x.db, say) is left as it is
      }
      // SQLite gives its -wal and -shm files the database file's mode: an owner-only database keeps them owner-only.
      PrivateFiles.file(file);
      PrivateFiles.existingFile(Path.of(file + "-wal"));
      PrivateFiles.existingFile(Path.of(file + "-shm"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare " + file + ": " + e.getMessage());
    }
    SQLiteConfig sqlite = new SQLiteConfig();
    sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
    sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    sqlite.setWalAutocheckpoint(WalCheckpointer.SAFETY_NET_PAGES);
    sqlite.setBusyTimeout(10_000);
    sqlite.enforceForeignKeys(true);
    SQLiteDataSource dataSource = new SQLiteDataSource(sqlite);
    dataSource.setUrl("jdbc:sqlite:" + file);
    // SQLite has one writer at a time: one connection serialises writes without SQLITE_BUSY retries.
    // Neither pool has a wait timer: in vertx-sql-client 5.0.10 the timer firing as the connection is
    // handed over either completes the request twice ("Promise already completed") or never, and a
    // request that never completes stalls whatever queue waits on it (bench/social.sh showed a node
    // stalled for good). What waits is bounded above the pool: requests by --request-timeout,
    // envelopes by their sender's retries.
    Pool pool = JDBCPool.pool(vertx, new AutoCommitRestoringDataSource(dataSource),
        new PoolOptions().setMaxSize(1).setName("openred-sqlite").setConnectionTimeout(0));
    return new Database(pool, config, new WalCheckpointer(vertx, dataSource, file.toString()));
  }
}
