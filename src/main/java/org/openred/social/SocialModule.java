package org.openred.social;

import org.openred.node.AccountCleanup;
import org.openred.node.Deployment;
import org.openred.node.EnvelopeType;
import org.openred.node.ModuleContext;
import org.openred.node.OpenRedModule;
import org.openred.node.RouteModule;
import org.openred.node.Setting;
import org.openred.node.SyncSource;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The social network of seed 000: profiles, friends, follows, blocks, posts that stay home and the feed. */
public final class SocialModule implements OpenRedModule {
  @Override
  public String name() {
    return SocialAddresses.AREA;
  }

  @Override
  public boolean hasMigrations() {
    return true;
  }

  @Override
  public List<Deployment> verticles(ModuleContext context) {
    return List.of(Deployment.one(() -> new ProfilesVerticle(context.services())),
        Deployment.one(() -> new GraphVerticle(context.services())),
        Deployment.one(() -> new InboundSocialVerticle(context.services())),
        Deployment.one(() -> new PostsVerticle(context.services())),
        Deployment.one(() -> new SyncLogVerticle(context.services(), java.time.Duration.ofDays(Integer.parseInt(context.setting("sync-retention-days"))))));
  }

  @Override
  public List<RouteModule> routes(ModuleContext context) {
    return List.of(new SocialRoutes(context.vertx(), context.authenticator(), context.services().config().requestTimeoutSeconds() * 1000L));
  }

  @Override
  public List<String> rawBodyPaths() {
    return List.of(SocialRoutes.AVATAR_UPLOAD);
  }

  @Override
  public List<EnvelopeType> envelopeTypes() {
    String area = SocialAddresses.AREA;
    return List.of("friend_request", "friend_response", "follow", "unfollow", "block_notice", "activity_update", "post_share").stream()
        .map(type -> new EnvelopeType(type, "POST", "/inbox", area)).toList();
  }

  @Override
  public List<Setting> settings() {
    return List.of(Setting.integer("sync-retention-days", 30, 8, 3650,
        "how long sent envelopes stay available to content_sync (longer than the outbox's 7 days of retries)"));
  }

  @Override
  public Optional<SyncSource> syncSource(ModuleContext context) {
    return Optional.of(SyncLogVerticle.source(context.vertx()));
  }

  @Override
  public Set<String> liveEventKinds() {
    return SocialEvents.KINDS;
  }

  @Override
  public Optional<AccountCleanup> accountCleanup(ModuleContext context) {
    return Optional.of(new SocialAccountCleanup(context.vertx(), context.services()));
  }
}
