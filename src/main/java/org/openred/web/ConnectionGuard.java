package org.openred.web;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import org.openred.config.OpenRedConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Slow-header (slowloris) and connection-flood protection, shared by every HTTP server instance of
 * the process: a connection must deliver each request head within the header timeout (the idle
 * timeout does not help, a byte every few seconds keeps it alive), and one address holds at most
 * so many open connections; past that a new one is closed at once.
 */
public final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  /** Between two requests of a kept-alive connection the server's idle timeout applies first. */
  static final int IDLE_TIMEOUT_SECONDS = 60;
  private final long headMillis;
  private final int perAddress;
  private final Map<String, Integer> open = new ConcurrentHashMap<>();
  private final Map<HttpConnection, Long> deadlines = new ConcurrentHashMap<>();

  public ConnectionGuard(OpenRedConfig config) {
    this.headMillis = TimeUnit.SECONDS.toMillis(config.headerTimeoutSeconds());
    this.perAddress = config.connectionsPerAddress();
  }

  /** A new connection: counted against its address, and given the header timeout for its first request. */
  void opened(Vertx vertx, HttpConnection connection) {
    String address = connection.remoteAddress() == null || connection.remoteAddress().hostAddress() == null
        ? "unknown" : connection.remoteAddress().hostAddress();
    if (open.merge(address, 1, Integer::sum) > perAddress) {
      open.merge(address, -1, Integer::sum);
      LOG.debug("Closing a connection from {}: it already holds {} open connections", address, perAddress);
      connection.close();
      return;
    }
    connection.closeHandler(closed -> {
      open.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
      Long timer = deadlines.remove(connection);
      if (timer != null) {
        vertx.cancelTimer(timer);
      }
    });
    arm(vertx, connection, headMillis);
  }

  /** A request head arrived: its deadline is met; the next one is armed once the answer is sent. */
  void headReceived(Vertx vertx, io.vertx.core.http.HttpServerRequest request) {
    HttpConnection connection = request.connection();
    Long timer = deadlines.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
    if (request.canUpgradeToWebSocket()) {
      return; // a WebSocket lives on, under the bridge's own ping timeout
    }
    request.response().endHandler(done -> arm(vertx, connection, TimeUnit.SECONDS.toMillis(IDLE_TIMEOUT_SECONDS) + headMillis));
  }

  private void arm(Vertx vertx, HttpConnection connection, long millis) {
    long timer = vertx.setTimer(millis, id -> {
      if (deadlines.remove(connection, id)) {
        LOG.debug("Closing a connection from {}: no complete request head within {} ms", connection.remoteAddress(), millis);
        connection.close();
      }
    });
    Long previous = deadlines.put(connection, timer);
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
  }
}
