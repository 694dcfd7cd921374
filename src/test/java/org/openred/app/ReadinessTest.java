package org.openred.app;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openred.testing.ClientApi;
import org.openred.testing.TestNodes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;

/** Health is readiness: 503 "starting" until every verticle serves, 200 then, 503 "stopping" once it closes. */
class ReadinessTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();

  /** The health answer, or null while nothing listens. */
  private static HttpResponse<String> health(int port) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/health")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("Five starts: never 200 before the whole node serves; once 200, the client API answers; 503 while stopping")
  void healthIsReadiness() throws Exception {
    for (int start = 0; start < 5; start++) {
      Path dir = TestNodes.tempDir("ready");
      TestNodes.Spec spec = new TestNodes.Spec().dataDir(dir);
      int port = spec.port();
      Future<OpenRedNode> starting = OpenRedNode.start(spec.config());
      int startingAnswers = 0;
      HttpResponse<String> answer;
      long deadline = System.currentTimeMillis() + 30_000;
      while ((answer = health(port)) == null || answer.statusCode() != 200) {
        if (answer != null) {
          assertEquals(503, answer.statusCode(), answer.body());
          assertEquals("starting", new JsonObject(answer.body()).getString("status"));
          startingAnswers++;
        }
        assertTrue(System.currentTimeMillis() < deadline, "never ready");
      }
      // Ready means every route's verticle answers: a wrong password is 401, not 503.
      HttpResponse<String> login = ClientApi.send(port, "POST", "/api/v1/auth/login", null,
          new JsonObject().put("username", "nobody").put("password", "wrong password here"));
      assertEquals(401, login.statusCode(), "start " + start + " after " + startingAnswers + " starting answers: " + login.body());
      OpenRedNode node = await(starting);
      assertEquals("up", new JsonObject(answer.body()).getString("status"));

      Future<Void> closing = node.close();
      HttpResponse<String> during = health(port);
      assertTrue(during == null || (during.statusCode() == 503 && "stopping".equals(new JsonObject(during.body()).getString("status"))),
          () -> "while stopping: " + during.statusCode() + " " + during.body());
      await(closing);
      TestNodes.deleteRecursively(dir);
    }
  }
}
