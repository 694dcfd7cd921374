package org.openred.web;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.ext.web.Route;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which modules' routes are served, for every HTTP server instance of one node: each instance
 * registers the routes it made per module, and a module switched off has them disabled on each
 * instance's own event loop (a router is changed where it routes), so its paths answer 404 until it
 * is switched on again.
 */
public final class RouteSwitches {
  private record Instance(Context context, Map<String, List<Route>> routes) {
  }

  private final List<Instance> instances = new CopyOnWriteArrayList<>();
  private final Set<String> off = ConcurrentHashMap.newKeySet();

  public RouteSwitches(Set<String> initiallyOff) {
    off.addAll(initiallyOff);
  }

  public boolean on(String module) {
    return !off.contains(module);
  }

  /** Switches a module's routes on or off on every instance; completes once each one has. */
  public Future<Void> set(String module, boolean enabled) {
    if (enabled) {
      off.remove(module);
    } else {
      off.add(module);
    }
    List<Future<Void>> done = new ArrayList<>();
    for (Instance instance : instances) {
      Promise<Void> applied = Promise.promise();
      instance.context().runOnContext(ignored -> {
        instance.routes().getOrDefault(module, List.of()).forEach(route -> toggle(route, on(module)));
        applied.complete();
      });
      done.add(applied.future());
    }
    return Future.all(done).mapEmpty();
  }

  void register(Context context, Map<String, List<Route>> routes) {
    routes.forEach((module, list) -> list.forEach(route -> toggle(route, on(module))));
    instances.add(new Instance(context, routes));
  }

  void unregister(Context context) {
    instances.removeIf(instance -> instance.context() == context);
  }

  private static void toggle(Route route, boolean enabled) {
    if (enabled) {
      route.enable();
    } else {
      route.disable();
    }
  }
}
