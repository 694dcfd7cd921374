package org.openred.accounts;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openred.config.Option;
import org.openred.app.OpenRedNode;
import org.openred.testing.ClientApi;
import org.openred.testing.TestNodes;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;
import static org.openred.testing.Problems.assertProblem;

/** Accounts over HTTP against a real node (ATTACKS 17, 18, 19). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountsTest {
  private Path dir;
  private OpenRedNode node;
  private int port;

  @BeforeAll
  void start() {
    dir = TestNodes.tempDir("accounts");
    TestNodes.Spec spec = new TestNodes.Spec().dataDir(dir).flag(Option.DOMAIN, "a.test");
    port = spec.port();
    node = spec.start();
  }

  @AfterAll
  void stop() {
    await(node.close());
    TestNodes.deleteRecursively(dir);
  }

  private HttpResponse<String> post(String path, JsonObject body, Map<String, String> headers) {
    return ClientApi.send(port, "POST", path, null, body, headers);
  }

  private HttpResponse<String> post(String path, JsonObject body) {
    return post(path, body, Map.of());
  }

  private HttpResponse<String> me(String accessToken) {
    return ClientApi.send(port, "GET", "/api/v1/auth/me", accessToken, null);
  }

  private String newUser() {
    String name = "u" + UUID.randomUUID().toString().substring(0, 8);
    assertEquals(201, post("/api/v1/auth/register", credentials(name, "correct horse battery")).statusCode());
    return name;
  }

  private static JsonObject credentials(String name, String password) {
    return new JsonObject().put("username", name).put("password", password);
  }

  private JsonObject login(String name) {
    HttpResponse<String> response = post("/api/v1/auth/login", credentials(name, "correct horse battery"));
    assertEquals(200, response.statusCode(), response.body());
    return new JsonObject(response.body());
  }

  @Test
  @DisplayName("Changing the password ends every other session, this one goes on; the old password no longer logs in")
  void changePassword() {
    String name = newUser();
    JsonObject here = login(name);
    JsonObject elsewhere = login(name);
    String token = here.getString("access_token");
    assertProblem(403, "wrong-password", ClientApi.send(port, "POST", "/api/v1/auth/password", token,
        new JsonObject().put("current", "not my password").put("password", "a new long password")));
    assertProblem(400, "weak-password", ClientApi.send(port, "POST", "/api/v1/auth/password", token,
        new JsonObject().put("current", "correct horse battery").put("password", "short")));
    assertProblem(400, "invalid-field", ClientApi.send(port, "POST", "/api/v1/auth/password", token, new JsonObject().put("password", "a new long password")));
    HttpResponse<String> changed = ClientApi.send(port, "POST", "/api/v1/auth/password", token,
        new JsonObject().put("current", "correct horse battery").put("password", "a new long password"));
    assertEquals(200, changed.statusCode(), changed.body());
    assertEquals(1, new JsonObject(changed.body()).getInteger("signedOut"));
    assertEquals(401, me(elsewhere.getString("access_token")).statusCode(), "the other session's access token is refused");
    assertEquals(401, post("/api/v1/auth/refresh", new JsonObject().put("refresh_token", elsewhere.getString("refresh_token"))).statusCode());
    assertEquals(200, me(token).statusCode(), "this session goes on");
    assertEquals(200, post("/api/v1/auth/refresh", new JsonObject().put("refresh_token", here.getString("refresh_token"))).statusCode());
    assertEquals(401, post("/api/v1/auth/login", credentials(name, "correct horse battery")).statusCode());
    assertEquals(200, post("/api/v1/auth/login", credentials(name, "a new long password")).statusCode());
  }

  @Test
  @DisplayName("Signing out everywhere ends every session of the user, this one too, and no one else's")
  void logoutEverywhere() {
    String name = newUser();
    String other = newUser();
    JsonObject first = login(name);
    JsonObject second = login(name);
    JsonObject someoneElse = login(other);
    HttpResponse<String> out = ClientApi.send(port, "POST", "/api/v1/auth/logout-all", first.getString("access_token"), null);
    assertEquals(200, out.statusCode(), out.body());
    assertEquals(2, new JsonObject(out.body()).getInteger("signedOut"));
    for (JsonObject session : new JsonObject[] {first, second}) {
      assertEquals(401, me(session.getString("access_token")).statusCode());
      assertEquals(401, post("/api/v1/auth/refresh", new JsonObject().put("refresh_token", session.getString("refresh_token"))).statusCode());
    }
    assertEquals(200, me(someoneElse.getString("access_token")).statusCode());
    assertEquals(401, ClientApi.send(port, "POST", "/api/v1/auth/logout-all", null, null).statusCode());
  }

  @Test
  @DisplayName("Register: 201, the same name again 409, bad names and passwords 400")
  void register() {
    String name = newUser();
    assertProblem(409, "username-taken", post("/api/v1/auth/register", credentials(name.toUpperCase(), "another password")));
    assertProblem(400, "invalid-username", post("/api/v1/auth/register", credentials("../admin", "correct horse battery")));
    assertProblem(400, "invalid-username", post("/api/v1/auth/register", credentials("a".repeat(65), "correct horse battery")));
    assertProblem(400, "weak-password", post("/api/v1/auth/register", credentials("shorty", "short")));
    assertProblem(400, "password-too-long", post("/api/v1/auth/register", credentials("longpw", "x".repeat(2000))));
    assertProblem(413, "payload-too-large", post("/api/v1/auth/register", credentials("huge", "x".repeat(2_000_000))));
  }

  @Test
  @DisplayName("Login: tokens that work; a wrong password and an unknown user get the same answer")
  void login() {
    String name = newUser();
    JsonObject tokens = login(name);
    assertEquals(900, tokens.getInteger("expires_in"));
    JsonObject me = new JsonObject(me(tokens.getString("access_token")).body());
    assertEquals(name + "@a.test", me.getString("userId"));
    HttpResponse<String> wrong = post("/api/v1/auth/login", credentials(name, "wrong password!"));
    HttpResponse<String> unknown = post("/api/v1/auth/login", credentials("nobody-" + name, "wrong password!"));
    assertProblem(401, "invalid-credentials", wrong);
    assertProblem(401, "invalid-credentials", unknown);
    assertEquals(new JsonObject(wrong.body()).getString("detail"), new JsonObject(unknown.body()).getString("detail"));
  }

  @Test
  @DisplayName("Refresh rotates; a reused refresh token revokes the whole family, its access tokens included")
  void refreshRotation() {
    JsonObject first = login(newUser());
    HttpResponse<String> rotated = post("/api/v1/auth/refresh", new JsonObject().put("refresh_token", first.getString("refresh_token")));
    assertEquals(200, rotated.statusCode(), rotated.body());
    JsonObject second = new JsonObject(rotated.body());
    assertNotEquals(first.getString("refresh_token"), second.getString("refresh_token"));
    assertEquals(200, me(second.getString("access_token")).statusCode());

    assertProblem(401, "invalid-refresh-token", post("/api/v1/auth/refresh", new JsonObject().put("refresh_token", first.getString("refresh_token"))));
    assertProblem(401, "invalid-refresh-token", post("/api/v1/auth/refresh", new JsonObject().put("refresh_token", second.getString("refresh_token"))));
    assertProblem(401, "invalid-token", me(second.getString("access_token")));
  }

  @Test
  @DisplayName("Logout ends the session: its refresh and access tokens stop working, other sessions go on")
  void logout() {
    String name = newUser();
    JsonObject session = login(name);
    JsonObject other = login(name);
    assertEquals(204, post("/api/v1/auth/logout", new JsonObject().put("refresh_token", session.getString("refresh_token"))).statusCode());
    assertProblem(401, "invalid-refresh-token", post("/api/v1/auth/refresh", new JsonObject().put("refresh_token", session.getString("refresh_token"))));
    assertProblem(401, "invalid-token", me(session.getString("access_token")));
    assertEquals(200, me(other.getString("access_token")).statusCode());
  }

  @Test
  @DisplayName("JWT attacks: alg none, stripped or tampered signature, HS256, kid traversal, jku, a refresh token as access token")
  void jwtAttacks() throws Exception {
    JsonObject tokens = login(newUser());
    String access = tokens.getString("access_token");
    String[] parts = access.split("\\.");
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    JsonObject payload = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    String otherPayload = b64.encodeToString(payload.copy().put("sub", "admin").encode().getBytes(StandardCharsets.UTF_8));
    String none = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    assertProblem(401, "invalid-token", me(none + "." + parts[1] + "."));
    assertProblem(401, "invalid-token", me(parts[0] + "." + parts[1] + "."));
    assertProblem(401, "invalid-token", me(parts[0] + "." + otherPayload + "." + parts[2]));
    for (String header : new String[] {"{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
        "{\"alg\":\"HS256\",\"kid\":\"../../../../etc/passwd\"}",
        "{\"alg\":\"HS256\",\"jku\":\"http://127.0.0.1:1/keys\"}"}) {
      String head = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec("the public key, perhaps".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String signature = b64.encodeToString(mac.doFinal((head + "." + otherPayload).getBytes(StandardCharsets.US_ASCII)));
      assertProblem(401, "invalid-token", me(head + "." + otherPayload + "." + signature));
    }
    assertProblem(401, "invalid-token", me(tokens.getString("refresh_token")));
    assertProblem(401, "missing-token", me(null));
  }

  @Test
  @DisplayName("A token signed with the node's own key is refused once expired, or for another audience")
  void expiredAndForeignTokens() {
    String name = newUser();
    AccessTokens sameKeys = await(AccessTokens.load(node.vertx(), node.database().pool(),
        new org.openred.crypto.CryptoClient(node.vertx()), "a.test"));
    assertEquals(200, me(await(sameKeys.issue(name, "f-" + name, false))).statusCode(), "a fresh token from the same keys works");
    assertProblem(401, "invalid-token", me(await(sameKeys.issue(name, "f-" + name, false, java.time.Instant.now().minusSeconds(120)))));
    AccessTokens otherAudience = await(AccessTokens.load(node.vertx(), node.database().pool(),
        new org.openred.crypto.CryptoClient(node.vertx()), "elsewhere.test"));
    assertProblem(401, "invalid-token", me(await(otherAudience.issue(name, "f-" + name, false))));
  }

  @Test
  @DisplayName("Brute force: 429 with Retry-After per account (even for the right password) and per address, X-Forwarded-For ignored")
  void bruteForce() {
    String name = newUser();
    HttpResponse<String> last = null;
    for (int i = 0; i < SessionsVerticle.MAX_FAILURES_PER_ACCOUNT; i++) {
      last = post("/api/v1/auth/login", credentials(name, "guess " + i), Map.of("X-Forwarded-For", "10.0.0." + i));
      assertEquals(401, last.statusCode());
    }
    HttpResponse<String> locked = post("/api/v1/auth/login", credentials(name.toUpperCase(), "correct horse battery"));
    assertProblem(429, "rate-limited", locked);
    assertTrue(locked.headers().firstValue("Retry-After").isPresent());
  }
}
