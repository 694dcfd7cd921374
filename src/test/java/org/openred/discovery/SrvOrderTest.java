package org.openred.discovery;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openred.net.Dns;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SrvOrderTest {
  private static Dns.Srv srv(int priority, int weight, String target) {
    return new Dns.Srv(priority, weight, 443, target, 60);
  }

  @Test
  @DisplayName("RFC 2782: lower priority always first; '.' targets dropped")
  void priorities() {
    List<Dns.Srv> ordered = SrvOrder.order(List.of(srv(20, 100, "c"), srv(10, 0, "a"), srv(10, 5, "b"), srv(5, 1, ".")), new Random(1));
    assertEquals(3, ordered.size());
    assertEquals(20, ordered.get(2).priority());
    assertTrue(ordered.get(0).priority() == 10 && ordered.get(1).priority() == 10);
  }

  @Test
  @DisplayName("RFC 2782: within a priority, targets come first in proportion to their weight")
  void weights() {
    Random random = new Random(42);
    int heavyFirst = 0;
    for (int i = 0; i < 2000; i++) {
      if (SrvOrder.order(List.of(srv(0, 10, "light"), srv(0, 90, "heavy")), random).get(0).target().equals("heavy")) {
        heavyFirst++;
      }
    }
    assertTrue(heavyFirst > 1650 && heavyFirst < 1950, "heavy first " + heavyFirst + " of 2000, expected about 1800");
  }
}
