package org.openred.crypto;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Every Ed25519 check a node makes on what it receives (request and envelope signatures), on a
 * pool of half as many threads as cores, off the event loops. A check is started at once while a thread is
 * free; under load the checks waiting meanwhile are taken together and verified as one batch
 * ({@link Ed25519Batch}), about three times cheaper each: batching costs no latency when idle and
 * gains the most when busy.
 */
public final class SignatureChecks {
  private static final int MAX_BATCH = 64;
  private final WorkerExecutor workers;
  private final int threads;
  private final ConcurrentLinkedQueue<Pending> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger running = new AtomicInteger();

  public SignatureChecks(Vertx vertx) {
    // Half the cores: the rest serve HTTP and storage, and fewer threads gather bigger, cheaper batches.
    this.threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    this.workers = vertx.createSharedWorkerExecutor("openred-signatures", threads);
  }

  /**
   * The first of {@code candidateKeys} under which {@code signature} verifies {@code message}, or
   * null. The message is computed on the checking thread (it may be canonical JSON to build).
   * Completes on the caller's context.
   */
  public Future<byte[]> keyThatSigned(List<byte[]> candidateKeys, Supplier<byte[]> message, byte[] signature) {
    Context context = Vertx.currentContext();
    Promise<byte[]> promise = Promise.promise();
    if (candidateKeys.isEmpty()) {
      promise.complete(null);
      return promise.future();
    }
    waiting.add(new Pending(candidateKeys, message, signature, context, promise));
    if (reclaim()) {
      workers.executeBlocking(this::drain, false);
    }
    return promise.future();
  }

  public Future<Void> close() {
    return workers.close();
  }

  /** Runs on a worker until nothing waits; a failure fails its batch's checks, never the loop. */
  private Void drain() {
    while (true) {
      List<Pending> batch = new ArrayList<>();
      for (Pending next; batch.size() < MAX_BATCH && (next = waiting.poll()) != null; ) {
        batch.add(next);
      }
      if (batch.isEmpty()) {
        running.decrementAndGet();
        // A check queued after the poll and before the decrement may have seen no free thread: take it up.
        if (waiting.isEmpty() || !reclaim()) {
          return null;
        }
        continue;
      }
      check(batch);
    }
  }

  private boolean reclaim() {
    for (int now = running.get(); now < threads; now = running.get()) {
      if (running.compareAndSet(now, now + 1)) {
        return true;
      }
    }
    return false;
  }

  private static void check(List<Pending> batch) {
    Map<Context, List<Runnable>> answers = new IdentityHashMap<>();
    try {
      verify(batch, answers);
    } catch (RuntimeException e) {
      answers.clear();
      batch.forEach(pending -> answer(answers, pending, e));
    }
    // One task per event loop for the whole batch, not one per check.
    answers.forEach((context, tasks) -> context.runOnContext(ignored -> tasks.forEach(Runnable::run)));
  }

  private static void verify(List<Pending> batch, Map<Context, List<Runnable>> answers) {
    List<Ed25519Batch.Check> checks = new ArrayList<>(batch.size());
    List<Pending> checkable = new ArrayList<>(batch.size());
    for (Pending pending : batch) {
      byte[] message;
      try {
        message = pending.message().get();
      } catch (RuntimeException e) {
        answer(answers, pending, e);
        continue;
      }
      checks.add(new Ed25519Batch.Check(pending.keys().get(0), message, pending.signature()));
      checkable.add(pending);
    }
    boolean[] valid = Ed25519Batch.verifyEach(checks);
    for (int i = 0; i < checkable.size(); i++) {
      Pending pending = checkable.get(i);
      byte[] key = valid[i] ? pending.keys().get(0) : null;
      for (int k = 1; key == null && k < pending.keys().size(); k++) {
        if (Ed25519.verify(pending.keys().get(k), checks.get(i).message(), pending.signature())) {
          key = pending.keys().get(k);
        }
      }
      answer(answers, pending, key);
    }
  }

  private static void answer(Map<Context, List<Runnable>> answers, Pending pending, Object outcome) {
    Runnable task = outcome instanceof Throwable failure ? () -> pending.promise().fail(failure)
        : () -> pending.promise().complete((byte[]) outcome);
    if (pending.context() == null) {
      task.run();
    } else {
      answers.computeIfAbsent(pending.context(), c -> new ArrayList<>()).add(task);
    }
  }

  private record Pending(List<byte[]> keys, Supplier<byte[]> message, byte[] signature, Context context, Promise<byte[]> promise) {
  }
}
