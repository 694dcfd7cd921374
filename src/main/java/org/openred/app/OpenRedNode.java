package org.openred.app;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.openred.cache.SharedCache;
import org.openred.config.OpenRedConfig;
import org.openred.config.StorageConfig;
import org.openred.crypto.AeadSuites;
import org.openred.crypto.CryptoClient;
import org.openred.crypto.CryptoSandboxVerticle;
import org.openred.crypto.SignatureChecks;
import org.openred.crypto.NodePublicKeys;
import org.openred.discovery.DiscoveryVerticle;
import org.openred.federation.inbound.InboundVerticle;
import org.openred.federation.EnvelopeTypes;
import org.openred.federation.inbound.FederationRoutes;
import org.openred.kernel.LiveEvents;
import org.openred.kernel.Readiness;
import org.openred.kernel.Software;
import org.openred.node.Authenticator;
import org.openred.node.ModuleContext;
import org.openred.node.NodeServices;
import org.openred.node.NodeVerticle;
import org.openred.node.AccountCleanup;
import org.openred.node.SyncSource;
import org.openred.web.ModuleRoutes;
import org.openred.web.RouteSwitches;
import org.openred.federation.outbox.DeliveryVerticle;
import org.openred.federation.outbox.SendVerticle;
import org.openred.net.Dns;
import org.openred.net.OutboundHttp;
import org.openred.store.Database;
import org.openred.store.Migrations;
import org.openred.store.PrivateFiles;
import org.openred.config.StartupFailure;
import org.openred.web.ConnectionGuard;
import org.openred.web.HttpVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One running OpenRed process: its Vert.x (clustered or not), storage, crypto sandbox and
 * verticles, started in dependency order. Used by the launcher and by tests alike.
 */
public final class OpenRedNode {
  private static final Logger LOG = LoggerFactory.getLogger(OpenRedNode.class);

  private final Vertx vertx;
  private final OpenRedConfig config;
  private final Database database;
  private final NodePublicKeys keys;
  private final String instanceId;
  private final AeadSuites suites;
  /** Names of the kernel's route groups, beside the modules' (which may not take them). */
  static final String FEDERATION_ROUTES = "federation";
  static final String ADMIN_ROUTES = "admin";

  private OpenRedNode(Vertx vertx, OpenRedConfig config, Database database, NodePublicKeys keys, String instanceId, AeadSuites suites) {
    this.suites = suites;
    this.vertx = vertx;
    this.config = config;
    this.database = database;
    this.keys = keys;
    this.instanceId = instanceId;
  }

  public Vertx vertx() {
    return vertx;
  }

  public OpenRedConfig config() {
    return config;
  }

  public Database database() {
    return database;
  }

  public NodePublicKeys keys() {
    return keys;
  }

  public String instanceId() {
    return instanceId;
  }

  /** The AEAD suites this node can negotiate: the built-ins and its modules'. */
  public AeadSuites aeadSuites() {
    return suites;
  }

  public static VertxOptions vertxOptions() {
    return new VertxOptions()
        .setPreferNativeTransport(false)
        .setMaxEventLoopExecuteTime(200).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setWarningExceptionTime(2).setWarningExceptionTimeUnit(TimeUnit.SECONDS);
  }

  /** Starts everything; on failure closes what was opened and fails with the first cause. */
  public static Future<OpenRedNode> start(OpenRedConfig config) {
    long began = System.nanoTime();
    Future<Vertx> vertxFuture = config.cluster().enabled()
        ? Cluster.start(vertxOptions(), config.cluster())
        : Future.succeededFuture(Vertx.vertx(vertxOptions()));
    return vertxFuture.compose(vertx -> deploy(vertx, config)
        .onSuccess(node -> LOG.info("OpenRed {} started: role={} url={} domain={} node_id={} storage={} cluster={} in {} ms",
            Software.version(), config.role().wireName(), config.publicUrl(), config.domain(), node.keys.nodeId(),
            node.database.describe(), config.cluster().enabled() ? "hazelcast@" + config.cluster().host() + ":" + config.cluster().port() : "off",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began)))
        .recover(failure -> {
          // Chaining on a close started from Vert.x's own event loop never completes: let it run on its own.
          vertx.close();
          return Future.failedFuture(failure);
        }));
  }

  private static Future<OpenRedNode> deploy(Vertx vertx, OpenRedConfig config) {
    String instanceId = UUID.randomUUID().toString();
    if (usesDataDirectory(config)) {
      try {
        PrivateFiles.directory(config.dataDir());
      } catch (java.io.IOException e) {
        return Future.failedFuture(new StartupFailure("cannot prepare the data directory " + config.dataDir() + ": " + e.getMessage()));
      }
    }
    List<Modules.Found> modules;
    Map<String, Map<String, String>> settings;
    EnvelopeTypes types;
    AeadSuites suites;
    try {
      modules = Modules.select(config, Modules.discover(config));
      settings = Modules.settings(config, modules);
      types = EnvelopeTypes.of(modules.stream().flatMap(found -> found.module().envelopeTypes().stream()).toList());
      suites = AeadSuites.of(modules.stream().flatMap(found -> found.module().aeadSuites().stream()).toList());
    } catch (IllegalStateException e) {
      return Future.failedFuture(new StartupFailure(e.getMessage()));
    } catch (StartupFailure e) {
      return Future.failedFuture(e);
    }
    Set<String> liveKinds = new HashSet<>();
    modules.forEach(found -> liveKinds.addAll(found.module().liveEventKinds()));
    Wiring wiring = new Wiring(modules, settings, types, suites);
    return Database.open(vertx, config.storage()).compose(database -> vertx.executeBlocking(() -> {
      // Reads files (the resolver configuration, trust stores): not on an event loop.
      Dns dns = new Dns(vertx, config);
      return new NodeServices(config, database, SharedCache.create(vertx, config), dns, new OutboundHttp(vertx, dns, config),
          new SignatureChecks(vertx), Clock.systemUTC(), new LiveEvents(vertx, config.domain(), liveKinds));
    }).recover(failure -> database.close().transform(ignored -> Future.failedFuture(failure)))
        .compose(services -> deployVerticles(vertx, instanceId, services, wiring)));
  }

  /** What the modules declared, checked before anything starts. */
  private record Wiring(List<Modules.Found> modules, Map<String, Map<String, String>> settings, EnvelopeTypes types, AeadSuites suites) {
  }

  /**
   * Storage migrated, then the kernel (the crypto sandbox, the node, discovery, the federation
   * pipeline), the HTTP server with every module's routes, then each module's verticles in order;
   * ready once all are deployed.
   */
  private static Future<OpenRedNode> deployVerticles(Vertx vertx, String instanceId, NodeServices services, Wiring wiring) {
    OpenRedConfig config = services.config();
    Database database = services.database();
    int cores = Runtime.getRuntime().availableProcessors();
    EnvelopeTypes types = wiring.types();
    Future<Set<String>> kernel = Migrations.migrate(database, Modules.migrations(wiring.modules().stream().map(Modules.Found::module).toList()))
        .compose(version -> vertx.deployVerticle(new CryptoSandboxVerticle(config, database)))
        .compose(ignored -> vertx.deployVerticle(() -> new NodeVerticle(config, instanceId), new DeploymentOptions()))
        .compose(ignored -> config.role().runsNode()
            ? vertx.deployVerticle(new DiscoveryVerticle(services))
                // SQLite has one connection: one instance gathers every request into one group-commit queue.
                .compose(i -> vertx.deployVerticle(() -> new InboundVerticle(services, types), new DeploymentOptions()
                    .setInstances(config.storage().engine() == StorageConfig.Engine.SQLITE ? 1 : cores)))
                .compose(i -> vertx.deployVerticle(new SendVerticle(services, types)))
                .compose(i -> vertx.deployVerticle(new DeliveryVerticle(services)))
            : Future.succeededFuture())
        .compose(ignored -> ModuleManager.switchedOff(services));
    return kernel.compose(off -> new CryptoClient(vertx).publicKeys().compose(keys -> {
      Authenticator tokens = Authenticator.NOBODY;
      for (Modules.Found found : wiring.modules()) {
        Optional<Authenticator> offered = found.module().authenticator(context(vertx, services, keys, Authenticator.NOBODY, wiring, found, List.of(), List.of()));
        if (offered.isPresent()) {
          tokens = offered.get();
          break;
        }
      }
      Set<String> disabled = new HashSet<>();
      wiring.modules().stream().filter(found -> found.plugin() && off.contains(found.module().name()))
          .forEach(found -> disabled.add(found.module().name()));
      RouteSwitches switches = new RouteSwitches(disabled);
      ModuleManager manager = new ModuleManager(vertx, services, types, switches);
      List<ModuleRoutes> routes = new ArrayList<>();
      if (config.role().runsNode()) {
        routes.add(new ModuleRoutes(FEDERATION_ROUTES, List::of, () -> List.of(new FederationRoutes(vertx, services, types))));
      }
      Authenticator authenticator = tokens;
      List<SyncSource> sources = new ArrayList<>();
      List<AccountCleanup> cleanups = new ArrayList<>();
      for (Modules.Found found : wiring.modules()) {
        ModuleContext first = context(vertx, services, keys, authenticator, wiring, found, List.of(), List.of());
        found.module().syncSource(first).ifPresent(sources::add);
        found.module().accountCleanup(first).ifPresent(cleanups::add);
      }
      routes.add(new ModuleRoutes(ADMIN_ROUTES, List::of, () -> List.of(new AdminRoutes(manager, wiring.suites(), authenticator))));
      for (Modules.Found found : wiring.modules()) {
        ModuleContext context = context(vertx, services, keys, authenticator, wiring, found, List.copyOf(sources), List.copyOf(cleanups));
        manager.add(found, context, !disabled.contains(found.module().name()));
        routes.add(new ModuleRoutes(found.module().name(), () -> found.module().filters(context), () -> found.module().routes(context)));
      }
      ConnectionGuard guard = new ConnectionGuard(config);
      List<String> rawBodyPaths = wiring.modules().stream().flatMap(found -> found.module().rawBodyPaths().stream()).toList();
      return vertx.deployVerticle(() -> new HttpVerticle(services, guard, routes, authenticator, switches, rawBodyPaths),
              new DeploymentOptions().setInstances(cores))
          .compose(ignored -> manager.start())
          .map(ignored -> {
            Readiness.set(vertx, Readiness.READY);
            return new OpenRedNode(vertx, config, database, keys, instanceId, wiring.suites());
          });
    })).recover(failure -> services.close().transform(ignored -> database.close())
        .transform(ignored -> Future.failedFuture(failure)));
  }

  private static ModuleContext context(Vertx vertx, NodeServices services, NodePublicKeys keys, Authenticator authenticator, Wiring wiring,
                                       Modules.Found found, List<SyncSource> sources, List<AccountCleanup> cleanups) {
    return new ModuleContext(found.plugin() ? PluginGuard.guarded(vertx) : vertx, services, keys, authenticator, wiring.suites(),
        wiring.settings().getOrDefault(found.module().name(), Map.of()), sources, cleanups);
  }

  /** The data directory holds the SQLite database or the master key secret when they are not configured elsewhere. */
  private static boolean usesDataDirectory(OpenRedConfig config) {
    boolean sqliteInside = config.storage().engine() == StorageConfig.Engine.SQLITE
        && config.dataDir().toAbsolutePath().normalize().equals(config.storage().sqliteFile().toAbsolutePath().normalize().getParent());
    return sqliteInside || config.masterKeySecret().isEmpty();
  }

  /** Undeploys every verticle, closes storage and Vert.x (and leaves the cluster). */
  public Future<Void> close() {
    Readiness.set(vertx, Readiness.STOPPING);
    return vertx.close();
  }
}
