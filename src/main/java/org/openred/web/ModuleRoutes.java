package org.openred.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.openred.node.RouteModule;

import java.util.List;
import java.util.function.Supplier;

/**
 * What one module (or the kernel's federation API) gives the HTTP layer: its filters and its routes,
 * made anew for each server instance (each on its own event loop), served while {@link RouteSwitches} has the module on.
 */
public record ModuleRoutes(String module, Supplier<List<Handler<RoutingContext>>> filters, Supplier<List<RouteModule>> routes) {
}
