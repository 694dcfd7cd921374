package org.openred.cache;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cache of a single-process node: a concurrent map whose entries carry their expiry, swept every
 * 10 seconds. Unlike Vert.x's local AsyncMap it schedules no timer per entry (one per replay nonce
 * adds up) and answers without a hop.
 */
final class LocalCache implements SharedCache {
  private record Entry(String value, long expiresAt) {
    boolean live(long now) {
      return expiresAt > now;
    }
  }

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final Vertx vertx;
  private final long sweeper;

  LocalCache(Vertx vertx) {
    this.vertx = vertx;
    this.sweeper = vertx.setPeriodic(10_000, id -> {
      long now = System.currentTimeMillis();
      entries.values().removeIf(entry -> !entry.live(now));
    });
  }

  @Override
  public Future<Boolean> putIfAbsent(String key, String value, Duration ttl) {
    long now = System.currentTimeMillis();
    Entry fresh = new Entry(value, now + ttl.toMillis());
    boolean[] stored = {false};
    entries.compute(key, (k, existing) -> {
      if (existing != null && existing.live(now)) {
        return existing;
      }
      stored[0] = true;
      return fresh;
    });
    return Future.succeededFuture(stored[0]);
  }

  @Override
  public Future<String> get(String key) {
    Entry entry = entries.get(key);
    return Future.succeededFuture(entry != null && entry.live(System.currentTimeMillis()) ? entry.value() : null);
  }

  @Override
  public Future<Void> put(String key, String value, Duration ttl) {
    entries.put(key, new Entry(value, System.currentTimeMillis() + ttl.toMillis()));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> delete(String key) {
    entries.remove(key);
    return Future.succeededFuture();
  }

  @Override
  public Future<Long> increment(String key, Duration ttl) {
    long now = System.currentTimeMillis();
    Entry updated = entries.compute(key, (k, existing) -> existing == null || !existing.live(now)
        ? new Entry("1", now + ttl.toMillis())
        : new Entry(Long.toString(Long.parseLong(existing.value()) + 1), existing.expiresAt()));
    return Future.succeededFuture(Long.parseLong(updated.value()));
  }

  @Override
  public Future<Void> close() {
    vertx.cancelTimer(sweeper);
    entries.clear();
    return Future.succeededFuture();
  }
}
