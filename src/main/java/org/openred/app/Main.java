package org.openred.app;

import ch.qos.logback.classic.Level;
import org.openred.config.OpenRedConfig;
import org.openred.config.StartupFailure;
import org.openred.crypto.B64u;
import org.openred.app.Demo;
import org.openred.app.OpenRedNode;
import org.openred.kernel.Software;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The {@code openred} command. Every failure a user can cause ends with one line on stderr and
 * exit code 2; a server command that started keeps the JVM running until it is stopped.
 */
public final class Main {
  public static final int USAGE_ERROR = 2;
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    // Avatars are decoded with ImageIO: no display, ever.
    System.setProperty("java.awt.headless", "true");
    int code = run(args, System.getenv(), System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs a command; answers its exit code (0 for a server that is now running). */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return run(args, env, System.in, out, err);
  }

  /** As {@link #run(String[], Map, PrintStream, PrintStream)}, reading what a command asks for from {@code in}. */
  public static int run(String[] args, Map<String, String> env, java.io.InputStream in, PrintStream out, PrintStream err) {
    try {
      CommandLine line = CommandLine.parse(args);
      if (line.help()) {
        out.print(CommandLine.usage());
        return 0;
      }
      if (line.version()) {
        out.println("openred " + Software.version());
        return 0;
      }
      if (line.command().equals("keygen")) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        out.println(B64u.encode(secret));
        return 0;
      }
      if (line.command().equals("user")) {
        return UserCommand.run(line.words(), OpenRedConfig.load(org.openred.config.Role.NODE, line.options(), env), in, out);
      }
      if (line.command().equals("demo")) {
        Demo.Running demo = Demo.start(line.options(), env);
        OpenRedConfig first = demo.processes().get(0).config();
        out.println("OpenRed demo is running (Ctrl-C stops it):");
        for (OpenRedNode node : demo.processes()) {
          out.printf("  %-9s %-24s %s%n", node.config().role().wireName(), node.config().domain(), node.config().publicUrl());
        }
        out.println("Data in " + first.dataDir().getParent() + "; nodes register with the registry and know each other.");
        Demo.DemoUser alice = demo.users().get(0);
        Demo.DemoUser bob = demo.users().get(1);
        out.println();
        out.println("Open " + alice.url() + " and sign in as alice, password " + alice.password() + ";");
        out.println("open " + bob.url() + " in another window and sign in as bob, password " + bob.password() + ".");
        out.println("Then, as alice, start a conversation with " + bob.userId() + ".");
        stopOnShutdown(demo::close);
        return 0;
      }
      OpenRedConfig config = OpenRedConfig.load(line.role(), line.options(), env);
      setLogLevel(config.logLevel());
      OpenRedNode node = OpenRedNode.start(config).toCompletionStage().toCompletableFuture().join();
      stopOnShutdown(node::close);
      if (config.role().runsNode()) {
        out.println("OpenRed is ready: open " + config.publicUrl() + "/ in a browser (Ctrl-C stops it).");
      } else {
        out.println("The OpenRed registry is ready at " + config.publicUrl() + "/api/v1 (Ctrl-C stops it).");
      }
      return 0;
    } catch (StartupFailure e) {
      err.println("openred: " + e.getMessage());
      return USAGE_ERROR;
    } catch (CompletionException e) {
      return failed(e.getCause(), err);
    } catch (Exception e) {
      // Future.await rethrows a failure as it is, checked exceptions included (a BindException, say).
      return failed(e, err);
    }
  }

  /** Stops what runs when the JVM is asked to stop (Ctrl-C, SIGTERM), waiting at most 10 s. */
  private static void stopOnShutdown(java.util.function.Supplier<io.vertx.core.Future<Void>> stop) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Stopping OpenRed");
      try {
        stop.get().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("Stopping took too long: {}", oneLine(e));
      }
    }, "openred-shutdown"));
  }

  private static int failed(Throwable cause, PrintStream err) {
    if (cause instanceof StartupFailure failure) {
      err.println("openred: " + failure.getMessage());
    } else {
      LOG.error("Start-up failed", cause);
      err.println("openred: start-up failed: " + oneLine(cause));
    }
    return USAGE_ERROR;
  }

  private static String oneLine(Throwable cause) {
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message.lines().findFirst().orElse("");
  }

  private static void setLogLevel(String level) {
    if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
      Level wanted = Level.toLevel(level, Level.INFO);
      root.setLevel(wanted);
      ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.openred")).setLevel(wanted);
    }
  }
}
