package org.openred.federation.inbound;

import org.slf4j.Logger;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Logs envelopes a module refused, at most once a minute per sender with a count of the ones in
 * between: a peer sending thousands of bad envelopes must not flood the log. It is the peer's
 * behaviour, not this node's fault, so WARN with one short line (the sender is told the reason too).
 */
final class RefusalLog {
  private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
  private final Logger log;
  private final Map<String, Long> lastLogged = new HashMap<>();
  private final Map<String, Integer> unlogged = new HashMap<>();

  RefusalLog(Logger log) {
    this.log = log;
  }

  void refused(String sender, String id, String type, String reason) {
    long now = System.nanoTime();
    Long last = lastLogged.get(sender);
    if (last != null && now - last < INTERVAL_NANOS) {
      unlogged.merge(sender, 1, Integer::sum);
      return;
    }
    if (lastLogged.size() > 10_000) {
      lastLogged.clear();
      unlogged.clear();
    }
    lastLogged.put(sender, now);
    Integer skipped = unlogged.remove(sender);
    log.warn("Envelope {} ({}) from {} refused: {}{}", id, type, sender, reason,
        skipped == null ? "" : " (and " + skipped + " more from " + sender + " in the last minute)");
  }
}
