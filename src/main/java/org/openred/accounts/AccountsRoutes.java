package org.openred.accounts;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.openred.bus.Addresses;
import org.openred.web.JsonExchange;
import org.openred.web.Problem;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code /api/v1/auth/*} (PROTOCOL.md section 8) over HTTP, and the Bearer check other client routes
 * use. Thin: validation and token checks happen in {@link AccountsVerticle}.
 */
public final class AccountsRoutes {
  /** The authenticated caller, {username, userId, family}, put on the context by {@link #authenticated}. */
  public static final String USER = "openred.user";
  private final Vertx vertx;

  public AccountsRoutes(Vertx vertx) {
    this.vertx = vertx;
  }

  public void mount(Router router) {
    router.post("/api/v1/auth/register").handler(ctx -> call(ctx, Addresses.ACCOUNTS_REGISTER, JsonExchange.body(ctx), 201));
    router.post("/api/v1/auth/login").handler(ctx -> call(ctx, Addresses.ACCOUNTS_LOGIN,
        JsonExchange.body(ctx).copy().put("address", clientAddress(ctx)), 200));
    router.post("/api/v1/auth/refresh").handler(ctx -> call(ctx, Addresses.ACCOUNTS_REFRESH, JsonExchange.body(ctx), 200));
    router.post("/api/v1/auth/logout").handler(ctx -> call(ctx, Addresses.ACCOUNTS_LOGOUT, JsonExchange.body(ctx), 204));
    router.get("/api/v1/auth/me").handler(this::authenticated).handler(ctx -> JsonExchange.send(ctx, 200, ctx.get(USER)));
    router.put("/api/v1/keys").handler(this::authenticated).handler(ctx -> call(ctx, Addresses.ACCOUNTS_PUT_KEYS,
        JsonExchange.body(ctx).copy().put("username", ((JsonObject) ctx.get(USER)).getString("username")), 204));
    router.get("/api/v1/keys/:userId").handler(this::authenticated).handler(ctx -> call(ctx, Addresses.ACCOUNTS_GET_KEYS,
        new JsonObject().put("userId", ctx.pathParam("userId")), 200));
  }

  /** A route handler that lets only requests with a valid access token through. */
  public void authenticated(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new Problem(401, "missing-token", "send Authorization: Bearer <access token>");
    }
    vertx.eventBus().<JsonObject>request(Addresses.ACCOUNTS_VERIFY, new JsonObject().put("token", header.substring(7).trim()))
        .onSuccess(reply -> {
          ctx.put(USER, reply.body());
          ctx.next();
        })
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
        ctx.response().putHeader("Retry-After", Long.toString(AccountsVerticle.LOGIN_WINDOW.toSeconds()));
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
