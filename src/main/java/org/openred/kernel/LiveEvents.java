package org.openred.kernel;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * Live events for this node's users, the one place that knows their addresses: {@code user.<name>},
 * the only addresses the browser bridge lets a client listen on (its own). Each event is
 * {@code {type: kind, ...}}; the kinds are those the running modules declared, so a module cannot
 * push what nobody documented, and a remote user's event is not published here (its node does that).
 */
public final class LiveEvents {
  private static final io.vertx.core.eventbus.DeliveryOptions LOCAL = new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true);
  private final Vertx vertx;
  private final String domain;
  private final Set<String> kinds;

  public LiveEvents(Vertx vertx, String domain, Set<String> kinds) {
    this.vertx = vertx;
    this.domain = domain;
    this.kinds = Set.copyOf(kinds);
  }

  public static String address(String username) {
    return Addresses.USER_PREFIX + username;
  }

  /** Publishes {@code event} with its {@code type} set to {@code kind} to each of the users who live on this node. */
  public void publish(Iterable<UserId> users, String kind, JsonObject event) {
    if (!kinds.contains(kind)) {
      throw new IllegalArgumentException("live-event kind " + kind + " is declared by no module");
    }
    for (UserId user : users) {
      if (user.isOn(domain)) {
        JsonObject published = event.copy().put("type", kind);
        vertx.eventBus().publish(address(user.username()), published);
        // Observers in this process (the notifications list): told once, by the instance that published.
        vertx.eventBus().publish(Addresses.LIVE_PUBLISHED, new JsonObject().put("userId", user.toString()).put("event", published), LOCAL);
      }
    }
  }

  public void publish(UserId user, String kind, JsonObject event) {
    publish(java.util.List.of(user), kind, event);
  }

  public Set<String> kinds() {
    return kinds;
  }
}
