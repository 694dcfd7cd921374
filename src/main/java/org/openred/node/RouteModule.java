package org.openred.node;

import io.vertx.ext.web.Router;

/**
 * Routes of a module, mounted on a router of their own: the HTTP layer puts that router behind the
 * kernel's filters and body handling (under {@code /api/} and {@code /federation/}) and can take it
 * away again, and names no capability.
 */
@FunctionalInterface
public interface RouteModule {
  void mount(Router router);
}
