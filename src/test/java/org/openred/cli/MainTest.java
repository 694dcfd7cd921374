package org.openred.cli;

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
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
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
