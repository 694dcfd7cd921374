package org.openred.bench;

import org.openred.accounts.AccountsAddresses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.openred.kernel.Addresses;
import org.openred.config.Option;
import org.openred.app.OpenRedNode;
import org.openred.testing.Chat;
import org.openred.testing.TestNodes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Node A sends signed direct_message envelopes of one conversation, alice@a.test to bob@b.test, to
 * node B over loopback (both nodes, SQLite, in this JVM): messages/s applied at B (stored, applied,
 * outcome recorded, bob's live event published) when A sends as fast as it can, and latency from
 * enqueue at A to bob's live event at B at a steady rate. Run with bench/federation.sh.
 */
public final class FederationBench {
  public static void main(String[] args) throws Exception {
    int burst = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    Path aDir = TestNodes.tempDir("bench-a");
    Path bDir = TestNodes.tempDir("bench-b");
    TestNodes.Spec aSpec = new TestNodes.Spec().dataDir(aDir).flag(Option.DOMAIN, "a.test").flag(Option.LOG_LEVEL, "warn");
    TestNodes.Spec bSpec = new TestNodes.Spec().dataDir(bDir).flag(Option.DOMAIN, "b.test").flag(Option.FEDERATION_RATE, "1000000");
    aSpec.flag(Option.PUBLIC_URL, "http://127.0.0.1:" + aSpec.port()).flag(Option.PEERS, "b.test=http://127.0.0.1:" + bSpec.port());
    bSpec.flag(Option.PUBLIC_URL, "http://127.0.0.1:" + bSpec.port()).flag(Option.PEERS, "a.test=http://127.0.0.1:" + aSpec.port());
    OpenRedNode a = aSpec.start();
    OpenRedNode b = bSpec.start();
    try {
      TestNodes.await(b.vertx().eventBus().request(AccountsAddresses.REGISTER,
          new JsonObject().put("username", "bob").put("password", "correct horse battery")));
      System.out.printf("machine: %d cores, %s; both nodes and the load in one JVM, SQLite on both sides%n",
          Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
      // Warm-up, until the JIT has compiled the hot paths: on two cores its threads compete with the
      // load and need about 100,000 envelopes (half the CPU at first).
      run(a, b, Integer.getInteger("bench.warmup", 100_000), 0);
      long[] burstResult;
      try (TimedProfile profile = TimedProfile.start()) {
        burstResult = run(a, b, burst, 0);
      }
      System.out.printf("A->B as fast as A can queue: %d messages in %.2f s = %.0f messages/s applied at B%n",
          burst, burstResult[0] / 1e9, burst / (burstResult[0] / 1e9));
      long[] steady = run(a, b, rate * seconds, rate);
      System.out.printf("A->B at a steady %d/s for %d s: enqueue at A to applied at B p50 %.2f ms, p99 %.2f ms%n",
          rate, seconds, steady[1] / 1e6, steady[2] / 1e6);
    } finally {
      TestNodes.await(a.close());
      TestNodes.await(b.close());
      TestNodes.deleteRecursively(aDir);
      TestNodes.deleteRecursively(bDir);
    }
  }

  /**
   * Sends {@code count} messages in a conversation of their own (at {@code perSecond}, or unpaced when
   * 0); answers {elapsed ns, p50 ns, p99 ns}, timed to bob's live event at B.
   */
  private static long[] run(OpenRedNode a, OpenRedNode b, int count, int perSecond) throws Exception {
    long[] sentAt = new long[count];
    long[] latencies = new long[count];
    AtomicInteger received = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    String conversation = "bench-" + System.nanoTime();
    var consumer = b.vertx().eventBus().<JsonObject>consumer(Addresses.USER_PREFIX + "bob", message -> {
      JsonObject event = message.body();
      if ("message.new".equals(event.getString("type")) && conversation.equals(event.getString("conversationId"))) {
        int n = Integer.parseInt(event.getString("messageId").substring(1));
        latencies[n] = System.nanoTime() - sentAt[n];
        if (received.incrementAndGet() == count) {
          done.countDown();
        }
      }
    });
    TestNodes.await(consumer.completion());
    TestNodes.await(a.vertx().eventBus().request(Addresses.FEDERATION_SEND, message("conversation_create",
        Chat.create(conversation, "alice@a.test", "bob@b.test"))));
    long start = System.nanoTime();
    List<Future<?>> window = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (perSecond > 0) {
        long due = start + (long) i * 1_000_000_000L / perSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
      JsonObject payload = Chat.message(conversation, "alice@a.test", "bob@b.test", i);
      sentAt[i] = System.nanoTime();
      window.add(a.vertx().eventBus().request(Addresses.FEDERATION_SEND, message("direct_message", payload)));
      if (window.size() >= 1000) {
        TestNodes.await(Future.all(window));
        window.clear();
      }
    }
    TestNodes.await(Future.all(window));
    if (!done.await(300, TimeUnit.SECONDS)) {
      throw new IllegalStateException("only " + received.get() + " of " + count + " arrived");
    }
    long elapsed = System.nanoTime() - start;
    TestNodes.await(consumer.unregister());
    Arrays.sort(latencies);
    return new long[] {elapsed, latencies[count / 2], latencies[(int) (count * 0.99)]};
  }

  private static JsonObject message(String type, JsonObject payload) {
    return new JsonObject().put("type", type).put("from_username", "alice")
        .put("to", new JsonObject().put("domain", "b.test").put("username", "bob")).put("payload", payload);
  }
}
