package org.openred.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import org.openred.config.OpenRedConfig;
import org.openred.config.Option;
import org.openred.config.Role;
import org.openred.app.OpenRedNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts real OpenRed processes-in-a-JVM for black-box tests: each on a free loopback port with
 * its own temporary data directory, configured through the same flag/environment path as the
 * command line, and optionally on a fresh schema of the real PostgreSQL.
 */
public final class TestNodes {
  /**
   * The DNS server test nodes use unless a test starts its own dnsmasq: a loopback port where nothing
   * listens, so a lookup fails at once and no test ever asks the machine's resolver (off this host).
   */
  public static final String NO_DNS = "127.0.0.1:9";

  /** The PostgreSQL every test run uses (trust auth, database test), overridable for other machines. */
  public static final String POSTGRES_URL = System.getenv().getOrDefault("OPENRED_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test");

  private TestNodes() {
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A free port below the kernel's ephemeral range, for a node that stops and starts again on the same
   * port: a port from {@link #freePort()} can be taken meanwhile as the source port of any outgoing
   * connection, and the restart would fail to bind.
   */
  public static int stablePort() {
    int low = 32768;
    try {
      // readAllLines, not readString: the latter trusts the size /proc reports and reads one byte here.
      low = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      // not Linux: keep the usual lower bound
    }
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 100; attempt++) {
      if (low <= 20_001) {
        return freePort(); // an unusual range: nothing to stay below
      }
      int port = 20_000 + random.nextInt(low - 20_000);
      try (ServerSocket socket = new ServerSocket(port)) {
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    return freePort();
  }

  public static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory("openred-" + prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new, empty schema on the test PostgreSQL; its URL selects it through search_path. */
  public static String createPostgresSchema() {
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    onPostgres("CREATE SCHEMA " + schema);
    return POSTGRES_URL + "?search_path=" + schema;
  }

  public static void dropPostgresSchema(String url) {
    String schema = url.substring(url.indexOf("search_path=") + "search_path=".length());
    onPostgres("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  private static void onPostgres(String sql) {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(POSTGRES_URL)).using(vertx).build();
      await(pool.query(sql).execute().eventually(pool::close));
    } finally {
      await(vertx.close());
    }
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
    }
  }

  /** Options for one test node, set the way an operator would: flags and environment. */
  public static final class Spec {
    private final Map<Option, String> flags = new HashMap<>();
    private final Map<String, String> env = new HashMap<>();
    private Role role = Role.ALL;

    public Spec() {
      int port = freePort();
      flags.put(Option.HTTP_HOST, "127.0.0.1");
      flags.put(Option.HTTP_PORT, Integer.toString(port));
      flags.put(Option.DNS, NO_DNS);
    }

    public Spec role(Role role) {
      this.role = role;
      return this;
    }

    public Spec flag(Option option, String value) {
      flags.put(option, value);
      return this;
    }

    public Spec env(Option option, String value) {
      env.put(option.envName(), value);
      return this;
    }

    public Spec dataDir(Path dir) {
      return flag(Option.DATA, dir.toString());
    }

    public int port() {
      return Integer.parseInt(flags.get(Option.HTTP_PORT));
    }

    public OpenRedConfig config() {
      return OpenRedConfig.load(role, flags, env);
    }

    public OpenRedNode start() {
      return await(OpenRedNode.start(config()));
    }

    @Override
    public String toString() {
      return role.name().toLowerCase(Locale.ROOT) + " on " + port();
    }
  }
}
