package org.openred.social;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.openred.crypto.B64u;
import org.openred.kernel.Problem;
import org.openred.node.Authenticator;
import org.openred.node.RouteModule;
import org.openred.web.Authenticated;
import org.openred.web.JsonExchange;

/**
 * The social API of PROTOCOL.md section 8 (profile, users' profiles and avatars, connections, blocks)
 * and the public profile on the federation API, handed to the social verticles.
 */
final class SocialRoutes implements RouteModule {
  static final String AVATAR_UPLOAD = "/api/v1/profile/avatar";
  private final Vertx vertx;
  private final Authenticated authenticated;
  private final long requestTimeoutMs;

  SocialRoutes(Vertx vertx, Authenticator authenticator, long requestTimeoutMs) {
    this.vertx = vertx;
    this.authenticated = new Authenticated(authenticator);
    this.requestTimeoutMs = requestTimeoutMs;
  }

  @Override
  public void mount(Router router) {
    for (String path : new String[] {"/api/v1/profile", "/api/v1/profile/*", "/api/v1/users/*", "/api/v1/connections", "/api/v1/connections/*",
        "/api/v1/blocks", "/api/v1/blocks/*", "/api/v1/posts", "/api/v1/posts/*", "/api/v1/feed", "/api/v1/search/*"}) {
      router.route(path).handler(authenticated);
    }
    router.get("/api/v1/profile").handler(ctx -> call(ctx, SocialAddresses.PROFILE, new JsonObject(), 200));
    router.put("/api/v1/profile").handler(ctx -> call(ctx, SocialAddresses.PROFILE_UPDATE, JsonExchange.body(ctx), 200));
    // The image is the body itself, read here with its own limit (outside the JSON body chain).
    router.put(AVATAR_UPLOAD).handler(io.vertx.ext.web.handler.TimeoutHandler.create(requestTimeoutMs, 408));
    router.put(AVATAR_UPLOAD).handler(SocialRoutes::imageOnly);
    router.put(AVATAR_UPLOAD).handler(BodyHandler.create(false).setBodyLimit(Avatars.MAX_BYTES)).handler(ctx -> call(ctx, SocialAddresses.AVATAR_UPDATE, new JsonObject().put("data", B64u.encode(ctx.body().buffer().getBytes())), 200));
    router.delete(AVATAR_UPLOAD).handler(ctx -> call(ctx, SocialAddresses.AVATAR_UPDATE, new JsonObject().putNull("data"), 200));
    router.get("/api/v1/users/:userId/profile").handler(ctx -> call(ctx, SocialAddresses.PROFILE_OF,
        new JsonObject().put("userId", ctx.pathParam("userId")), 200));
    router.get("/api/v1/users/:userId/avatar").handler(ctx -> image(ctx, SocialAddresses.AVATAR_OF,
        new JsonObject().put("caller", Authenticated.user(ctx).getString("userId")).put("userId", ctx.pathParam("userId"))));
    router.get("/api/v1/connections").handler(ctx -> call(ctx, SocialAddresses.CONNECTIONS, new JsonObject(), 200));
    router.post("/api/v1/connections").handler(ctx -> call(ctx, SocialAddresses.CONNECT, JsonExchange.body(ctx), 201));
    router.post("/api/v1/connections/:id/accept").handler(ctx -> call(ctx, SocialAddresses.ACCEPT, new JsonObject().put("id", ctx.pathParam("id")), 200));
    router.post("/api/v1/connections/:id/reject").handler(ctx -> call(ctx, SocialAddresses.REJECT, new JsonObject().put("id", ctx.pathParam("id")), 200));
    router.delete("/api/v1/connections/:id").handler(ctx -> call(ctx, SocialAddresses.DISCONNECT, new JsonObject().put("id", ctx.pathParam("id")), 200));
    router.post("/api/v1/blocks").handler(ctx -> call(ctx, SocialAddresses.BLOCK, JsonExchange.body(ctx), 201));
    router.delete("/api/v1/blocks/:userId").handler(ctx -> call(ctx, SocialAddresses.UNBLOCK,
        new JsonObject().put("userId", ctx.pathParam("userId")), 200));
    router.post("/api/v1/posts").handler(ctx -> call(ctx, SocialAddresses.POST_CREATE, JsonExchange.body(ctx), 201));
    router.get("/api/v1/posts/:id").handler(ctx -> call(ctx, SocialAddresses.POST_GET, new JsonObject().put("postId", ctx.pathParam("id")), 200));
    router.put("/api/v1/posts/:id").handler(ctx -> call(ctx, SocialAddresses.POST_EDIT, JsonExchange.body(ctx).copy().put("postId", ctx.pathParam("id")), 200));
    router.delete("/api/v1/posts/:id").handler(ctx -> call(ctx, SocialAddresses.POST_DELETE, new JsonObject().put("postId", ctx.pathParam("id")), 200));
    router.get("/api/v1/search/users").handler(ctx -> call(ctx, SocialAddresses.SEARCH,
        new JsonObject().put("q", ctx.queryParams().get("q")), 200));
    router.post("/api/v1/posts/:id/likes").handler(ctx -> call(ctx, SocialAddresses.POST_LIKE,
        new JsonObject().put("postId", ctx.pathParam("id")).put("liked", true), 200));
    router.delete("/api/v1/posts/:id/likes").handler(ctx -> call(ctx, SocialAddresses.POST_LIKE,
        new JsonObject().put("postId", ctx.pathParam("id")).put("liked", false), 200));
    router.post("/api/v1/posts/:id/replies").handler(ctx -> call(ctx, SocialAddresses.POST_REPLY,
        JsonExchange.body(ctx).copy().put("postId", ctx.pathParam("id")), 201));
    router.get("/api/v1/users/:userId/posts").handler(ctx -> {
      String cursor = ctx.queryParams().get("cursor");
      FeedCursor.parse(cursor);
      JsonObject body = new JsonObject().put("userId", ctx.pathParam("userId"));
      call(ctx, SocialAddresses.AUTHOR_POSTS, cursor == null ? body : body.put("before", cursor), 200);
    });
    router.get("/api/v1/feed").handler(ctx -> {
      String cursor = ctx.queryParams().get("cursor");
      FeedCursor.parse(cursor);
      call(ctx, SocialAddresses.FEED, cursor == null ? new JsonObject() : new JsonObject().put("before", cursor), 200);
    });
    // Signed by the asking node: the federation API's filter checked that before these routes.
    router.get("/federation/v1/posts/:postId").handler(ctx -> vertx.eventBus()
        .<JsonObject>request(SocialAddresses.POST_SERVE, new JsonObject().put("postId", ctx.pathParam("postId"))
            .put("reader", ctx.queryParams().get("reader")).put("origin", org.openred.federation.inbound.FederationRoutes.origin(ctx)))
        .onSuccess(reply -> JsonExchange.send(ctx, 200, reply.body())).onFailure(ctx::fail));
    router.get("/federation/v1/users/:userId/profile").handler(ctx -> vertx.eventBus()
        .<JsonObject>request(SocialAddresses.PUBLIC_PROFILE, new JsonObject().put("userId", ctx.pathParam("userId")))
        .onSuccess(reply -> JsonExchange.send(ctx, 200, reply.body())).onFailure(ctx::fail));
    router.get("/federation/v1/users/:userId/avatar").handler(ctx -> vertx.eventBus()
        .<JsonObject>request(SocialAddresses.AVATAR, new JsonObject().put("userId", ctx.pathParam("userId")))
        .onSuccess(reply -> JsonExchange.send(ctx, 200, reply.body())).onFailure(ctx::fail));
  }

  private static void imageOnly(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    if (!media.equals("image/png") && !media.equals("image/jpeg")) {
      throw new Problem(415, "unsupported-media-type", "send the avatar as image/png or image/jpeg");
    }
    String length = ctx.request().getHeader("Content-Length");
    if (length != null && length.matches("[0-9]{1,12}") && Long.parseLong(length) > Avatars.MAX_BYTES) {
      throw new Problem(413, "avatar-too-large", "an avatar is a PNG or JPEG of at most 1 MiB");
    }
    ctx.next();
  }

  private void call(RoutingContext ctx, String address, JsonObject body, int status) {
    // The caller is who the access token says, whatever the body claims.
    JsonObject request = body.copy().put("caller", Authenticated.user(ctx).getString("userId"));
    vertx.eventBus().<JsonObject>request(address, request).onSuccess(reply -> {
      ctx.response().putHeader("Cache-Control", "no-store");
      JsonExchange.send(ctx, status, reply.body());
    }).onFailure(ctx::fail);
  }

  /** An avatar as an image of its own type; the node's pages set nosniff and a CSP on every answer. */
  private void image(RoutingContext ctx, String address, JsonObject request) {
    vertx.eventBus().<JsonObject>request(address, request).onSuccess(reply -> {
      String type = reply.body().getString("type");
      if (!"image/png".equals(type) && !"image/jpeg".equals(type)) {
        ctx.fail(new Problem(502, "peer-error", "not an image"));
        return;
      }
      ctx.response().putHeader("Content-Type", type).putHeader("Cache-Control", "private, max-age=300")
          .putHeader("Content-Disposition", "inline; filename=\"avatar\"")
          .end(Buffer.buffer(B64u.decode(reply.body().getString("data"))));
    }).onFailure(ctx::fail);
  }
}
