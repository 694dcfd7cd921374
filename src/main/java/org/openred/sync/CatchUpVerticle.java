package org.openred.sync;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.federation.FederationClient;
import org.openred.federation.NodeEnvelopes;
import org.openred.kernel.Addresses;
import org.openred.node.NodeServices;
import org.openred.social.GraphClient;
import org.openred.web.StrictJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Asks each node this node's users are connected with for the envelopes it missed (content_sync), a
 * few seconds after start (a node back from a long absence catches up at once) and then at an
 * interval, one node after the other, from the cursor it reached last. What comes back enters the
 * inbound pipeline as routed envelopes: each one's own signature is checked, an envelope already
 * received is not applied again, so what was missed is applied once.
 */
final class CatchUpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CatchUpVerticle.class);
  private static final int MAX_PAGES = 20;

  private final NodeServices services;
  private final long intervalMs;
  private FederationClient federation;
  private NodeEnvelopes envelopes;
  private GraphClient graph;
  private boolean running;
  private long timer;

  CatchUpVerticle(NodeServices services, int intervalSeconds) {
    this.services = services;
    this.intervalMs = intervalSeconds * 1000L;
  }

  @Override
  public Future<?> start() {
    federation = new FederationClient(vertx, services);
    graph = new GraphClient(vertx);
    return NodeEnvelopes.load(vertx, services.config().domain()).onSuccess(loaded -> {
      envelopes = loaded;
      timer = vertx.setPeriodic(2_000, intervalMs, id -> round());
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void round() {
    if (running) {
      return;
    }
    running = true;
    graph.peerDomains().compose(domains -> {
      Future<Void> chain = Future.succeededFuture();
      for (String domain : domains) {
        chain = chain.compose(ignored -> catchUp(domain, 0).recover(failure -> {
          LOG.debug("content_sync with {} failed: {}", domain, failure.getMessage());
          return Future.succeededFuture();
        }));
      }
      return chain;
    }).onComplete(done -> running = false);
  }

  private Future<Void> catchUp(String domain, int page) {
    var pool = services.database().pool();
    return SqlTemplate.forQuery(pool, "SELECT cursor FROM sync_cursors WHERE domain = #{d}").execute(Map.of("d", domain))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("cursor"))
        .compose(cursor -> {
          JsonObject request = envelopes.create("content_sync", null, new JsonObject().put("domain", domain),
              new JsonObject().put("since", cursor));
          return envelopes.signAll(List.of(request)).compose(signed -> federation.send(domain, HttpMethod.POST, "/content_sync",
              signed.get(0).toBuffer(), 8 * 1024 * 1024));
        })
        .compose(response -> {
          if (response.status() != 200) {
            return Future.failedFuture(new IllegalStateException(domain + " answered " + response.status()));
          }
          JsonObject answer = StrictJson.parseObject(response.body());
          JsonArray events = new JsonArray();
          // Only what the asked node sent itself: its signature on each is checked by the inbound pipeline.
          answer.getJsonArray("events", new JsonArray()).forEach(event -> {
            if (event instanceof JsonObject envelope && envelope.getValue("from") instanceof JsonObject from && domain.equals(from.getValue("domain"))) {
              events.add(envelope);
            }
          });
          String next = answer.getValue("next") instanceof String n ? n : null;
          Future<?> applied = events.isEmpty() ? Future.succeededFuture()
              : vertx.eventBus().request(Addresses.FEDERATION_RECEIVE, new JsonObject().putNull("origin").put("envelopes", events));
          return applied.compose(ignored -> next == null ? Future.succeededFuture() : SqlTemplate.forUpdate(pool,
                      "INSERT INTO sync_cursors (domain, cursor, synced_at) VALUES (#{d}, #{c}, #{t}) "
                          + "ON CONFLICT (domain) DO UPDATE SET cursor = #{c}, synced_at = #{t}")
                  .execute(Map.of("d", domain, "c", next, "t", Instant.now().toString())).mapEmpty())
              .compose(ignored -> {
                if (!events.isEmpty()) {
                  LOG.info("Caught up {} envelopes from {}", events.size(), domain);
                }
                return events.size() >= ContentSyncRoutes.PAGE && page < MAX_PAGES ? catchUp(domain, page + 1) : Future.succeededFuture();
              });
        });
  }
}
