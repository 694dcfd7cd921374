package org.openred.node;

import io.vertx.core.Future;
import org.openred.config.ConfigException;
import org.openred.config.OpenRedConfig;
import org.openred.config.Option;
import org.openred.config.Role;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code demo} role (PROTOCOL.md section 10): a registry and two nodes, {@code a.localhost} and
 * {@code b.localhost}, in one process on three consecutive ports from {@code --http-port}, each
 * node registered with the registry and knowing the other, so federation can be tried on one
 * machine. Data goes under {@code <data>/demo/}.
 */
public final class Demo {
  private Demo() {
  }

  public record Running(List<OpenRedNode> processes) {
    public Future<Void> close() {
      List<Future<Void>> closing = new ArrayList<>();
      processes.forEach(node -> closing.add(node.close()));
      return Future.join(closing).mapEmpty();
    }
  }

  /**
   * Starts the three, blocking: call it from a thread that is not Vert.x's. {@code flags} are the
   * user's, of which --data, --http-port, --http-host and --dns are used.
   */
  public static Running start(Map<Option, String> flags, Map<String, String> env) {
    OpenRedConfig base = OpenRedConfig.load(Role.ALL, flags, env);
    int port = base.httpPort();
    if (port + 2 > 65535) {
      throw new ConfigException("--http-port: the demo needs three consecutive ports from " + port);
    }
    Path data = base.dataDir().resolve("demo");
    String host = base.httpHost().equals("0.0.0.0") ? "127.0.0.1" : base.httpHost();
    String registryUrl = "http://" + host + ":" + port;
    String aDomain = "a.localhost:" + (port + 1);
    String bDomain = "b.localhost:" + (port + 2);
    Map<String, String> nodeEnv = new HashMap<>(env);
    nodeEnv.keySet().removeIf(name -> name.startsWith("OPENRED_") && !name.equals(Option.MASTER_KEY.envName()));

    // Each process gets its own Vert.x, created from this (non-Vert.x) thread, one after the other.
    List<OpenRedNode> started = new ArrayList<>();
    try {
      String dns = flags.get(Option.DNS);
      started.add(await(OpenRedNode.start(config(Role.REGISTRY, data.resolve("registry"), host, port, host + ":" + port,
          registryUrl, null, dns, nodeEnv))));
      started.add(await(OpenRedNode.start(config(Role.NODE, data.resolve("a"), host, port + 1, aDomain, registryUrl,
          bDomain + "=http://" + host + ":" + (port + 2), dns, nodeEnv))));
      started.add(await(OpenRedNode.start(config(Role.NODE, data.resolve("b"), host, port + 2, bDomain, registryUrl,
          aDomain + "=http://" + host + ":" + (port + 1), dns, nodeEnv))));
      return new Running(List.copyOf(started));
    } catch (RuntimeException e) {
      started.forEach(OpenRedNode::close);
      throw e;
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("start-up took longer than 60 s");
    }
  }

  private static OpenRedConfig config(Role role, Path data, String host, int port, String domain, String registryUrl,
                                      String peers, String dns, Map<String, String> env) {
    Map<Option, String> flags = new HashMap<>();
    if (dns != null) {
      flags.put(Option.DNS, dns);
    }
    flags.put(Option.DATA, data.toString());
    flags.put(Option.HTTP_HOST, host);
    flags.put(Option.HTTP_PORT, Integer.toString(port));
    flags.put(Option.DOMAIN, domain);
    flags.put(Option.PUBLIC_URL, "http://" + host + ":" + port);
    flags.put(Option.ALLOW_PRIVATE_URLS, "true");
    if (role == Role.NODE) {
      flags.put(Option.REGISTRY, registryUrl);
      flags.put(Option.PEERS, peers);
    }
    return OpenRedConfig.load(role, flags, env);
  }
}
