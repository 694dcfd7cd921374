package org.openred.kernel;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Work run one after the other per key, and concurrently across keys, on one event-loop context: what
 * keeps two envelopes about the same pair of users (a follow and its unfollow) in their order of
 * arrival while others go on beside them. A key's entry goes away once its queue is empty.
 */
public final class KeyedQueues {
  private final Map<String, Future<?>> tails = new HashMap<>();

  /** Runs {@code work} once everything queued before under {@code key} has completed (failed or not). */
  public <T> Future<T> run(String key, Supplier<Future<T>> work) {
    Future<?> before = tails.getOrDefault(key, Future.succeededFuture());
    Promise<T> done = Promise.promise();
    Future<T> mine = done.future();
    tails.put(key, mine);
    before.onComplete(ignored -> {
      Future<T> result;
      try {
        result = work.get();
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(outcome -> {
        if (tails.get(key) == mine) {
          tails.remove(key);
        }
        done.handle(outcome);
      });
    });
    return mine;
  }
}
