package org.openred.web;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openred.testing.E2eeClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The browser app's section 7 code (webroot/js/e2ee.js, WebCrypto) and the Java test client produce
 * and accept the same wrapped keys and messages, both ways. Runs the JavaScript under Node's WebCrypto.
 */
class BrowserCryptoInteropTest {

  private static JsonObject node(String mode, JsonObject input) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("node", Path.of("src", "test", "js", "interop.mjs").toString(), mode)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    process.getOutputStream().write(input.encode().getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError("node interop.mjs " + mode + " failed: " + output);
    }
    return new JsonObject(output.trim());
  }

  @Test
  @DisplayName("Browser -> Java: the browser's wrapped key and message open in the Java client")
  void browserToJava() throws Exception {
    E2eeClient java = new E2eeClient("java@b.test");
    JsonObject made = node("make", new JsonObject().put("javaUserId", java.userId).put("javaDh", java.publicKeys().getString("dh")));
    JsonObject toJava = made.getJsonObject("toJava");
    byte[] sessionKey = java.unwrap(toJava.getString("wrappedKey"), toJava.getString("conversationId"), toJava.getInteger("keyVersion"));
    assertEquals("héllo from the browser ✓", E2eeClient.decrypt(toJava.getJsonObject("payload"), sessionKey,
        made.getJsonObject("publicKeys").getString("sig")));
  }

  @Test
  @DisplayName("Java -> browser: the Java client's wrapped key and message open in the browser code; a tampered one is refused")
  void javaToBrowser() throws Exception {
    E2eeClient java = new E2eeClient("java@b.test");
    JsonObject made = node("make", new JsonObject().put("javaUserId", java.userId).put("javaDh", java.publicKeys().getString("dh")));
    String browserId = made.getString("userId");
    byte[] sessionKey = E2eeClient.newSessionKey();
    String wrapped = E2eeClient.wrap(sessionKey, "interop-2", 3, browserId, made.getJsonObject("publicKeys").getString("dh"));
    JsonObject payload = java.encrypt(sessionKey, "interop-2", 3, "from-java", "grüße aus Java 🌍");
    JsonObject read = node("read", new JsonObject().put("identity", made.getJsonObject("identity")).put("userId", browserId)
        .put("conversationId", "interop-2").put("keyVersion", 3).put("wrappedKey", wrapped).put("payload", payload)
        .put("javaSig", java.publicKeys().getString("sig")));
    assertEquals("grüße aus Java 🌍", read.getString("plaintext"), read.encode());
    assertEquals("bad-signature", read.getString("tampered"), "a changed ciphertext is refused, and the reason is said");
  }
}
