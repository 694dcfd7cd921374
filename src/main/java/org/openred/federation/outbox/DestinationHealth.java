package org.openred.federation.outbox;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How each destination is doing, for one delivery verticle: a circuit breaker per destination that,
 * after a few failed attempts in a row, leaves it alone for a backoff instead of trying a dead node at
 * every tick, and the backoff itself (1 s doubling to 1 h, jittered).
 */
final class DestinationHealth {
  private static final Logger LOG = LoggerFactory.getLogger(DestinationHealth.class);
  static final long FIRST_BACKOFF_MS = 1_000;
  static final long MAX_BACKOFF_MS = 3_600_000;
  private static final int BREAKER_THRESHOLD = 3;

  private final Map<String, Breaker> breakers = new HashMap<>();

  /** Consecutive failures of a destination and until when it is left alone. */
  private static final class Breaker {
    int failures;
    long openUntil;
  }

  /** Whether the destination is being left alone now. */
  boolean paused(String destination) {
    Breaker breaker = breakers.get(destination);
    return breaker != null && breaker.openUntil > System.currentTimeMillis();
  }

  /** An attempt that reached nobody or was answered with a failure worth retrying. */
  void failed(String destination, String why) {
    Breaker breaker = breakers.computeIfAbsent(destination, d -> new Breaker());
    breaker.failures++;
    if (breaker.failures >= BREAKER_THRESHOLD) {
      breaker.openUntil = System.currentTimeMillis() + backoff(breaker.failures - BREAKER_THRESHOLD + 1);
      if (breaker.failures == BREAKER_THRESHOLD) {
        LOG.warn("Delivery to {} keeps failing ({}): pausing it", destination, why);
      }
    }
  }

  /** An attempt the destination answered. */
  void answered(String destination) {
    Breaker breaker = breakers.remove(destination);
    if (breaker != null && breaker.failures >= BREAKER_THRESHOLD) {
      LOG.info("Delivery to {} works again", destination);
    }
  }

  /** 1 s doubling to 1 h, with full jitter on the upper half so retries of many nodes spread out. */
  static long backoff(int attempts) {
    long base = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(attempts - 1, 30));
    return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
  }
}
