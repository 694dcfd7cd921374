package org.openred.app;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.XmlConfigBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.openred.config.ClusterConfig;
import org.openred.config.ConfigException;
import org.openred.config.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A clustered Vert.x through Hazelcast: the base settings come from {@code conf/cluster.xml}
 * (multicast and auto-detection off, SLF4J logging), and the interface, port and TCP-IP members
 * from the OpenRed configuration, so one file serves every machine.
 */
public final class Cluster {
  private Cluster() {
  }

  public static Future<Vertx> start(VertxOptions options, ClusterConfig cluster) {
    Config hazelcast;
    try {
      hazelcast = hazelcastConfig(cluster);
    } catch (RuntimeException e) {
      return Future.failedFuture(new ConfigException(Option.CLUSTER_CONFIG.flagName() + ": " + e.getMessage()));
    }
    options.setEventBusOptions(new EventBusOptions().setHost(cluster.host()).setPort(0).setClusterPublicHost(cluster.host()));
    return Vertx.builder()
        .with(options)
        .withClusterManager(new HazelcastClusterManager(hazelcast))
        .buildClustered();
  }

  static Config hazelcastConfig(ClusterConfig cluster) {
    System.setProperty("hazelcast.logging.type", "slf4j");
    Config config = load(cluster.configFile());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(true);
    network.getInterfaces().setEnabled(true).clear().addInterface(cluster.host());
    network.setPublicAddress(null);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    return config;
  }

  private static Config load(String file) {
    try {
      Path path = Path.of(file);
      if (Files.isRegularFile(path)) {
        try (InputStream in = Files.newInputStream(path)) {
          return new XmlConfigBuilder(in).build();
        }
      }
      try (InputStream in = Cluster.class.getClassLoader().getResourceAsStream("conf/cluster.xml")) {
        if (in == null) {
          throw new IllegalStateException("no " + file + " and no built-in cluster.xml");
        }
        return new XmlConfigBuilder(in).build();
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage());
    }
  }
}
