package org.openred.cache;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

import java.time.Duration;

/** The cache on the Vert.x cluster's shared data (Hazelcast): every instance of a clustered node sees it. */
final class AsyncMapCache implements SharedCache {
  private final Future<AsyncMap<String, String>> map;

  AsyncMapCache(Vertx vertx) {
    this.map = vertx.sharedData().getAsyncMap("openred.cache");
  }

  @Override
  public Future<Boolean> putIfAbsent(String key, String value, Duration ttl) {
    return map.compose(m -> m.putIfAbsent(key, value, ttl.toMillis())).map(previous -> previous == null);
  }

  @Override
  public Future<String> get(String key) {
    return map.compose(m -> m.get(key));
  }

  @Override
  public Future<Void> put(String key, String value, Duration ttl) {
    return map.compose(m -> m.put(key, value, ttl.toMillis()));
  }

  @Override
  public Future<Void> delete(String key) {
    return map.compose(m -> m.remove(key)).mapEmpty();
  }

  @Override
  public Future<Long> increment(String key, Duration ttl) {
    return map.compose(m -> m.putIfAbsent(key, "1", ttl.toMillis()).compose(previous -> {
      if (previous == null) {
        return Future.succeededFuture(1L);
      }
      long next = Long.parseLong(previous) + 1;
      // Compare-and-set; on a lost race, try again with the value that won.
      return m.replaceIfPresent(key, previous, Long.toString(next), ttl.toMillis())
          .compose(replaced -> replaced ? Future.succeededFuture(next) : increment(key, ttl));
    }));
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
