package org.openred.kernel;

import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Group commit on one event-loop context: work queued while a group is being written waits and goes
 * in the next group, so under load many requests share one transaction (and one fsync) while a lone
 * request is written at once. A group holds at most {@code maxWeight} (items weigh what the caller
 * says, envelopes say); the writer completes each item's own promise, and the next group starts when
 * its future completes, failed or not.
 */
public final class GroupCommit<T> {
  private final Context context;
  private final int maxWeight;
  private final ToIntFunction<T> weight;
  private final Function<List<T>, Future<?>> writer;
  private final List<T> queued = new ArrayList<>();
  private boolean writing;

  public GroupCommit(Context context, int maxWeight, ToIntFunction<T> weight, Function<List<T>, Future<?>> writer) {
    this.context = context;
    this.maxWeight = maxWeight;
    this.weight = weight;
    this.writer = writer;
  }

  /** Queues an item for the next group; call on this group's context. */
  public void add(T item) {
    queued.add(item);
    if (!writing) {
      writing = true;
      context.runOnContext(ignored -> writeNext());
    }
  }

  private void writeNext() {
    List<T> group = new ArrayList<>();
    int total = 0;
    while (!queued.isEmpty() && (group.isEmpty() || total + weight.applyAsInt(queued.get(0)) <= maxWeight)) {
      T item = queued.remove(0);
      group.add(item);
      total += weight.applyAsInt(item);
    }
    if (group.isEmpty()) {
      writing = false;
      return;
    }
    Future<?> written;
    try {
      written = writer.apply(group);
    } catch (RuntimeException e) {
      written = Future.failedFuture(e);
    }
    written.onComplete(ignored -> writeNext());
  }
}
