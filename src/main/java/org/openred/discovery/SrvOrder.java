package org.openred.discovery;

import org.openred.net.Dns;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/** RFC 2782 target selection: lowest priority first; within a priority, a weighted random order. */
final class SrvOrder {
  private SrvOrder() {
  }

  static List<Dns.Srv> order(List<Dns.Srv> records, RandomGenerator random) {
    Map<Integer, List<Dns.Srv>> byPriority = new TreeMap<>();
    for (Dns.Srv record : records) {
      // A lone "." target means the service is decidedly not available (RFC 2782).
      if (!record.target().equals(".") && !record.target().isEmpty()) {
        byPriority.computeIfAbsent(record.priority(), p -> new ArrayList<>()).add(record);
      }
    }
    List<Dns.Srv> ordered = new ArrayList<>();
    for (List<Dns.Srv> group : byPriority.values()) {
      List<Dns.Srv> remaining = new ArrayList<>(group);
      // Zero-weight records first, so that they get a small chance, as the RFC arranges.
      remaining.sort(Comparator.comparingInt(Dns.Srv::weight));
      while (!remaining.isEmpty()) {
        int total = remaining.stream().mapToInt(Dns.Srv::weight).sum();
        int pick = total == 0 ? 0 : random.nextInt(total + 1);
        int running = 0;
        int chosen = remaining.size() - 1;
        for (int i = 0; i < remaining.size(); i++) {
          running += remaining.get(i).weight();
          if (running >= pick) {
            chosen = i;
            break;
          }
        }
        ordered.add(remaining.remove(chosen));
      }
    }
    return ordered;
  }
}
