package org.openred.messaging;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.openred.node.Authenticator;
import org.openred.node.RouteModule;
import org.openred.web.Authenticated;
import org.openred.web.JsonExchange;
import org.openred.kernel.Problem;

/** The conversation API of PROTOCOL.md section 8, for authenticated users, handed to {@link ConversationsVerticle}. */
final class ConversationsRoutes implements RouteModule {
  private final Vertx vertx;
  private final Authenticated authenticated;

  ConversationsRoutes(Vertx vertx, Authenticator authenticator) {
    this.vertx = vertx;
    this.authenticated = new Authenticated(authenticator);
  }

  @Override
  public void mount(Router router) {
    String base = "/api/v1/conversations";
    router.route(base).handler(authenticated);
    router.route(base + "/*").handler(authenticated);
    router.post(base).handler(ctx -> call(ctx, MessagingAddresses.CREATE, JsonExchange.body(ctx), 201));
    router.get(base).handler(ctx -> call(ctx, MessagingAddresses.LIST, new JsonObject(), 200));
    router.get(base + "/:id/keys").handler(ctx -> call(ctx, MessagingAddresses.KEYS, withId(ctx, new JsonObject()), 200));
    router.get(base + "/:id/members").handler(ctx -> call(ctx, MessagingAddresses.MEMBERS, withId(ctx, new JsonObject()), 200));
    router.post(base + "/:id/participants").handler(ctx -> call(ctx, MessagingAddresses.ADD, withId(ctx, JsonExchange.body(ctx)), 200));
    router.delete(base + "/:id/participants/:userId").handler(ctx -> call(ctx, MessagingAddresses.REMOVE,
        withId(ctx, JsonExchange.body(ctx)).put("userId", ctx.pathParam("userId")), 200));
    router.post(base + "/:id/messages").handler(ctx -> call(ctx, MessagingAddresses.POST, withId(ctx, JsonExchange.body(ctx)), 201));
    router.get(base + "/:id/messages").handler(ctx -> {
      JsonObject query = withId(ctx, new JsonObject());
      String before = ctx.queryParams().get("before");
      String limit = ctx.queryParams().get("limit");
      if (before != null) {
        if (!before.matches("[0-9]{1,18}")) {
          throw new Problem(400, "invalid-query", "before is a cursor from an earlier page");
        }
        query.put("before", Long.parseLong(before));
      }
      if (limit != null) {
        if (!limit.matches("[0-9]{1,3}")) {
          throw new Problem(400, "invalid-query", "limit is a whole number from 1 to 100");
        }
        query.put("limit", Integer.parseInt(limit));
      }
      call(ctx, MessagingAddresses.HISTORY, query, 200);
    });
  }

  private static JsonObject withId(RoutingContext ctx, JsonObject body) {
    return body.put("conversationId", ctx.pathParam("id"));
  }

  private void call(RoutingContext ctx, String address, JsonObject body, int status) {
    // The caller is who the access token says, whatever the body claims.
    JsonObject request = body.copy().put("caller", Authenticated.user(ctx).getString("userId"));
    vertx.eventBus().<JsonObject>request(address, request).onSuccess(reply -> {
      int code = status == 201 && Boolean.FALSE.equals(reply.body().getValue("created")) ? 200 : status;
      ctx.response().setStatusCode(code).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
          .end(reply.body().encode());
    }).onFailure(ctx::fail);
  }

}
