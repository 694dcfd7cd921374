package org.openred.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.openred.crypto.AeadSuites;
import org.openred.node.Authenticator;
import org.openred.node.RouteModule;
import org.openred.web.Authenticated;
import org.openred.web.JsonExchange;

/** {@code /api/v1/admin/*}, for the node's admins: the modules and their state, and switching a plugin off and on. */
final class AdminRoutes implements RouteModule {
  private final ModuleManager modules;
  private final AeadSuites suites;
  private final Authenticated authenticated;

  AdminRoutes(ModuleManager modules, AeadSuites suites, Authenticator authenticator) {
    this.modules = modules;
    this.suites = suites;
    this.authenticated = new Authenticated(authenticator);
  }

  @Override
  public void mount(Router router) {
    router.route("/api/v1/admin/*").handler(authenticated).handler(Authenticated::adminOnly);
    router.get("/api/v1/admin/modules").handler(ctx -> JsonExchange.send(ctx, 200, new JsonObject()
        .put("modules", modules.describe()).put("aead_suites", new JsonArray(suites.names()))));
    router.post("/api/v1/admin/modules/:name/enable").handler(ctx -> change(ctx, true));
    router.post("/api/v1/admin/modules/:name/disable").handler(ctx -> change(ctx, false));
  }

  private void change(RoutingContext ctx, boolean enabled) {
    modules.change(ctx.pathParam("name"), enabled, Authenticated.user(ctx).getString("userId"))
        .onSuccess(module -> JsonExchange.send(ctx, 200, module))
        .onFailure(ctx::fail);
  }
}
