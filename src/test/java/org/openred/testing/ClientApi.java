package org.openred.testing;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/** The client API of a test node, called as a browser would: JSON bodies, an optional Bearer token. */
public final class ClientApi {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ClientApi() {
  }

  public static HttpResponse<String> send(int port, String method, String path, String token, JsonObject body) {
    return send(port, method, path, token, body, Map.of());
  }

  /** With extra request headers (a forged X-Forwarded-For, say). */
  public static HttpResponse<String> send(int port, String method, String path, String token, JsonObject body,
                                          Map<String, String> headers) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
      if (body != null) {
        request.header("Content-Type", "application/json");
      }
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      headers.forEach(request::header);
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Registers and logs in; answers the access token. */
  public static String session(int port, String username) {
    JsonObject credentials = new JsonObject().put("username", username).put("password", "correct horse battery");
    HttpResponse<String> created = send(port, "POST", "/api/v1/auth/register", null, credentials);
    if (created.statusCode() != 201) {
      throw new AssertionError("registration failed: " + created.body());
    }
    return new JsonObject(send(port, "POST", "/api/v1/auth/login", null, credentials).body()).getString("access_token");
  }

  /** The answer's JSON, after checking its status (the body is the failure message). */
  public static JsonObject ok(HttpResponse<String> response, int status) {
    org.junit.jupiter.api.Assertions.assertEquals(status, response.statusCode(), response.body());
    return new JsonObject(response.body());
  }
}
