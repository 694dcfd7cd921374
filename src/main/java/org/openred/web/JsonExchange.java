package org.openred.web;

import org.openred.kernel.Problem;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The request body as the strict parser left it, and JSON answers: what every route class needs. */
public final class JsonExchange {
  private JsonExchange() {
  }

  /** The parsed JSON object body; 400 when the request has none. */
  public static JsonObject body(RoutingContext ctx) {
    JsonObject body = ctx.get(HttpVerticle.JSON_BODY);
    if (body == null) {
      throw new Problem(400, "malformed-json", "the body must be a JSON object");
    }
    return body;
  }

  public static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
