package org.openred.accounts;

import org.openred.node.Authenticator;
import org.openred.node.Deployment;
import org.openred.node.ModuleContext;
import org.openred.node.OpenRedModule;
import org.openred.node.RouteModule;

import java.util.List;
import java.util.Optional;

/** Accounts: users, their sessions and their published keys; the token check every other module's routes use. */
public final class AccountsModule implements OpenRedModule {
  public static final String NAME = "accounts";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean hasMigrations() {
    return true;
  }

  @Override
  public List<Deployment> verticles(ModuleContext context) {
    return List.of(Deployment.one(() -> new UsersVerticle(context.services())),
        Deployment.one(() -> new SessionsVerticle(context.services())),
        Deployment.one(() -> new KeysVerticle(context.services())),
        Deployment.one(() -> new AccountDeletionVerticle(context.services(), context.accountCleanups())));
  }

  @Override
  public List<RouteModule> routes(ModuleContext context) {
    return List.of(new AccountsRoutes(context.vertx(), context.authenticator(), context.services().config().domain()));
  }

  @Override
  public Optional<Authenticator> authenticator(ModuleContext context) {
    return Optional.of(new AccountsClient(context.vertx()));
  }
}
