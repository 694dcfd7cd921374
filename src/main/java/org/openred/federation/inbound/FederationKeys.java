package org.openred.federation.inbound;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.core.eventbus.ReplyException;
import org.openred.kernel.Addresses;
import org.openred.crypto.B64u;
import org.openred.federation.signature.RequestVerifier;
import org.openred.net.OutboundHttp;
import org.openred.node.NodeServices;
import org.openred.web.StrictJson;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Keys that may sign federation requests: a keyid is a domain, resolved through discovery
 * (section 3, never from a URL in the request), or "registry" for the configured registry's pushes.
 */
public final class FederationKeys implements RequestVerifier.KeyResolver {
  public static final String REGISTRY_KEY_ID = "registry";
  private final Vertx vertx;
  private final NodeServices services;
  private static final long RECENT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
  private static final int RECENT_MAX = 10_000;
  private final LocalMap<String, Known> recent;
  private volatile Future<List<byte[]>> registryKeys;

  public FederationKeys(Vertx vertx, NodeServices services) {
    this.vertx = vertx;
    this.services = services;
    // One map for the whole process: a key refreshed by the HTTP check is the key the envelope check sees.
    this.recent = vertx.sharedData().getLocalMap("openred.federation.recent-keys");
  }

  @Override
  public Future<List<byte[]>> keys(String keyId) {
    if (keyId.equals(REGISTRY_KEY_ID)) {
      return registryKeys();
    }
    Known known = recent.get(keyId);
    if (known != null && known.until() - System.nanoTime() > 0) {
      return Future.succeededFuture(known.keys());
    }
    return vertx.eventBus().<JsonObject>request(Addresses.DISCOVERY_RESOLVE, new JsonObject().put("domain", keyId))
        .map(reply -> remember(keyId, validKeys(reply.body())))
        .recover(failure -> failure instanceof ReplyException ? Future.succeededFuture(List.of()) : Future.failedFuture(failure));
  }

  /** Discovery re-fetches the key document at most once per 5 minutes per domain (ATTACKS 13). */
  @Override
  public Future<List<byte[]>> refreshed(String keyId) {
    if (keyId.equals(REGISTRY_KEY_ID)) {
      return Future.succeededFuture(List.of());
    }
    return vertx.eventBus().<JsonObject>request(Addresses.DISCOVERY_RESOLVE, new JsonObject().put("domain", keyId).put("refresh", true))
        .map(reply -> remember(keyId, validKeys(reply.body())))
        .recover(failure -> Future.succeededFuture(List.of()));
  }

  /**
   * A peer's keys are asked for by every request it sends: kept here a few seconds, so a busy peer
   * costs one discovery round trip per interval instead of two per request. Discovery stays the
   * authority (pins, expiry, refresh); a rotated key is met by {@link #refreshed}, which replaces this.
   */
  private List<byte[]> remember(String keyId, List<byte[]> keys) {
    if (keys.isEmpty()) {
      recent.remove(keyId);
    } else {
      if (recent.size() >= RECENT_MAX) {
        recent.clear();
      }
      recent.put(keyId, new Known(List.copyOf(keys), System.nanoTime() + RECENT_NANOS));
    }
    return keys;
  }

  /** Shared between verticles without copying: nothing ever writes into these arrays. */
  private record Known(List<byte[]> keys, long until) implements Shareable {
  }

  static List<byte[]> validKeys(JsonObject discovered) {
    Instant now = Instant.now();
    List<byte[]> keys = new ArrayList<>();
    JsonArray array = discovered.getJsonArray("keys");
    for (int i = 0; i < array.size(); i++) {
      JsonObject key = array.getJsonObject(i);
      if (Instant.parse(key.getString("valid_until")).isAfter(now)) {
        keys.add(B64u.decode(key.getString("public_key")));
      }
    }
    return keys;
  }

  private Future<List<byte[]>> registryKeys() {
    if (services.config().registryUrl().isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Future<List<byte[]>> current = registryKeys;
    if (current == null || current.failed()) {
      URI registry = services.config().registryUrl().get();
      String base = OutboundHttp.basePath(registry);
      current = services.http().check(registry, true)
          .compose(target -> services.http().get(target, base + "/.well-known/openred-registry", OutboundHttp.DEFAULT_MAX_BYTES))
          .map(body -> validKeys(StrictJson.parseObject(body)));
      registryKeys = current;
    }
    return current.recover(failure -> Future.succeededFuture(List.of()));
  }
}
