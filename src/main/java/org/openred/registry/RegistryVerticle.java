package org.openred.registry;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openred.kernel.Operations;
import org.openred.cache.SharedCache;
import org.openred.config.FederationDomain;
import org.openred.config.OpenRedConfig;
import org.openred.crypto.B64u;
import org.openred.crypto.Ed25519;
import org.openred.crypto.NodeId;
import org.openred.crypto.X25519;
import org.openred.discovery.KeyDocument;
import org.openred.net.OutboundHttp;
import org.openred.store.Database;
import org.openred.kernel.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The registry's directory (PROTOCOL.md section 6a): registration with proof of possession and
 * proof of URL control, heartbeats, discovery. Requests arrive over the event bus with their
 * HTTP signature already verified by the routes; discovery answers are cached (Redis when
 * configured) and invalidated on registration and on a heartbeat that revives a node.
 */
public final class RegistryVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryVerticle.class);
  private static final Duration CACHE_TTL = Duration.ofSeconds(60);
  public static final int MAX_SEARCH = 100;

  private final OpenRedConfig config;
  private final Database database;
  private final SharedCache cache;
  private final OutboundHttp http;
  private final Clock clock;
  private RegistryStore store;

  public RegistryVerticle(OpenRedConfig config, Database database, SharedCache cache, OutboundHttp http, Clock clock) {
    this.config = config;
    this.database = database;
    this.cache = cache;
    this.http = http;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    store = new RegistryStore(database.pool());
    return Future.all(
        serve(RegistryAddresses.REGISTER, this::register).completion(),
        serve(RegistryAddresses.HEARTBEAT, this::heartbeat).completion(),
        serve(RegistryAddresses.DISCOVER, this::discover).completion());
  }

  private io.vertx.core.eventbus.MessageConsumer<JsonObject> serve(String address, Function<JsonObject, Future<JsonObject>> handler) {
    return Operations.serve(vertx, address, false, LOG, body -> handler.apply(body).recover(failure ->
        Future.failedFuture(failure instanceof RegistryStore.DomainTakenException taken ? new Problem(409, "domain-taken", taken.getMessage()) : failure)));
  }

  /**
   * {node_id, domain, api_url, keys:{sig, dh}}, already signed by keys.sig (checked by the route).
   * Answers {created: bool, node: {…}}.
   */
  private Future<JsonObject> register(JsonObject body) {
    String nodeId = text(body, "node_id");
    String domain = FederationDomain.normalise(text(body, "domain"));
    String sig = text(body.getJsonObject("keys", new JsonObject()), "sig");
    String dh = text(body.getJsonObject("keys", new JsonObject()), "dh");
    if (domain == null) {
      throw new Problem(400, "invalid-field", "domain is not a host name with an optional :port");
    }
    try {
      B64u.decode(sig, Ed25519.PUBLIC_KEY_SIZE, "keys.sig");
      B64u.decode(dh, X25519.KEY_SIZE, "keys.dh");
    } catch (IllegalArgumentException e) {
      throw new Problem(400, "invalid-field", e.getMessage());
    }
    if (!NodeId.of(B64u.decode(sig)).equals(nodeId)) {
      throw new Problem(400, "fingerprint-mismatch", "node_id is not the fingerprint of keys.sig");
    }
    URI apiUrl = apiUrl(text(body, "api_url"));
    return http.check(apiUrl, false)
        .compose(target -> http.get(target, OutboundHttp.basePath(apiUrl) + "/.well-known/openred", OutboundHttp.DEFAULT_MAX_BYTES)
            // The api_url is the caller's input: what went wrong with it is the caller's 4xx, not a registry fault.
            .map(KeyDocument::parse)
            .recover(failure -> Future.failedFuture(failure instanceof Problem problem && problem.status() >= 500
                ? new Problem(400, problem.type().replaceFirst("^peer-", "api-url-"), "api_url " + apiUrl + ": " + problem.getMessage())
                : failure)))
        .compose(doc -> {
          if (!doc.nodeId().equals(nodeId) || !doc.lists(sig) || !doc.dhKey().equals(dh) || !doc.domain().equals(domain)) {
            return Future.failedFuture(new Problem(400, "key-document-mismatch",
                "the key document at " + apiUrl + " does not show this node_id, domain and keys"));
          }
          String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
          NodeRecord record = new NodeRecord(nodeId, domain, apiUrl.toString(), sig, dh, now, now, now);
          return store.upsert(record).compose(previous -> invalidate(record, previous).map(ignored -> {
            LOG.info("Registry: {} {} as {} at {}", previous.isPresent() ? "updated" : "registered", nodeId, domain, apiUrl);
            return new JsonObject().put("created", previous.isEmpty()).put("node", record.toJson(clock.instant()));
          }));
        });
  }

  /** {node_id}: answers {} or fails 404 unknown-node. */
  private Future<JsonObject> heartbeat(JsonObject body) {
    String nodeId = text(body, "node_id");
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    return store.heartbeat(nodeId, now.toString()).compose(previous -> {
      if (previous.isEmpty()) {
        return Future.failedFuture(new Problem(404, "unknown-node", "no node " + nodeId + " is registered"));
      }
      boolean revived = !previous.get().active(now);
      return (revived ? invalidate(previous.get(), Optional.empty()) : Future.<Void>succeededFuture()).map(new JsonObject());
    });
  }

  /** {domain} or {node_id} or {q, limit}: answers {nodes: [...]}. */
  private Future<JsonObject> discover(JsonObject body) {
    Instant now = clock.instant();
    if (body.getString("domain") != null) {
      return cached("discover:domain:" + body.getString("domain").toLowerCase(Locale.ROOT),
          () -> store.byDomain(body.getString("domain").toLowerCase(Locale.ROOT)))
          .map(found -> nodes(found.map(List::of).orElse(List.of()), now));
    }
    if (body.getString("node_id") != null) {
      return cached("discover:node:" + body.getString("node_id"), () -> store.byNodeId(body.getString("node_id")))
          .map(found -> nodes(found.map(List::of).orElse(List.of()), now));
    }
    String q = body.getString("q");
    if (q == null || q.isBlank() || q.length() > 255) {
      throw new Problem(400, "invalid-query", "give domain, node_id, or q (1 to 255 characters)");
    }
    int limit = body.getInteger("limit", 20);
    return store.search(q.toLowerCase(Locale.ROOT), Math.max(1, Math.min(limit, MAX_SEARCH))).map(found -> nodes(found, now));
  }

  private Future<Optional<NodeRecord>> cached(String key, java.util.function.Supplier<Future<Optional<NodeRecord>>> load) {
    return cache.get(key).recover(failure -> Future.succeededFuture(null)).compose(hit -> {
      if (hit != null) {
        return Future.succeededFuture(hit.isEmpty() ? Optional.<NodeRecord>empty() : Optional.of(NodeRecord.fromCache(new JsonObject(hit))));
      }
      return load.get().compose(found -> cache.put(key, found.map(r -> r.toCache().encode()).orElse(""), CACHE_TTL)
          .recover(failure -> Future.succeededFuture())
          .map(found));
    });
  }

  /** Drops every cached answer a change touches: both domains when a node moved. */
  private Future<Void> invalidate(NodeRecord record, Optional<NodeRecord> previous) {
    List<Future<Void>> deletes = new java.util.ArrayList<>(List.of(
        cache.delete("discover:domain:" + record.domain()), cache.delete("discover:node:" + record.nodeId())));
    previous.filter(p -> !p.domain().equals(record.domain())).ifPresent(p -> deletes.add(cache.delete("discover:domain:" + p.domain())));
    return Future.all(deletes).mapEmpty();
  }

  private static JsonObject nodes(List<NodeRecord> records, Instant now) {
    JsonArray array = new JsonArray();
    records.forEach(record -> array.add(record.toJson(now)));
    return new JsonObject().put("nodes", array);
  }

  private static URI apiUrl(String value) {
    try {
      URI uri = new URI(value);
      if (uri.getScheme() == null || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
          || uri.getRawUserInfo() != null) {
        throw new Problem(400, "forbidden-url", "api_url must be an absolute URL without user info, query or fragment");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new Problem(400, "forbidden-url", "api_url is not a URL");
    }
  }

  private static String text(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (!(value instanceof String text) || text.isEmpty() || text.length() > 2048) {
      throw new Problem(400, "invalid-field", field + " must be a non-empty string");
    }
    return text;
  }
}
