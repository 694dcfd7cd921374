package org.openred.node;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.openred.accounts.AccountsVerticle;
import org.openred.cache.SharedCache;
import org.openred.config.OpenRedConfig;
import org.openred.config.StorageConfig;
import org.openred.crypto.CryptoClient;
import org.openred.crypto.CryptoSandboxVerticle;
import org.openred.crypto.SignatureChecks;
import org.openred.crypto.NodePublicKeys;
import org.openred.discovery.DiscoveryVerticle;
import org.openred.federation.inbound.InboundVerticle;
import org.openred.messaging.ConversationsVerticle;
import org.openred.messaging.InboundConversationsVerticle;
import org.openred.federation.outbox.DeliveryVerticle;
import org.openred.federation.outbox.SendVerticle;
import org.openred.net.Dns;
import org.openred.net.OutboundHttp;
import org.openred.registry.RegistryClientVerticle;
import org.openred.registry.RegistryVerticle;
import org.openred.store.Database;
import org.openred.store.Migrations;
import org.openred.store.PrivateFiles;
import org.openred.config.StartupFailure;
import org.openred.web.ConnectionGuard;
import org.openred.web.HttpVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
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

  private OpenRedNode(Vertx vertx, OpenRedConfig config, Database database, NodePublicKeys keys, String instanceId) {
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
    return Database.open(vertx, config.storage()).compose(database -> vertx.executeBlocking(() -> {
      // Reads files (the resolver configuration, trust stores): not on an event loop.
      Dns dns = new Dns(vertx, config);
      return new NodeServices(config, database, SharedCache.create(vertx, config), dns, new OutboundHttp(vertx, dns, config),
          new SignatureChecks(vertx), Clock.systemUTC());
    }).recover(failure -> database.close().transform(ignored -> Future.failedFuture(failure)))
        .compose(services -> deployVerticles(vertx, config, instanceId, services)));
  }

  private static Future<OpenRedNode> deployVerticles(Vertx vertx, OpenRedConfig config, String instanceId, NodeServices services) {
    Database database = services.database();
    ConnectionGuard guard = new ConnectionGuard(config);
    return Migrations.migrate(database)
          .compose(version -> vertx.deployVerticle(new CryptoSandboxVerticle(config, database)))
          .compose(ignored -> vertx.deployVerticle(() -> new NodeVerticle(config, instanceId), new DeploymentOptions()))
          .compose(ignored -> config.role().runsRegistry()
              ? vertx.deployVerticle(() -> new RegistryVerticle(config, database, services.cache(), services.http(), services.clock()),
                  new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
              : Future.succeededFuture())
          .compose(ignored -> vertx.deployVerticle(() -> new HttpVerticle(services, guard),
              new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors())))
          .compose(ignored -> config.role().runsNode()
              ? vertx.deployVerticle(new DiscoveryVerticle(services))
                  // SQLite has one connection: one instance gathers every request into one group-commit queue.
                  .compose(i -> vertx.deployVerticle(() -> new InboundVerticle(services), new DeploymentOptions()
                      .setInstances(config.storage().engine() == StorageConfig.Engine.SQLITE ? 1 : Runtime.getRuntime().availableProcessors())))
                  .compose(i -> vertx.deployVerticle(new SendVerticle(services)))
                  .compose(i -> vertx.deployVerticle(new AccountsVerticle(services)))
                  .compose(i -> vertx.deployVerticle(new ConversationsVerticle(services)))
                  .compose(i -> vertx.deployVerticle(new InboundConversationsVerticle(services)))
                  .compose(i -> vertx.deployVerticle(new DeliveryVerticle(services)))
              : Future.succeededFuture())
          .compose(ignored -> config.role().runsNode() && config.registryUrl().isPresent()
              ? vertx.deployVerticle(new RegistryClientVerticle(services))
              : Future.succeededFuture())
          .compose(ignored -> new CryptoClient(vertx).publicKeys())
          .map(keys -> {
            Readiness.set(vertx, Readiness.READY);
            return new OpenRedNode(vertx, config, database, keys, instanceId);
          })
          .recover(failure -> services.close().transform(ignored -> database.close())
              .transform(ignored -> Future.failedFuture(failure)));
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
