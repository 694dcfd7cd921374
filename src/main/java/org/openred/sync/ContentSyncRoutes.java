package org.openred.sync;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.openred.federation.inbound.FederationRoutes;
import org.openred.kernel.Problem;
import org.openred.node.RouteModule;
import org.openred.node.SyncSource;
import org.openred.web.JsonExchange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /federation/v1/content_sync} with a {@code content_sync} envelope {since}: the envelopes
 * each module sent the asking node after the cursor, oldest first per module, and the cursor after
 * them: {events, next}. The request is signed by the asking node (checked before this route), which
 * gets only what was addressed to it.
 */
final class ContentSyncRoutes implements RouteModule {
  static final int PAGE = 100;
  private final String domain;
  private final List<SyncSource> sources;

  ContentSyncRoutes(String domain, List<SyncSource> sources) {
    this.domain = domain;
    this.sources = List.copyOf(sources);
  }

  @Override
  public void mount(Router router) {
    router.post("/federation/v1/content_sync").handler(this::contentSync);
  }

  private void contentSync(RoutingContext ctx) {
    JsonObject envelope = JsonExchange.body(ctx);
    String origin = FederationRoutes.origin(ctx);
    JsonObject from = envelope.getValue("from") instanceof JsonObject f ? f : new JsonObject();
    JsonObject to = envelope.getValue("to") instanceof JsonObject t ? t : new JsonObject();
    if (!"content_sync".equals(envelope.getValue("type")) || !(envelope.getValue("payload") instanceof JsonObject payload)) {
      throw new Problem(400, "wrong-endpoint", "this endpoint takes a content_sync envelope");
    }
    if (origin == null || !origin.equals(from.getValue("domain"))) {
      throw new Problem(403, "origin-mismatch", "a node asks for itself");
    }
    if (!domain.equals(to.getValue("domain"))) {
      throw new Problem(400, "wrong-destination", "the envelope is addressed to " + to.getValue("domain"));
    }
    Map<String, String> positions = SyncCursor.parse(payload.getValue("since"));
    List<Future<SyncSource.Page>> pages = new ArrayList<>();
    sources.forEach(source -> pages.add(source.since(origin, positions.get(source.module()), PAGE)));
    Future.all(pages).onSuccess(all -> {
      JsonArray events = new JsonArray();
      Map<String, String> next = new HashMap<>(positions);
      for (int i = 0; i < sources.size(); i++) {
        SyncSource.Page page = pages.get(i).result();
        page.events().forEach(events::add);
        if (page.next() != null) {
          next.put(sources.get(i).module(), page.next());
        }
      }
      JsonExchange.send(ctx, 200, new JsonObject().put("events", events).put("next", SyncCursor.format(next)));
    }).onFailure(ctx::fail);
  }
}
