package org.openred.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.RejectedExecutionException;

/**
 * Copies SQLite's write-ahead log into the database file in the background, on its own connection
 * and thread, once a second. Left to SQLite, the checkpoint runs inside whichever commit crosses
 * 1,000 log pages, and every statement queued on the node's one connection waits for its copying
 * and fsync: that shows in the federation benchmark's p99. PASSIVE never waits for, nor blocks,
 * readers and the writer. The node's connection keeps
 * an automatic checkpoint at {@link #SAFETY_NET_PAGES}, should this one fall behind.
 */
final class WalCheckpointer {
  static final int SAFETY_NET_PAGES = 20_000;
  static final long INTERVAL_MS = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(WalCheckpointer.class);

  private final Vertx vertx;
  private final DataSource dataSource;
  private final WorkerExecutor thread;
  private final long timer;
  private Connection connection;
  private boolean running;
  private boolean warned;
  private volatile boolean closed;

  WalCheckpointer(Vertx vertx, DataSource dataSource, String file) {
    this.vertx = vertx;
    this.dataSource = dataSource;
    // Its own thread per database file: closing one database never stops another's checkpoints.
    this.thread = vertx.createSharedWorkerExecutor("openred-sqlite-checkpoint " + file, 1);
    this.timer = vertx.setPeriodic(INTERVAL_MS, id -> checkpoint());
  }

  private void checkpoint() {
    if (running || closed) {
      return;
    }
    running = true;
    try {
      run();
    } catch (RejectedExecutionException e) {
      running = false; // Vert.x is closing its pools: nothing to checkpoint for
    }
  }

  private void run() {
    thread.executeBlocking(() -> {
      if (connection == null) {
        connection = dataSource.getConnection();
      }
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA wal_checkpoint(PASSIVE)");
      }
      return null;
    }).onComplete(done -> {
      running = false;
      if (done.failed() && !warned) {
        warned = true; // once: SQLite's own checkpoint at the safety net still bounds the log
        LOG.warn("Background WAL checkpoint failed: {}", done.cause().getMessage());
      }
    });
  }

  Future<Void> close() {
    closed = true;
    vertx.cancelTimer(timer);
    Future<Void> closing;
    try {
      closing = thread.executeBlocking(() -> {
        if (connection != null) {
          try {
            connection.close();
          } catch (SQLException e) {
            LOG.debug("Closing the checkpoint connection: {}", e.getMessage());
          }
        }
        return null;
      }).mapEmpty();
    } catch (RejectedExecutionException e) {
      closing = Future.succeededFuture(); // Vert.x closed its pools first; the connection goes with the process
    }
    return closing.eventually(thread::close);
  }
}
