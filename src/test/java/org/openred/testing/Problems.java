package org.openred.testing;

import io.vertx.core.json.JsonObject;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every refusal must be: RFC 9457 problem JSON with the expected status and type, and nothing internal. */
public final class Problems {
  private Problems() {
  }

  public static void assertProblem(int status, String type, HttpResponse<String> response) {
    assertProblem(status, type, response.statusCode(), response.headers().firstValue("Content-Type").orElse(null), response.body());
  }

  public static void assertProblem(int status, String type, RawHttp.Response response) {
    assertProblem(status, type, response.status(), response.header("Content-Type"), response.body());
  }

  public static void assertProblem(int status, String type, int actualStatus, String contentType, String body) {
    assertEquals(status, actualStatus, body);
    assertTrue(contentType != null && contentType.startsWith("application/problem+json"), contentType);
    JsonObject problem = new JsonObject(body);
    assertEquals(type, problem.getString("type"), body);
    assertEquals(status, problem.getInteger("status"));
    assertTrue(problem.containsKey("title"));
    assertFalse(body.contains("Exception") || body.contains("\tat ") || body.contains("org.openred"), body);
  }
}
