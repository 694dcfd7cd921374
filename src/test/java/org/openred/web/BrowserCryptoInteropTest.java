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

  @Test
  @DisplayName("The browser's crypto refuses small-order Ed25519 sender keys and X25519 keys (all-zero output) as weak-key")
  void weakKeys() throws Exception {
    io.vertx.core.json.JsonArray sig = new io.vertx.core.json.JsonArray()
        .add("0100000000000000000000000000000000000000000000000000000000000000")
        .add("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")
        .add("0000000000000000000000000000000000000000000000000000000000000000")
        .add("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05")
        .add("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa")
        .add("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    io.vertx.core.json.JsonArray dh = new io.vertx.core.json.JsonArray()
        .add("0000000000000000000000000000000000000000000000000000000000000000")
        .add("0100000000000000000000000000000000000000000000000000000000000000")
        .add("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")
        .add("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157")
        .add("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    JsonObject outcome = node("weak", new JsonObject().put("sig", sig).put("dh", dh));
    outcome.getJsonArray("sig").forEach(code -> assertEquals("weak-key", code, outcome.encode()));
    outcome.getJsonArray("dh").forEach(code -> assertEquals("weak-key", code, outcome.encode()));
    assertEquals(sig.size(), outcome.getJsonArray("sig").size());
    assertEquals(dh.size(), outcome.getJsonArray("dh").size());
  }
}
