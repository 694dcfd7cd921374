package org.openred.sync;

import org.openred.node.Deployment;
import org.openred.node.ModuleContext;
import org.openred.node.OpenRedModule;
import org.openred.node.RouteModule;
import org.openred.node.Setting;

import java.util.List;

/**
 * Catch-up (content_sync, PROTOCOL.md sections 5.2 and 5.3): this node answers another's
 * {@code POST /federation/v1/content_sync} from every module's source, and asks the nodes its users
 * are connected with for what it missed, at start and at an interval.
 */
public final class SyncModule implements OpenRedModule {
  @Override
  public String name() {
    return "sync";
  }

  @Override
  public boolean hasMigrations() {
    return true;
  }

  @Override
  public List<Setting> settings() {
    return List.of(Setting.integer("interval-seconds", 900, 5, 86_400, "how often this node asks its peers for what it missed"));
  }

  @Override
  public List<Deployment> verticles(ModuleContext context) {
    return List.of(Deployment.one(() -> new CatchUpVerticle(context.services(), Integer.parseInt(context.setting("interval-seconds")))));
  }

  @Override
  public List<RouteModule> routes(ModuleContext context) {
    return List.of(new ContentSyncRoutes(context.services().config().domain(), context.syncSources()));
  }
}
