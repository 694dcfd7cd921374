package org.openred.registry;

import org.openred.config.Role;
import org.openred.node.Deployment;
import org.openred.node.ModuleContext;
import org.openred.node.OpenRedModule;
import org.openred.node.RouteModule;

import java.util.ArrayList;
import java.util.List;

/**
 * The registry (PROTOCOL.md section 6a): on a registry, the directory and its API; on a node started
 * with {@code --registry}, its side of it (registration and heartbeats).
 */
public final class RegistryModule implements OpenRedModule {
  @Override
  public String name() {
    return "registry";
  }

  @Override
  public boolean runsFor(Role role) {
    return true;
  }

  @Override
  public boolean hasMigrations() {
    return true;
  }

  @Override
  public List<Deployment> verticles(ModuleContext context) {
    var services = context.services();
    var config = services.config();
    List<Deployment> verticles = new ArrayList<>();
    if (config.role().runsRegistry()) {
      verticles.add(new Deployment(() -> new RegistryVerticle(config, services.database(), services.cache(), services.http(), services.clock()),
          Runtime.getRuntime().availableProcessors()));
    }
    if (config.role().runsNode() && config.registryUrl().isPresent()) {
      verticles.add(Deployment.one(() -> new RegistryClientVerticle(services)));
    }
    return verticles;
  }

  @Override
  public List<RouteModule> routes(ModuleContext context) {
    return context.services().config().role().runsRegistry()
        ? List.of(new RegistryRoutes(context.vertx(), context.services(), context.keys())) : List.of();
  }
}
