package org.openred.app;

import org.openred.accounts.AccountsAddresses;
import io.vertx.core.Future;
import org.openred.config.ConfigException;
import org.openred.config.OpenRedConfig;
import org.openred.config.Option;
import org.openred.config.Role;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.openred.crypto.B64u;
import org.openred.store.PrivateFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Properties;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code demo} role (PROTOCOL.md section 10): a registry and two nodes, {@code a.localhost} and
 * {@code b.localhost}, in one process on three consecutive ports from {@code --http-port}, each
 * node registered with the registry and knowing the other, so federation can be tried on one
 * machine, with a user on each ({@code alice} on a, {@code bob} on b). Data goes under {@code <data>/demo/}.
 */
public final class Demo {
  private Demo() {
  }

  /** A person to sign in as: who, with what password, on which page. */
  public record DemoUser(String userId, String password, String url) {
  }

  public record Running(List<OpenRedNode> processes, List<DemoUser> users) {
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
      Properties passwords = passwords(data.resolve("passwords.properties"));
      List<DemoUser> users = List.of(user(started.get(1), "alice", passwords), user(started.get(2), "bob", passwords));
      return new Running(List.copyOf(started), users);
    } catch (RuntimeException e) {
      started.forEach(OpenRedNode::close);
      throw e;
    }
  }

  /**
   * The demo's users and their passwords, made on the first run and kept (owner-only) beside the demo's
   * data, so a second run can say them again: the server itself keeps only their Argon2id hashes.
   */
  private static Properties passwords(Path file) {
    Properties passwords = new Properties();
    try {
      if (Files.exists(file)) {
        try (var in = Files.newInputStream(file)) {
          passwords.load(in);
        }
      }
      SecureRandom random = new SecureRandom();
      boolean changed = false;
      for (String name : new String[] {"alice", "bob"}) {
        if (passwords.getProperty(name) == null) {
          byte[] secret = new byte[9];
          random.nextBytes(secret);
          passwords.setProperty(name, B64u.encode(secret));
          changed = true;
        }
      }
      if (changed) {
        PrivateFiles.file(file);
        try (var out = Files.newOutputStream(file)) {
          passwords.store(out, "The demo users' passwords (OpenRed demo only)");
        }
      }
      return passwords;
    } catch (IOException e) {
      throw new IllegalStateException("cannot keep the demo passwords in " + file + ": " + e.getMessage());
    }
  }

  /** Signs the user up on its node unless it is there from an earlier run. */
  private static DemoUser user(OpenRedNode node, String name, Properties passwords) {
    String password = passwords.getProperty(name);
    await(node.vertx().eventBus().<JsonObject>request(AccountsAddresses.REGISTER, new JsonObject().put("username", name).put("password", password))
        .recover(failure -> failure instanceof ReplyException taken && taken.failureCode() == 409
            ? Future.succeededFuture() : Future.failedFuture(failure)));
    return new DemoUser(name + "@" + node.config().domain(), password, node.config().publicUrl() + "/");
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
