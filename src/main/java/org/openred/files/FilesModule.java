package org.openred.files;

import io.vertx.core.json.JsonObject;
import org.openred.node.AccountCleanup;
import org.openred.node.Deployment;
import org.openred.node.ModuleContext;
import org.openred.node.OpenRedModule;
import org.openred.node.RouteModule;
import org.openred.node.Setting;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Files (seed 001's file-sharing module, PROTOCOL.md sections 7 and 8): encrypted by the browser,
 * stored and streamed here as opaque bytes under generated ids in the data directory, uploaded in one
 * request or resumed from where an interrupted one stopped, served back only as a download.
 */
public final class FilesModule implements OpenRedModule {
  /** What the node allows and where the bytes live. */
  public record Limits(Path directory, long maxFileBytes, long quotaBytes, Duration partialWindow, Duration idle) {
  }

  @Override
  public String name() {
    return "files";
  }

  @Override
  public boolean hasMigrations() {
    return true;
  }

  @Override
  public List<Setting> settings() {
    return List.of(
        Setting.integer("max-file-mb", 1024, 1, 1_048_576, "the largest file a user may upload, in MiB"),
        Setting.integer("quota-mb", 10_240, 1, 1_048_576, "how much a user may store on this node, in MiB"),
        Setting.integer("partial-hours", 24, 1, 8_760, "how long an interrupted upload waits to be resumed before it is purged"),
        Setting.integer("idle-seconds", 30, 5, 3_600, "how long an upload may send nothing before its connection is closed (it can be resumed)"));
  }

  /** Uploads and downloads read and write their bodies themselves: outside the JSON body chain. */
  @Override
  public List<String> rawBodyPaths() {
    return List.of(FilesRoutes.BASE, FilesRoutes.BASE + "/*");
  }

  static Limits limits(ModuleContext context) {
    return new Limits(context.services().config().dataDir().toAbsolutePath().resolve("files"),
        Long.parseLong(context.setting("max-file-mb")) * 1024 * 1024, Long.parseLong(context.setting("quota-mb")) * 1024 * 1024,
        Duration.ofHours(Long.parseLong(context.setting("partial-hours"))), Duration.ofSeconds(Long.parseLong(context.setting("idle-seconds"))));
  }

  @Override
  public List<Deployment> verticles(ModuleContext context) {
    return List.of(Deployment.one(() -> new FilesVerticle(context.services(), limits(context))));
  }

  @Override
  public List<RouteModule> routes(ModuleContext context) {
    return List.of(new FilesRoutes(context.vertx(), context.authenticator(), limits(context)));
  }

  /** A deleted account's files go from disk and table. */
  @Override
  public Optional<AccountCleanup> accountCleanup(ModuleContext context) {
    return Optional.of(AccountCleanup.of(name(), user -> context.vertx().eventBus()
        .request(FilesAddresses.DELETE_USER, new JsonObject().put("userId", user.toString())).mapEmpty()));
  }
}
