package org.openred.cache;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;

import java.time.Duration;
import java.util.List;

/** The cache on Redis, shared by every instance that points at the same server. Keys are prefixed {@code openred:}. */
final class RedisCache implements SharedCache {
  private static final String PREFIX = "openred:";
  private final Redis client;
  private final RedisAPI redis;

  RedisCache(Redis client) {
    this.client = client;
    this.redis = RedisAPI.api(client);
  }

  @Override
  public Future<Boolean> putIfAbsent(String key, String value, Duration ttl) {
    return redis.set(List.of(PREFIX + key, value, "PX", Long.toString(Math.max(1, ttl.toMillis())), "NX"))
        .map(reply -> reply != null && "OK".equals(reply.toString()));
  }

  @Override
  public Future<String> get(String key) {
    return redis.get(PREFIX + key).map(reply -> reply == null ? null : reply.toString());
  }

  @Override
  public Future<Void> put(String key, String value, Duration ttl) {
    return redis.set(List.of(PREFIX + key, value, "PX", Long.toString(Math.max(1, ttl.toMillis())))).mapEmpty();
  }

  @Override
  public Future<Void> delete(String key) {
    return redis.del(List.of(PREFIX + key)).mapEmpty();
  }

  @Override
  public Future<Long> increment(String key, Duration ttl) {
    return redis.incr(PREFIX + key).compose(reply -> {
      long value = reply.toLong();
      return value == 1
          ? redis.pexpire(List.of(PREFIX + key, Long.toString(Math.max(1, ttl.toMillis())))).map(value)
          : Future.succeededFuture(value);
    });
  }

  @Override
  public Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }
}
