package org.openred.accounts;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.openred.kernel.UserId;
import org.openred.node.Authenticator;
import org.openred.node.RouteModule;
import org.openred.web.Authenticated;
import org.openred.web.JsonExchange;
import org.openred.kernel.Problem;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code /api/v1/auth/*} and {@code /api/v1/keys} (PROTOCOL.md section 8) over HTTP, and the users'
 * keys on the federation API. Thin: validation and token checks happen in the accounts verticles.
 */
final class AccountsRoutes implements RouteModule {
  private final Vertx vertx;
  private final Authenticated authenticated;
  private final String domain;

  AccountsRoutes(Vertx vertx, Authenticator authenticator, String domain) {
    this.vertx = vertx;
    this.authenticated = new Authenticated(authenticator);
    this.domain = domain;
  }

  @Override
  public void mount(Router router) {
    router.post("/api/v1/auth/register").handler(ctx -> call(ctx, AccountsAddresses.REGISTER, JsonExchange.body(ctx), 201));
    router.post("/api/v1/auth/login").handler(ctx -> call(ctx, AccountsAddresses.LOGIN,
        JsonExchange.body(ctx).copy().put("address", clientAddress(ctx)), 200));
    router.post("/api/v1/auth/refresh").handler(ctx -> call(ctx, AccountsAddresses.REFRESH, JsonExchange.body(ctx), 200));
    router.post("/api/v1/auth/logout").handler(ctx -> call(ctx, AccountsAddresses.LOGOUT, JsonExchange.body(ctx), 204));
    router.get("/api/v1/auth/me").handler(authenticated).handler(ctx -> JsonExchange.send(ctx, 200, Authenticated.user(ctx)));
    router.post("/api/v1/auth/logout-all").handler(authenticated).handler(ctx -> call(ctx, AccountsAddresses.LOGOUT_ALL,
        new JsonObject().put("username", Authenticated.user(ctx).getString("username")), 200));
    router.delete("/api/v1/account").handler(authenticated).handler(ctx -> call(ctx, AccountsAddresses.DELETE_ACCOUNT,
        JsonExchange.body(ctx).copy().put("username", Authenticated.user(ctx).getString("username")), 200));
    router.post("/api/v1/auth/password").handler(authenticated).handler(ctx -> call(ctx, AccountsAddresses.CHANGE_PASSWORD,
        JsonExchange.body(ctx).copy().put("username", Authenticated.user(ctx).getString("username"))
            .put("family", Authenticated.user(ctx).getString("family")), 200));
    router.put("/api/v1/keys").handler(authenticated).handler(ctx -> call(ctx, AccountsAddresses.PUT_KEYS,
        JsonExchange.body(ctx).copy().put("username", Authenticated.user(ctx).getString("username")), 204));
    router.get("/api/v1/keys/:userId").handler(authenticated).handler(ctx -> call(ctx, AccountsAddresses.GET_KEYS,
        new JsonObject().put("userId", ctx.pathParam("userId")), 200));
    // Signed by the asking node: the federation API's filter checked that before this route.
    router.get("/federation/v1/users/:userId/public_key").handler(this::publicKey);
  }

  private void publicKey(RoutingContext ctx) {
    UserId user = UserId.parse(ctx.pathParam("userId"));
    if (!user.isOn(domain)) {
      throw new Problem(400, "wrong-destination", user + " is not a user of this node");
    }
    vertx.eventBus().<JsonObject>request(AccountsAddresses.PUBLIC_KEY, new JsonObject().put("userId", user.toString()))
        .onSuccess(reply -> JsonExchange.send(ctx, 200, reply.body()))
        .onFailure(ctx::fail);
  }

  private void call(RoutingContext ctx, String address, JsonObject body, int status) {
    vertx.eventBus().<JsonObject>request(address, body).onSuccess(reply -> {
      if (status == 204) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.response().putHeader("Cache-Control", "no-store");
        JsonExchange.send(ctx, status, reply.body());
      }
    }).onFailure(failure -> {
      if (failure instanceof ReplyException reply && reply.failureCode() == 429) {
        ctx.response().putHeader("Retry-After", Long.toString(SessionsVerticle.LOGIN_WINDOW.toSeconds()));
      }
      ctx.fail(failure);
    });
  }

  /**
   * The client's address as the socket sees it (X-Forwarded-For is anyone's to write), IPv6 reduced
   * to its /64 so that rotating addresses inside one allocation does not dodge the limit.
   */
  static String clientAddress(RoutingContext ctx) {
    var remote = ctx.request().remoteAddress();
    String host = remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
    try {
      byte[] bytes = InetAddress.getByName(host).getAddress();
      if (bytes.length == 16) {
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
          prefix.append(String.format("%02x%02x:", bytes[i], bytes[i + 1]));
        }
        return prefix.append(":/64").toString();
      }
    } catch (UnknownHostException e) {
      return host;
    }
    return host;
  }

}
