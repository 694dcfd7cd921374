package org.openred.app;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openred.config.Option;
import org.openred.testing.TestNodes;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
  @TempDir
  Path dir;

  private record Outcome(int code, String out, String err) {
  }

  private Outcome run(String... args) {
    return runWithInput("", args);
  }

  private Outcome runWithInput(String input, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, Map.of(), new java.io.ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void assertOneLineError(Outcome outcome, String expected) {
    assertEquals(Main.USAGE_ERROR, outcome.code());
    assertEquals(1, outcome.err().lines().count(), outcome.err());
    assertTrue(outcome.err().startsWith("openred: "), outcome.err());
    assertTrue(outcome.err().contains(expected), outcome.err());
    assertFalse(outcome.err().contains("Exception"), outcome.err());
    assertFalse(outcome.err().contains("\tat "), outcome.err());
  }

  @Test
  @DisplayName("--help lists every option and exits 0")
  void help() {
    Outcome outcome = run("--help");
    assertEquals(0, outcome.code());
    for (Option option : Option.ALL) {
      assertTrue(outcome.out().contains(option.secret() ? option.envName() : option.flagName()), option.name());
    }
  }

  @Test
  @DisplayName("keygen prints a 32-byte base64url secret")
  void keygen() {
    Outcome outcome = run("keygen");
    assertEquals(0, outcome.code());
    assertTrue(outcome.out().trim().matches("[A-Za-z0-9_-]{43}"), outcome.out());
  }

  @Test
  @DisplayName("Unknown commands and options, missing values and stray words: one line, exit 2")
  void badCommandLines() {
    assertOneLineError(run("serve"), "unknown command 'serve'");
    assertOneLineError(run("--htp-port", "1"), "unknown option --htp-port");
    assertOneLineError(run("--http-port"), "--http-port needs a value");
    assertOneLineError(run("--http-port", "x"), "--http-port: 'x' is not a whole number");
    assertOneLineError(run("node", "extra"), "unexpected argument 'extra'");
    assertOneLineError(run("--http-port", "1", "--http-port", "2"), "given twice");
    assertOneLineError(run("--master-key", "abc"), "unknown option --master-key");
  }

  @Test
  @DisplayName("A wrong --db URL or an unreachable PostgreSQL stops start-up with one line and exit 2")
  void badDatabase() {
    String data = dir.toString();
    assertOneLineError(run("--data", data, "--db", "oracle://x"), "--db:");
    int closedPort = TestNodes.freePort();
    assertOneLineError(run("--data", data, "--http-port", Integer.toString(TestNodes.freePort()),
        "--db", "postgresql://postgres@127.0.0.1:" + closedPort + "/test"), "cannot reach postgresql://postgres@127.0.0.1:" + closedPort);
    assertOneLineError(run("--data", data, "--http-port", Integer.toString(TestNodes.freePort()),
        "--db", "postgresql://postgres@127.0.0.1:5432/no_such_database_here"), "no_such_database_here");
  }

  @Test
  @DisplayName("user add and user list work on the node's database; the user then logs in to a node")
  void userCommands() throws Exception {
    String data = dir.toString();
    Outcome added = runWithInput("correct horse battery\n", "user", "add", "Alice", "--data", data, "--domain", "a.test");
    assertEquals(0, added.code(), added.err());
    assertEquals("created alice@a.test", added.out().trim());
    assertOneLineError(runWithInput("another password\n", "user", "add", "alice", "--data", data), "taken");
    assertOneLineError(runWithInput("short\n", "user", "add", "bob", "--data", data), "at least 8 characters");
    assertOneLineError(runWithInput("correct horse battery\n", "user", "add", "../bob", "--data", data), "not a username");
    assertOneLineError(run("user", "add", "carol", "--data", data), "standard input");
    assertOneLineError(run("user", "remove", "alice", "--data", data), "user add NAME");
    Outcome listed = run("user", "list", "--data", data, "--domain", "a.test");
    assertEquals(0, listed.code(), listed.err());
    assertTrue(listed.out().startsWith("alice@a.test\tcreated "), listed.out());
    assertTrue(!listed.out().contains("admin"), listed.out());
    Outcome admin = runWithInput("correct horse battery\n", "user", "add", "--admin", "root", "--data", data, "--domain", "a.test");
    assertEquals("created root@a.test, an admin", admin.out().trim(), admin.err());
    assertTrue(run("user", "list", "--data", data).out().lines().anyMatch(line -> line.startsWith("root@") && line.endsWith("\tadmin")));
    assertEquals(0, run("user", "admin", "alice", "on", "--data", data).code());
    assertEquals(0, run("user", "admin", "alice", "off", "--data", data).code());
    assertOneLineError(run("user", "admin", "nobody", "on", "--data", data), "no user nobody");
    assertOneLineError(run("user", "admin", "alice", "maybe", "--data", data), "on or off");
    assertOneLineError(run("user", "list", "--admin", "--data", data), "--admin goes with user add");

    org.openred.testing.TestNodes.Spec spec = new org.openred.testing.TestNodes.Spec().dataDir(dir).flag(Option.DOMAIN, "a.test");
    org.openred.app.OpenRedNode node = spec.start();
    try {
      var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + spec.port() + "/api/v1/auth/login"))
          .header("Content-Type", "application/json")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"username\":\"alice\",\"password\":\"correct horse battery\"}"))
          .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
    } finally {
      org.openred.testing.TestNodes.await(node.close());
    }
  }

  @Test
  @DisplayName("demo on ports that are taken stops with one line and exit 2")
  void demoPortTaken() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Outcome outcome = run("demo", "--data", dir.toString(), "--http-host", "127.0.0.1", "--http-port", Integer.toString(taken.getLocalPort()));
      assertEquals(Main.USAGE_ERROR, outcome.code());
      assertEquals(1, outcome.err().lines().count(), outcome.err());
      assertTrue(outcome.err().contains("in use"), outcome.err());
    }
  }

  @Test
  @DisplayName("A port already in use stops start-up with one line and exit 2")
  void portInUse() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Outcome outcome = run("--data", dir.toString(), "--http-host", "127.0.0.1", "--http-port", Integer.toString(taken.getLocalPort()));
      assertEquals(Main.USAGE_ERROR, outcome.code());
      assertEquals(1, outcome.err().lines().count(), outcome.err());
      assertTrue(outcome.err().contains("in use"), outcome.err());
    }
  }
}
