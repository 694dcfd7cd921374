package org.openred.files;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.streams.WriteStream;

/**
 * An upload's writes to its file gathered into blocks of {@link #BLOCK} bytes: the request delivers
 * the body in network-sized pieces (a few KiB each), and each write to an AsyncFile is a task on the
 * file system's worker pool. Back-pressure stays the file's (its write queue), so at most a block and
 * the file's queue are in memory, whatever the file's size.
 */
final class CoalescedFileWrites implements WriteStream<Buffer> {
  static final int BLOCK = 1024 * 1024;
  private final AsyncFile file;
  private Buffer pending = Buffer.buffer(BLOCK);
  private boolean finished;

  CoalescedFileWrites(AsyncFile file) {
    this.file = file;
    // A few blocks in flight, so that the network is read while the disk writes.
    file.setWriteQueueMaxSize(4 * BLOCK);
  }

  @Override
  public Future<Void> write(Buffer data) {
    pending.appendBuffer(data);
    if (pending.length() < BLOCK) {
      return Future.succeededFuture();
    }
    Buffer block = pending;
    pending = Buffer.buffer(BLOCK);
    return file.write(block);
  }

  /** What is gathered goes to the file, then it closes. */
  @Override
  public Future<Void> end() {
    finished = true;
    Buffer rest = pending;
    pending = Buffer.buffer(0);
    return (rest.length() == 0 ? Future.<Void>succeededFuture() : file.write(rest)).compose(written -> file.close());
  }

  /** However the body ended (a broken upload keeps what arrived), the gathered rest is written and the file closed, once. */
  Future<Void> finish() {
    if (finished) {
      return Future.succeededFuture();
    }
    finished = true;
    return end().otherwiseEmpty();
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    file.exceptionHandler(handler);
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    file.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return file.writeQueueFull();
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    file.drainHandler(handler);
    return this;
  }

  /** Bytes handed to this stream so far, gathered or written. */
  long position() {
    return file.getWritePos() + pending.length();
  }
}
