package org.openred.notifications;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.openred.node.Authenticator;
import org.openred.node.RouteModule;
import org.openred.web.Authenticated;
import org.openred.web.JsonExchange;

/** {@code GET /api/v1/notifications?cursor=} and {@code POST /api/v1/notifications/read}. */
final class NotificationsRoutes implements RouteModule {
  private final Vertx vertx;
  private final Authenticated authenticated;

  NotificationsRoutes(Vertx vertx, Authenticator authenticator) {
    this.vertx = vertx;
    this.authenticated = new Authenticated(authenticator);
  }

  @Override
  public void mount(Router router) {
    router.route("/api/v1/notifications").handler(authenticated);
    router.route("/api/v1/notifications/*").handler(authenticated);
    router.get("/api/v1/notifications").handler(ctx -> {
      String cursor = ctx.queryParams().get("cursor");
      call(ctx, NotificationsAddresses.LIST, cursor == null ? new JsonObject() : new JsonObject().put("before", cursor));
    });
    // No body: all read; {subject}: those about one conversation or post (opening it reads them).
    router.post("/api/v1/notifications/read").handler(ctx -> call(ctx, NotificationsAddresses.READ,
        ctx.get(org.openred.web.HttpVerticle.JSON_BODY) instanceof JsonObject body ? body : new JsonObject()));
  }

  private void call(RoutingContext ctx, String address, JsonObject body) {
    // The caller is who the access token says.
    JsonObject request = body.copy().put("caller", Authenticated.user(ctx).getString("userId"));
    vertx.eventBus().<JsonObject>request(address, request).onSuccess(reply -> {
      ctx.response().putHeader("Cache-Control", "no-store");
      JsonExchange.send(ctx, 200, reply.body());
    }).onFailure(ctx::fail);
  }
}
