package org.openred.files;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.openred.kernel.Problem;
import org.openred.node.Authenticator;
import org.openred.node.RouteModule;
import org.openred.web.Authenticated;
import org.openred.web.JsonExchange;

import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files API: {@code POST /api/v1/files} (headers {@code Upload-Length}, {@code Content-Length},
 * {@code X-Encrypted-Name}, {@code X-Encrypted-Type}; the body is the file or its first part),
 * {@code HEAD /api/v1/files/{id}} (how much arrived: {@code Upload-Offset}), {@code PATCH} (the rest,
 * from {@code Upload-Offset}), {@code GET} (the owner's download, with ranges), {@code DELETE},
 * {@code GET /api/v1/files} (the list and the quota). Bodies go straight to disk and back, never
 * whole in memory; a body that stops arriving for a while has its connection closed, its bytes kept.
 */
final class FilesRoutes implements RouteModule {
  static final String BASE = "/api/v1/files";
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,15}");
  private static final Pattern RANGE = Pattern.compile("bytes=([0-9]{0,15})-([0-9]{0,15})");
  private final Vertx vertx;
  private final Authenticated authenticated;
  private final FilesModule.Limits limits;

  FilesRoutes(Vertx vertx, Authenticator authenticator, FilesModule.Limits limits) {
    this.vertx = vertx;
    this.authenticated = new Authenticated(authenticator);
    this.limits = limits;
  }

  @Override
  public void mount(Router router) {
    for (String path : new String[] {BASE, BASE + "/*"}) {
      // Paused for the uploads to read; a request without a body to stream goes on at once.
      router.route(path).handler(ctx -> {
        if (ctx.request().method() != io.vertx.core.http.HttpMethod.POST && ctx.request().method() != io.vertx.core.http.HttpMethod.PATCH) {
          ctx.request().resume();
        }
        ctx.next();
      });
      router.route(path).handler(authenticated);
    }
    router.post(BASE).handler(this::create);
    router.get(BASE).handler(ctx -> answer(ctx, ask(ctx, FilesAddresses.LIST, new JsonObject()), 200));
    router.head(BASE + "/:id").handler(this::offset);
    router.patch(BASE + "/:id").handler(this::append);
    router.get(BASE + "/:id").handler(this::download);
    router.delete(BASE + "/:id").handler(ctx -> answer(ctx, ask(ctx, FilesAddresses.DELETE, idOf(ctx)), 200));
  }

  private Future<JsonObject> ask(RoutingContext ctx, String address, JsonObject body) {
    // The caller is who the access token says.
    return vertx.eventBus().<JsonObject>request(address, body.copy().put("caller", Authenticated.user(ctx).getString("userId")))
        .map(reply -> reply.body());
  }

  private static void answer(RoutingContext ctx, Future<JsonObject> answer, int status) {
    answer.onSuccess(body -> {
      ctx.response().putHeader("Cache-Control", "no-store");
      JsonExchange.send(ctx, status, body);
    }).onFailure(ctx::fail);
  }

  private static JsonObject idOf(RoutingContext ctx) {
    return new JsonObject().put("fileId", FilesVerticle.fileId(ctx.pathParam("id")));
  }

  private static long length(RoutingContext ctx, String header, int missingStatus, String type) {
    String value = ctx.request().getHeader(header);
    if (value == null) {
      throw new Problem(missingStatus, type, header + " is required: the number of bytes");
    }
    if (!DIGITS.matcher(value).matches()) {
      throw new Problem(400, "invalid-length", header + " is a number of bytes");
    }
    return Long.parseLong(value);
  }

  private void create(RoutingContext ctx) {
    long body = length(ctx, "Content-Length", 411, "length-required");
    long size = length(ctx, "Upload-Length", 400, "invalid-length");
    if (body > size) {
      throw new Problem(400, "invalid-length", "the body is longer than Upload-Length");
    }
    JsonObject announced = new JsonObject().put("size", size).put("name", ctx.request().getHeader("X-Encrypted-Name"))
        .put("type", ctx.request().getHeader("X-Encrypted-Type"));
    ask(ctx, FilesAddresses.CREATE, announced)
        .compose(created -> receive(ctx, created.getString("fileId"), 0, body))
        .onSuccess(file -> {
          ctx.response().putHeader("Location", BASE + "/" + file.getString("fileId")).putHeader("Upload-Offset", Long.toString(file.getLong("received")));
          JsonExchange.send(ctx, 201, file);
        })
        .onFailure(ctx::fail);
  }

  /** HEAD: how much of the caller's file arrived, to resume from there. */
  private void offset(RoutingContext ctx) {
    ask(ctx, FilesAddresses.GET, idOf(ctx)).compose(file -> onDisk(file.getString("fileId")).map(size -> {
      ctx.response().putHeader("Upload-Offset", Long.toString(size)).putHeader("Upload-Length", Long.toString(file.getLong("size")))
          .putHeader("Cache-Control", "no-store").setStatusCode(200).end();
      return size;
    })).onFailure(ctx::fail);
  }

  /** PATCH: the next part, from exactly where the file stands on disk (409 with the real offset otherwise). */
  private void append(RoutingContext ctx) {
    JsonObject id = idOf(ctx);
    long body = length(ctx, "Content-Length", 411, "length-required");
    long from = length(ctx, "Upload-Offset", 400, "invalid-offset");
    // One part at a time per file, across this node's HTTP verticles.
    vertx.sharedData().getLocalLockWithTimeout("openred.files." + id.getString("fileId"), 10)
        .recover(busy -> Future.failedFuture(new Problem(409, "upload-in-progress", "another part of this file is being received")))
        .onSuccess(lock -> ask(ctx, FilesAddresses.GET, id).compose(file -> {
          if (file.getBoolean("complete")) {
            return Future.failedFuture(new Problem(409, "already-complete", "every byte of this file arrived already"));
          }
          return onDisk(file.getString("fileId")).compose(current -> {
            if (current != from) {
              ctx.response().putHeader("Upload-Offset", Long.toString(current));
              return Future.failedFuture(new Problem(409, "offset-mismatch", "this file stands at " + current + " bytes: resume from there"));
            }
            if (current + body > file.getLong("size")) {
              return Future.failedFuture(new Problem(400, "invalid-length", "this part goes past Upload-Length"));
            }
            return receive(ctx, file.getString("fileId"), current, body);
          });
        }).onComplete(done -> lock.release()).onSuccess(file -> {
          ctx.response().putHeader("Upload-Offset", Long.toString(file.getLong("received")));
          JsonExchange.send(ctx, 200, file);
        }).onFailure(ctx::fail))
        .onFailure(ctx::fail);
  }

  private Future<Long> onDisk(String fileId) {
    return vertx.fileSystem().props(limits.directory().resolve(fileId).toString()).map(props -> props.size())
        .recover(missing -> Future.succeededFuture(0L));
  }

  /**
   * The body, piped to the file from {@code from}; then what is on disk is recorded (also when the
   * connection broke: that much can be resumed). A body that sends nothing for the idle window gets
   * its connection closed, so a slow client holds no more than a connection.
   */
  private Future<JsonObject> receive(RoutingContext ctx, String fileId, long from, long body) {
    String path = limits.directory().resolve(fileId).toString();
    return vertx.fileSystem().open(path, new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(false)).compose(file -> {
      file.setWritePos(from);
      CoalescedFileWrites writes = new CoalescedFileWrites(file);
      long[] seen = {from, System.nanoTime()};
      long watchdog = vertx.setPeriodic(1_000, tick -> {
        if (writes.position() != seen[0]) {
          seen[0] = writes.position();
          seen[1] = System.nanoTime();
        } else if (System.nanoTime() - seen[1] > TimeUnit.MILLISECONDS.toNanos(limits.idle().toMillis())) {
          ctx.request().connection().close();
        }
      });
      // A client that waits for a go-ahead (Expect: 100-continue, as curl does past 1 MiB) gets it only
      // now, once the upload was accepted: a refused one never sends its body.
      if ("100-continue".equalsIgnoreCase(ctx.request().getHeader("Expect"))) {
        ctx.response().writeContinue();
      }
      Future<Void> piped;
      if (body == 0) {
        ctx.request().resume();
        piped = writes.end();
      } else {
        piped = ctx.request().pipeTo(writes);
      }
      return piped.transform(done -> {
        vertx.cancelTimer(watchdog);
        return writes.finish().compose(closed -> onDisk(fileId))
            .compose(size -> ask(ctx, FilesAddresses.RECEIVED, new JsonObject().put("fileId", fileId).put("received", size)))
            .compose(stored -> done.succeeded() ? Future.succeededFuture(stored) : Future.failedFuture(done.cause()));
      });
    });
  }

  /** The owner's complete file, as an opaque download, whole or one byte range. */
  private void download(RoutingContext ctx) {
    ask(ctx, FilesAddresses.GET, idOf(ctx)).onSuccess(file -> {
      if (!file.getBoolean("complete")) {
        ctx.fail(new Problem(409, "incomplete", "this file has not arrived whole yet"));
        return;
      }
      long size = file.getLong("size");
      long start = 0;
      long end = size - 1;
      String range = ctx.request().getHeader("Range");
      var response = ctx.response();
      if (range != null) {
        Matcher m = RANGE.matcher(range.trim());
        boolean valid = m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty());
        if (valid) {
          if (m.group(1).isEmpty()) {
            start = Math.max(0, size - Long.parseLong(m.group(2)));
          } else {
            start = Long.parseLong(m.group(1));
            end = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
          }
        }
        if (!valid || start > end || start >= size) {
          response.putHeader("Content-Range", "bytes */" + size);
          ctx.fail(new Problem(416, "range-not-satisfiable", "the file has " + size + " bytes"));
          return;
        }
        response.setStatusCode(206).putHeader("Content-Range", "bytes " + start + "-" + end + "/" + size);
      }
      // Served only as bytes to save: never rendered, never sniffed, never framed.
      response.putHeader("Content-Type", "application/octet-stream")
          .putHeader("Content-Disposition", "attachment; filename=\"openred-file.bin\"")
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Content-Security-Policy", "sandbox; default-src 'none'")
          .putHeader("Cache-Control", "no-store")
          .putHeader("Accept-Ranges", "bytes");
      if (size == 0) {
        response.end();
        return;
      }
      response.sendFile(limits.directory().resolve(file.getString("fileId")).toString(), start, end - start + 1).onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }
}
