package org.openred.notifications;

import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.node.AccountCleanup;
import org.openred.node.Deployment;
import org.openred.node.ModuleContext;
import org.openred.node.OpenRedModule;
import org.openred.node.RouteModule;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What happened for a user while they looked elsewhere: friend and follow requests, accepted
 * requests, new followers, likes and replies, messages. It records, from the live events the other
 * modules publish, those that someone else caused, and serves them as a list with an unread count.
 */
public final class NotificationsModule implements OpenRedModule {
  @Override
  public String name() {
    return "notifications";
  }

  @Override
  public boolean hasMigrations() {
    return true;
  }

  @Override
  public Set<String> liveEventKinds() {
    return Set.of(NotificationsVerticle.NOTIFICATION_NEW);
  }

  @Override
  public List<Deployment> verticles(ModuleContext context) {
    return List.of(Deployment.one(() -> new NotificationsVerticle(context.services())));
  }

  @Override
  public List<RouteModule> routes(ModuleContext context) {
    return List.of(new NotificationsRoutes(context.vertx(), context.authenticator()));
  }

  /** A deleted account's notifications go with it. */
  @Override
  public Optional<AccountCleanup> accountCleanup(ModuleContext context) {
    return Optional.of(AccountCleanup.of(name(), user -> SqlTemplate.forUpdate(context.services().database().pool(),
        "DELETE FROM notifications WHERE owner = #{o}").execute(Map.of("o", user.toString())).mapEmpty()));
  }
}
