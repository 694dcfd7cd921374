package org.openred.social;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.kernel.Operations;
import org.openred.kernel.Problem;
import org.openred.node.NodeServices;
import org.openred.node.SyncSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The social module's part of content_sync: the envelopes it sent a node after a cursor (a position in
 * {@code sync_log}), oldest first; and the log's retention, pruned every hour.
 */
public final class SyncLogVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SyncLogVerticle.class);
  static final String ADDRESS = "openred.social.sync";
  private final NodeServices services;
  private final Duration retention;
  private long timer;

  public SyncLogVerticle(NodeServices services, Duration retention) {
    this.services = services;
    this.retention = retention;
  }

  /** The source the sync module asks: this verticle, over the event bus. */
  static SyncSource source(io.vertx.core.Vertx vertx) {
    return new SyncSource() {
      @Override
      public String module() {
        return SocialAddresses.AREA;
      }

      @Override
      public Future<Page> since(String askingDomain, String cursor, int limit) {
        return vertx.eventBus().<JsonObject>request(ADDRESS, new JsonObject().put("domain", askingDomain).put("after", cursor).put("limit", limit))
            .map(reply -> new Page(reply.body().getJsonArray("events"), reply.body().getString("next")));
      }
    };
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(60_000, 3_600_000, id -> prune());
    return Operations.serveAll(vertx, LOG, Map.of(ADDRESS, this::since));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** {domain, after?, limit} -> {events, next}: next is the cursor after the last event (or the one given). */
  private Future<JsonObject> since(JsonObject body) {
    String after = body.getString("after");
    long from;
    try {
      from = after == null ? 0 : Long.parseLong(after);
    } catch (NumberFormatException e) {
      throw new Problem(400, "invalid-cursor", "since is a cursor from an earlier answer");
    }
    int limit = Math.max(1, Math.min(100, body.getInteger("limit", 100)));
    return SqlTemplate.forQuery(services.database().pool(), "SELECT seq, body FROM sync_log WHERE destination = #{d} AND seq > #{s} ORDER BY seq LIMIT " + limit)
        .execute(Map.of("d", body.getString("domain"), "s", from)).map(rows -> {
          JsonArray events = new JsonArray();
          long last = from;
          for (var row : rows) {
            events.add(new JsonObject(row.getString("body")));
            last = row.getLong("seq");
          }
          return new JsonObject().put("events", events).put("next", Long.toString(last));
        });
  }

  private void prune() {
    SqlTemplate.forUpdate(services.database().pool(), "DELETE FROM sync_log WHERE created_at < #{before}")
        .execute(Map.of("before", Instant.now().minus(retention).toString()))
        .onSuccess(result -> {
          if (result.rowCount() > 0) {
            LOG.info("Pruned {} envelopes older than {} days from the sync log", result.rowCount(), retention.toDays());
          }
        })
        .onFailure(failure -> LOG.warn("Pruning the sync log failed: {}", failure.getMessage()));
  }
}
