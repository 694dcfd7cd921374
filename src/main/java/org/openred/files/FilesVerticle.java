package org.openred.files;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.openred.kernel.KeyedQueues;
import org.openred.kernel.Operations;
import org.openred.kernel.Problem;
import org.openred.kernel.UserId;
import org.openred.node.NodeServices;
import org.openred.store.PrivateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The files' metadata and lifetime: uploads announced against the per-file and per-user limits,
 * progress recorded, files listed and deleted (from disk too), partial uploads left too long purged
 * on a schedule, and a deleted account's files removed. The bytes themselves go through the routes.
 */
public final class FilesVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(FilesVerticle.class);
  /** Encrypted names and types are the client's: opaque here, base64url, bounded. */
  private static final Pattern OPAQUE = Pattern.compile("[A-Za-z0-9_-]{1,1024}");
  static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final NodeServices services;
  private final FilesModule.Limits limits;
  private final KeyedQueues owners = new KeyedQueues();
  private long purgeTimer;

  public FilesVerticle(NodeServices services, FilesModule.Limits limits) {
    this.services = services;
    this.limits = limits;
  }

  @Override
  public Future<?> start() {
    purgeTimer = vertx.setPeriodic(60_000, 3_600_000, id -> purge());
    return vertx.executeBlocking(() -> {
      PrivateFiles.directory(limits.directory());
      return null;
    }).compose(made -> Operations.serveAll(vertx, LOG, Map.of(
        FilesAddresses.CREATE, this::create,
        FilesAddresses.GET, this::get,
        FilesAddresses.LIST, this::list,
        FilesAddresses.RECEIVED, this::received,
        FilesAddresses.DELETE, this::delete,
        FilesAddresses.DELETE_USER, this::deleteUser)));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(purgeTimer);
    return Future.succeededFuture();
  }

  static String fileId(Object value) {
    if (!(value instanceof String id) || !ID.matcher(id).matches()) {
      throw new Problem(404, "unknown-file", "no such file");
    }
    return id;
  }

  /** {caller, size, name, type?} -> {fileId}: 413 past the per-file limit or the caller's quota. */
  private Future<JsonObject> create(JsonObject body) {
    String owner = UserId.parse(body.getValue("caller")).toString();
    if (!(body.getValue("size") instanceof Number number) || number.longValue() < 0) {
      throw new Problem(400, "invalid-length", "Upload-Length is the file's size in bytes");
    }
    long size = number.longValue();
    if (size > limits.maxFileBytes()) {
      throw new Problem(413, "file-too-large", "a file is at most " + limits.maxFileBytes() / (1024 * 1024) + " MiB on this node");
    }
    String name = opaque(body.getValue("name"), "X-Encrypted-Name", true);
    String type = opaque(body.getValue("type"), "X-Encrypted-Type", false);
    var pool = services.database().pool();
    // One announcement at a time per user, so that two at once cannot both fit a quota only one fits.
    return owners.run(owner, () -> FileStore.used(pool, owner).compose(used -> {
      if (used + size > limits.quotaBytes()) {
        return Future.failedFuture(new Problem(413, "quota-exceeded", "this file would take you past your "
            + limits.quotaBytes() / (1024 * 1024) + " MiB on this node; delete some files first"));
      }
      String id = java.util.UUID.randomUUID().toString();
      return FileStore.insert(pool, id, owner, size, name, type).map(new JsonObject().put("fileId", id));
    }));
  }

  private static String opaque(Object value, String header, boolean required) {
    if (value == null && !required) {
      return null;
    }
    if (!(value instanceof String text) || !OPAQUE.matcher(text).matches()) {
      throw new Problem(400, "invalid-header", header + " is the encrypted value in base64url, at most 1024 characters");
    }
    return text;
  }

  /** {caller, fileId} -> the caller's file; 404 for anyone else's or none. */
  private Future<JsonObject> get(JsonObject body) {
    String owner = UserId.parse(body.getValue("caller")).toString();
    return FileStore.owned(services.database().pool(), owner, fileId(body.getValue("fileId")))
        .compose(file -> file == null ? Future.failedFuture(new Problem(404, "unknown-file", "no such file")) : Future.succeededFuture(file));
  }

  private Future<JsonObject> list(JsonObject body) {
    String owner = UserId.parse(body.getValue("caller")).toString();
    var pool = services.database().pool();
    return Future.all(FileStore.list(pool, owner), FileStore.used(pool, owner)).map(all -> new JsonObject()
        .put("files", all.resultAt(0)).put("used", all.<Long>resultAt(1)).put("quota", limits.quotaBytes()));
  }

  /** {caller, fileId, received}: what is on disk now; complete at the file's size. */
  private Future<JsonObject> received(JsonObject body) {
    long received = body.getLong("received");
    return get(body).compose(file -> {
      boolean complete = received == file.getLong("size");
      return FileStore.received(services.database().pool(), file.getString("fileId"), received, complete)
          .map(ignored -> file.put("received", received).put("complete", complete));
    });
  }

  /** {caller, fileId}: gone from disk, then from the table. */
  private Future<JsonObject> delete(JsonObject body) {
    return get(body).compose(file -> remove(List.of(file.getString("fileId")))).map(new JsonObject().put("deleted", true));
  }

  /** {userId}: a deleted account's files, every one. */
  private Future<JsonObject> deleteUser(JsonObject body) {
    String owner = UserId.parse(body.getValue("userId")).toString();
    return FileStore.ids(services.database().pool(), "SELECT id FROM files WHERE owner = #{o}", Map.of("o", owner))
        .compose(this::remove).map(new JsonObject());
  }

  private Future<Void> remove(List<String> ids) {
    Future<Void> done = Future.succeededFuture();
    for (String id : ids) {
      Path path = limits.directory().resolve(id);
      done = done.compose(ignored -> vertx.fileSystem().delete(path.toString()).recover(missing -> Future.succeededFuture()))
          .compose(ignored -> FileStore.delete(services.database().pool(), id));
    }
    return done;
  }

  /** Partial uploads nobody resumed within the window: their bytes and rows go. */
  private void purge() {
    String before = Instant.now().minus(limits.partialWindow()).toString();
    FileStore.ids(services.database().pool(), "SELECT id FROM files WHERE completed_at IS NULL AND created_at < #{b}", Map.of("b", before))
        .compose(ids -> {
          if (!ids.isEmpty()) {
            LOG.info("Purging {} partial uploads left since {}", ids.size(), before);
          }
          return remove(ids);
        })
        .onFailure(failure -> LOG.warn("Purging partial uploads failed: {}", failure.getMessage()));
  }
}
