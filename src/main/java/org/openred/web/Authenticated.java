package org.openred.web;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.openred.kernel.Problem;
import org.openred.node.Authenticator;

/** A route handler that lets through only requests with a valid access token, and puts its holder on the context. */
public final class Authenticated implements Handler<RoutingContext> {
  private static final String USER = "openred.user";
  private final Authenticator authenticator;

  public Authenticated(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String token = bearer(ctx.request().getHeader("Authorization"));
    if (token == null) {
      throw new Problem(401, "missing-token", "send Authorization: Bearer <access token>");
    }
    authenticator.verify(token).onSuccess(user -> {
      ctx.put(USER, user);
      ctx.next();
    }).onFailure(ctx::fail);
  }

  /** The token of an {@code Authorization: Bearer} header, or null. */
  public static String bearer(String header) {
    return header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) ? null : header.substring(7).trim();
  }

  /** A handler, after this one, that lets only the node's admins through (403 {@code admin-only}). */
  public static void adminOnly(RoutingContext ctx) {
    if (!isAdmin(user(ctx))) {
      throw new Problem(403, "admin-only", "this is for the node's admins");
    }
    ctx.next();
  }

  public static boolean isAdmin(JsonObject user) {
    return user != null && Boolean.TRUE.equals(user.getValue("admin"));
  }

  /** The caller, {username, userId, family, admin}, of a request this handler let through. */
  public static JsonObject user(RoutingContext ctx) {
    return ctx.get(USER);
  }
}
