package org.openred.app;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.internal.VertxInternal;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openred.testing.TestNodes;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;

/**
 * A node with nothing to do does (nearly) nothing: its timers wake it a few times a second at most.
 * A regression guard, not a speed goal: the inbound pipeline once recorded an empty group after every
 * empty group, for ever, which kept two event loops and the database busy on every idle node (about
 * 80% of a core on the 2-core VM). The bound is ten times what an idle node uses and a tenth of that.
 */
class IdleTest {
  @Test
  @DisplayName("An idle node's event loops use under 5% of one core")
  void idleIsIdle() throws Exception {
    Path dir = TestNodes.tempDir("idle");
    OpenRedNode node = new TestNodes.Spec().dataDir(dir).start();
    try {
      List<Long> threads = new CopyOnWriteArrayList<>();
      List<EventExecutor> loops = new java.util.ArrayList<>();
      ((VertxInternal) node.vertx()).nettyEventLoopGroup().forEach(loops::add);
      for (EventExecutor loop : loops) {
        loop.submit(() -> threads.add(Thread.currentThread().getId())).get(5, TimeUnit.SECONDS);
      }
      // The inbound sweep and the outbox scan have run by now (each starts within a second or two).
      Thread.sleep(2_500);
      ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
      long before = threads.stream().mapToLong(cpu::getThreadCpuTime).sum();
      long began = System.nanoTime();
      Thread.sleep(3_000);
      long used = threads.stream().mapToLong(cpu::getThreadCpuTime).sum() - before;
      double share = (double) used / (System.nanoTime() - began);
      assertTrue(share < 0.05, String.format("idle event loops used %.1f%% of a core", share * 100));
    } finally {
      await(node.close());
      TestNodes.deleteRecursively(dir);
    }
  }
}
