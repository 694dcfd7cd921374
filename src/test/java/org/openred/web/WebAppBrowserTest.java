package org.openred.web;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openred.testing.TwoNodes;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web app in Debian's Chromium (headless, driven by playwright-core from npm) against two real
 * nodes: src/test/js/webapp.mjs plays alice@a.test, bob@b.test and carol@a.test and asks this test
 * to restart node a half-way. Screenshots of the main screens land in target/screenshots.
 */
class WebAppBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path PLAYWRIGHT = Path.of("node_modules", "playwright-core");
  private final TwoNodes nodes = new TwoNodes("webapp");

  @AfterEach
  void stop() {
    nodes.close();
  }

  @Test
  // Fifteen steps in a real browser, two node restarts of the pages' bridges among them: 65 to 135 s
  // on this 2-core machine depending on what else runs, past JUnit's default of 120 s for the suite.
  @org.junit.jupiter.api.Timeout(300)
  @DisplayName("Sign-up, live cross-node E2EE chat, removal, token refresh, node restart, expired session and key backup in a real browser")
  void conversationsInARealBrowser() throws Exception {
    assertTrue(Files.isExecutable(CHROMIUM), "Debian's chromium is needed at " + CHROMIUM + " (.ci/run installs it)");
    assertTrue(Files.isDirectory(PLAYWRIGHT), "playwright-core is needed in node_modules: run npm ci (.ci/run does)");
    ProcessBuilder builder = new ProcessBuilder("node", Path.of("src", "test", "js", "webapp.mjs").toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().put("A_URL", "http://127.0.0.1:" + nodes.aPort);
    builder.environment().put("B_URL", "http://127.0.0.1:" + nodes.bPort);
    builder.environment().put("A_DOMAIN", "a.test");
    builder.environment().put("B_DOMAIN", "b.test");
    builder.environment().put("SCREENSHOTS", Path.of("target", "screenshots").toAbsolutePath().toString());
    Process browser = builder.start();
    List<String> transcript = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8));
         Writer in = new java.io.OutputStreamWriter(browser.getOutputStream(), StandardCharsets.UTF_8)) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        transcript.add(line);
        System.out.println("[webapp] " + line);
        if (line.equals("restart a")) {
          nodes.restartA();
          in.write("restarted\n");
          in.flush();
        }
      }
    } finally {
      if (!browser.waitFor(30, TimeUnit.SECONDS)) {
        browser.destroyForcibly();
      }
    }
    assertEquals(0, browser.exitValue(), "the browser script failed after: " + String.join(" | ", transcript));
    assertEquals("done", transcript.get(transcript.size() - 1));
  }
}
