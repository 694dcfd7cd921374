package org.openred.cache;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import org.openred.config.OpenRedConfig;

import java.time.Duration;

/**
 * Short-lived shared state (replay nonces, discovery answers, rate counters): in-process by
 * default ({@link LocalCache}), cluster-wide through the Vert.x cluster's shared data when clustered
 * ({@link AsyncMapCache}), Redis when configured. Every instance of a node sees the same entries.
 */
public interface SharedCache {

  /** Stores the entry unless the key is present; true when this call stored it. */
  Future<Boolean> putIfAbsent(String key, String value, Duration ttl);

  Future<String> get(String key);

  Future<Void> put(String key, String value, Duration ttl);

  Future<Void> delete(String key);

  /** Adds one to a counter that expires {@code ttl} after its first increment; answers the new value. */
  Future<Long> increment(String key, Duration ttl);

  Future<Void> close();

  static SharedCache create(Vertx vertx, OpenRedConfig config) {
    if (config.redisUrl().isPresent()) {
      return new RedisCache(Redis.createClient(vertx, new RedisOptions()
          .setConnectionString(config.redisUrl().get().toString()).setMaxPoolSize(8).setMaxPoolWaiting(1024)));
    }
    return vertx.isClustered() ? new AsyncMapCache(vertx) : new LocalCache(vertx);
  }
}
