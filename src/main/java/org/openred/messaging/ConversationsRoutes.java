package org.openred.messaging;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.openred.accounts.AccountsRoutes;
import org.openred.bus.Addresses;
import org.openred.web.JsonExchange;
import org.openred.web.Problem;

/** The conversation API of PROTOCOL.md section 8, for authenticated users, handed to {@link ConversationsVerticle}. */
public final class ConversationsRoutes {
  private final Vertx vertx;
  private final AccountsRoutes accounts;

  public ConversationsRoutes(Vertx vertx, AccountsRoutes accounts) {
    this.vertx = vertx;
    this.accounts = accounts;
  }

  public void mount(Router router) {
    String base = "/api/v1/conversations";
    router.route(base).handler(accounts::authenticated);
    router.route(base + "/*").handler(accounts::authenticated);
    router.post(base).handler(ctx -> call(ctx, Addresses.CONVERSATIONS_CREATE, JsonExchange.body(ctx), 201));
    router.get(base).handler(ctx -> call(ctx, Addresses.CONVERSATIONS_LIST, new JsonObject(), 200));
    router.get(base + "/:id/keys").handler(ctx -> call(ctx, Addresses.CONVERSATIONS_KEYS, withId(ctx, new JsonObject()), 200));
    router.post(base + "/:id/participants").handler(ctx -> call(ctx, Addresses.CONVERSATIONS_ADD, withId(ctx, JsonExchange.body(ctx)), 200));
    router.delete(base + "/:id/participants/:userId").handler(ctx -> call(ctx, Addresses.CONVERSATIONS_REMOVE,
        withId(ctx, JsonExchange.body(ctx)).put("userId", ctx.pathParam("userId")), 200));
    router.post(base + "/:id/messages").handler(ctx -> call(ctx, Addresses.CONVERSATIONS_POST, withId(ctx, JsonExchange.body(ctx)), 201));
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
      call(ctx, Addresses.CONVERSATIONS_HISTORY, query, 200);
    });
  }

  private static JsonObject withId(RoutingContext ctx, JsonObject body) {
    return body.put("conversationId", ctx.pathParam("id"));
  }

  private void call(RoutingContext ctx, String address, JsonObject body, int status) {
    // The caller is who the access token says, whatever the body claims.
    JsonObject request = body.copy().put("caller", ((JsonObject) ctx.get(AccountsRoutes.USER)).getString("userId"));
    vertx.eventBus().<JsonObject>request(address, request).onSuccess(reply -> {
      int code = status == 201 && Boolean.FALSE.equals(reply.body().getValue("created")) ? 200 : status;
      ctx.response().setStatusCode(code).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
          .end(reply.body().encode());
    }).onFailure(ctx::fail);
  }

}
