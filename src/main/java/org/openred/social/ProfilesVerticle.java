package org.openred.social;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.openred.accounts.AccountsClient;
import org.openred.crypto.B64u;
import org.openred.federation.FederationClient;
import org.openred.federation.outbox.OutboxWriter;
import org.openred.kernel.Operations;
import org.openred.kernel.Problem;
import org.openred.kernel.UserId;
import org.openred.node.NodeServices;
import org.openred.web.StrictJson;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Profiles (PROTOCOL.md section 8): one's own, edited; anyone's public one, local or read from its
 * node with a signed federation request and cached briefly; avatars re-encoded by the node that
 * stores them and again by the node that serves them to its browsers. A change is told to the nodes
 * of one's friends and followers (activity_update "profile"), which drop their cached copy.
 */
public final class ProfilesVerticle extends VerticleBase {
  static final Duration CACHE = Duration.ofSeconds(60);
  static final int MAX_DISPLAY_NAME = 64;
  static final int MAX_BIO = 1000;

  private final NodeServices services;
  private AccountsClient accounts;
  private GraphClient graph;
  private FederationClient federation;
  private SharedOutbox outbox;
  private WorkerExecutor images;
  private SocialEvents events;

  public ProfilesVerticle(NodeServices services) {
    this.services = services;
  }

  static String cacheKey(UserId user) {
    return "profile:" + user;
  }

  @Override
  public Future<?> start() {
    accounts = new AccountsClient(vertx);
    graph = new GraphClient(vertx);
    federation = new FederationClient(vertx, services);
    images = vertx.createSharedWorkerExecutor("openred-images", 1);
    events = new SocialEvents(services.liveEvents());
    return OutboxWriter.load(vertx, services).compose(loaded -> {
      outbox = new SharedOutbox(loaded);
      return Operations.serveAll(vertx, LoggerFactory.getLogger(ProfilesVerticle.class), Map.of(
          SocialAddresses.PROFILE, this::own,
          SocialAddresses.PROFILE_UPDATE, this::update,
          SocialAddresses.AVATAR_UPDATE, this::updateAvatar,
          SocialAddresses.PUBLIC_PROFILE, this::publicProfile,
          SocialAddresses.AVATAR, this::avatar,
          SocialAddresses.PROFILE_OF, this::profileOf,
          SocialAddresses.AVATAR_OF, this::avatarOf,
          SocialAddresses.SEARCH, this::search));
    });
  }

  @Override
  public Future<?> stop() {
    return images == null ? Future.succeededFuture() : images.close();
  }

  /** {caller} -> the caller's whole profile, approveFollowers included. */
  private Future<JsonObject> own(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    return ProfileStore.get(services.database().pool(), caller.username()).map(profile -> view(caller, profile, true));
  }

  /** {caller, displayName?, bio?, approveFollowers?}: the given fields set; friends' and followers' nodes told. */
  private Future<JsonObject> update(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    String displayName = text(body, "displayName", MAX_DISPLAY_NAME, false);
    String bio = text(body, "bio", MAX_BIO, true);
    Object approve = body.getValue("approveFollowers");
    if (approve != null && !(approve instanceof Boolean)) {
      throw new Problem(400, "invalid-field", "approveFollowers is true or false");
    }
    return changed(caller, conn -> ProfileStore.update(conn, caller.username(), displayName, bio, (Boolean) approve))
        .compose(ignored -> own(new JsonObject().put("caller", caller.toString())));
  }

  /** {caller, data: b64 of the uploaded bytes, or null to remove it} -> the profile. */
  private Future<JsonObject> updateAvatar(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    if (body.getValue("data") == null) {
      return changed(caller, conn -> ProfileStore.setAvatar(conn, caller.username(), null, null))
          .compose(ignored -> own(new JsonObject().put("caller", caller.toString())));
    }
    byte[] upload = B64u.decode(body.getString("data"));
    return images.executeBlocking(() -> Avatars.reencode(upload), false)
        .compose(avatar -> changed(caller, conn -> ProfileStore.setAvatar(conn, caller.username(), avatar.type(), B64u.encode(avatar.bytes()))))
        .compose(ignored -> own(new JsonObject().put("caller", caller.toString())));
  }

  /** A change of the caller's profile, with an activity_update to each other node where friends or followers live, and live word to those here. */
  private Future<Void> changed(UserId caller, java.util.function.Function<io.vertx.sqlclient.SqlConnection, Future<Void>> change) {
    return GraphStore.of(services.database().pool(), caller.toString()).compose(connections -> {
      List<UserId> audience = connections.stream().filter(c -> c.state().equals(GraphStore.ACTIVE)
          && (c.type().equals(GraphStore.FRIEND) || c.direction().equals(GraphStore.IN))).map(c -> UserId.parse(c.peer())).toList();
      String here = services.config().domain();
      Set<String> domains = new HashSet<>();
      Set<String> readers = new java.util.LinkedHashSet<>(List.of(caller.toString()));
      audience.forEach(peer -> {
        if (peer.isOn(here)) {
          readers.add(peer.toString());
        } else {
          domains.add(peer.domain());
        }
      });
      List<JsonObject> envelopes = new ArrayList<>();
      domains.forEach(domain -> envelopes.add(outbox.envelope("activity_update", caller.username(), domain, new JsonObject().put("kind", "profile"))));
      return outbox.write(envelopes, change).onSuccess(ignored -> events.profile(readers, caller));
    });
  }

  /** {userId, viewer?} -> the public profile of a user of this node; 404 for no such user, or one blocked either way with the viewer. */
  private Future<JsonObject> publicProfile(JsonObject body) {
    UserId user = UserId.parse(body.getValue("userId"));
    if (!user.isOn(services.config().domain())) {
      throw new Problem(400, "wrong-destination", user + " is not a user of this node");
    }
    return accounts.requireLocal(List.of(user))
        .compose(ignored -> hiddenFrom(body.getValue("viewer"), user))
        .compose(ignored -> ProfileStore.get(services.database().pool(), user.username()))
        .map(profile -> view(user, profile, false));
  }

  /** {userId} -> {type, data} of a local user's avatar; 404 when there is none. */
  private Future<JsonObject> avatar(JsonObject body) {
    UserId user = UserId.parse(body.getValue("userId"));
    if (!user.isOn(services.config().domain())) {
      throw new Problem(400, "wrong-destination", user + " is not a user of this node");
    }
    return ProfileStore.avatar(services.database().pool(), user.username()).compose(avatar -> avatar == null
        ? Future.failedFuture(new Problem(404, "no-avatar", user + " has no avatar"))
        : Future.succeededFuture(avatar));
  }

  /**
   * {caller, userId, fresh?} -> anyone's public profile: local, or from its node (cached {@link #CACHE};
   * fresh, as a search asks, reads it from its node again: nobody tells this node of a change by
   * someone none of its users is connected with).
   */
  private Future<JsonObject> profileOf(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    UserId user = UserId.parse(body.getValue("userId"));
    if (user.isOn(services.config().domain())) {
      return publicProfile(new JsonObject().put("userId", user.toString()).put("viewer", caller.toString()));
    }
    boolean fresh = Boolean.TRUE.equals(body.getValue("fresh"));
    return hiddenFrom(caller.toString(), user).compose(ignored -> fresh ? Future.<String>succeededFuture(null) : services.cache().get(cacheKey(user)))
        .compose(hit -> hit != null
        ? Future.succeededFuture(new JsonObject(hit))
        : federation.send(user.domain(), HttpMethod.GET, "/users/" + URLEncoder.encode(user.toString(), StandardCharsets.UTF_8) + "/profile", null, 64 * 1024)
            .compose(response -> {
              if (response.status() == 404) {
                return Future.failedFuture(new Problem(404, "unknown-user", "no user " + user));
              }
              if (response.status() != 200) {
                return Future.failedFuture(new Problem(502, "peer-error", user.domain() + " answered " + response.status()));
              }
              JsonObject remote = StrictJson.parseObject(response.body());
              if (!user.toString().equals(remote.getValue("userId"))) {
                return Future.failedFuture(new Problem(502, "peer-error", "the answer is not about " + user));
              }
              // Only the fields of a public profile, checked like our own users': the peer's text is shown to our users.
              JsonObject profile = new JsonObject().put("userId", user.toString())
                  .put("displayName", clip(remote.getValue("displayName"), MAX_DISPLAY_NAME))
                  .put("bio", clip(remote.getValue("bio"), MAX_BIO))
                  .put("avatar", Boolean.TRUE.equals(remote.getValue("hasAvatar")) ? avatarUrl(user) : null)
                  .put("hasAvatar", Boolean.TRUE.equals(remote.getValue("hasAvatar")))
                  .put("updated_at", remote.getValue("updated_at") instanceof String t ? t : null);
              return services.cache().put(cacheKey(user), profile.encode(), CACHE).map(profile);
            }));
  }

  /** {caller, userId} -> {type, data}: anyone's avatar, a remote one fetched, decoded and encoded again here (cached). */
  private Future<JsonObject> avatarOf(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    UserId user = UserId.parse(body.getValue("userId"));
    if (user.isOn(services.config().domain())) {
      return hiddenFrom(caller.toString(), user).compose(ignored -> avatar(new JsonObject().put("userId", user.toString())));
    }
    String key = "avatar:" + user;
    return hiddenFrom(caller.toString(), user).compose(ignored -> services.cache().get(key)).compose(hit -> hit != null
        ? Future.succeededFuture(new JsonObject(hit))
        : federation.send(user.domain(), HttpMethod.GET, "/users/" + URLEncoder.encode(user.toString(), StandardCharsets.UTF_8) + "/avatar",
                null, Avatars.MAX_BYTES * 2)
            .compose(response -> {
              if (response.status() == 404) {
                return Future.failedFuture(new Problem(404, "no-avatar", user + " has no avatar"));
              }
              if (response.status() != 200) {
                return Future.failedFuture(new Problem(502, "peer-error", user.domain() + " answered " + response.status()));
              }
              JsonObject remote = StrictJson.parseObject(response.body());
              byte[] bytes;
              try {
                bytes = B64u.decode(remote.getValue("data") instanceof String data ? data : null);
              } catch (IllegalArgumentException e) {
                return Future.failedFuture(new Problem(502, "peer-error", user.domain() + " sent an unreadable avatar"));
              }
              return images.executeBlocking(() -> Avatars.reencode(bytes), false)
                  .recover(bad -> Future.failedFuture(new Problem(502, "peer-error", user.domain() + " sent an avatar that is not an image")))
                  .compose(avatar -> {
                    JsonObject served = new JsonObject().put("type", avatar.type()).put("data", B64u.encode(avatar.bytes()));
                    return services.cache().put(key, served.encode(), Duration.ofMinutes(5)).map(served);
                  });
            }));
  }

  /**
   * {caller, q}: a full user id finds that user wherever they live (their node asked); anything else
   * finds this node's users by username or display name. Users blocked either way with the caller are not found.
   */
  private Future<JsonObject> search(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    String q = body.getValue("q") instanceof String text ? text.strip() : "";
    if (q.isEmpty() || q.length() > 100) {
      throw new Problem(400, "invalid-query", "q is 1 to 100 characters: a name, or a full user id");
    }
    if (q.contains("@")) {
      return profileOf(new JsonObject().put("caller", caller.toString()).put("userId", UserId.parse(q).toString()).put("fresh", true))
          .map(profile -> new JsonObject().put("users", new io.vertx.core.json.JsonArray().add(profile)))
          .recover(failure -> Problem.from(failure) != null && Problem.from(failure).status() == 404
              ? Future.succeededFuture(new JsonObject().put("users", new io.vertx.core.json.JsonArray())) : Future.failedFuture(failure));
    }
    int limit = 20;
    return Future.all(accounts.search(q, limit), ProfileStore.byDisplayName(services.database().pool(), q, limit)).compose(found -> {
      java.util.LinkedHashSet<UserId> users = new java.util.LinkedHashSet<>(found.<List<UserId>>resultAt(0));
      found.<List<String>>resultAt(1).forEach(name -> users.add(new UserId(name, services.config().domain())));
      users.remove(caller);
      List<UserId> candidates = users.stream().limit(limit).toList();
      return graph.blocked(caller, candidates).compose(blocked -> {
        List<Future<JsonObject>> profiles = candidates.stream().filter(user -> !blocked.contains(user))
            .map(user -> ProfileStore.get(services.database().pool(), user.username()).map(profile -> view(user, profile, false))).toList();
        return Future.all(profiles).map(all -> {
          io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
          profiles.forEach(profile -> list.add(profile.result()));
          return new JsonObject().put("users", list);
        });
      });
    });
  }

  /** 404 when the viewer (if any) and the user are blocked either way: a block hides each from the other. */
  private Future<Void> hiddenFrom(Object viewer, UserId user) {
    if (!(viewer instanceof String text)) {
      return Future.succeededFuture();
    }
    UserId who = UserId.parse(text);
    UserId local = who.isOn(services.config().domain()) ? who : user;
    UserId other = local == who ? user : who;
    if (!local.isOn(services.config().domain()) || local.equals(other)) {
      return Future.succeededFuture();
    }
    return graph.relations(local, List.of(other)).compose(relations -> relations.get(other).blocked()
        ? Future.failedFuture(new Problem(404, "unknown-user", "no user " + user))
        : Future.succeededFuture());
  }

  private JsonObject view(UserId user, JsonObject profile, boolean own) {
    JsonObject view = new JsonObject().put("userId", user.toString())
        .put("displayName", profile.getString("displayName"))
        .put("bio", profile.getString("bio"))
        .put("avatar", profile.getString("avatarType") != null ? avatarUrl(user) : null)
        .put("hasAvatar", profile.getString("avatarType") != null)
        .put("updated_at", profile.getString("updated_at"));
    if (own) {
      view.put("approveFollowers", profile.getBoolean("approveFollowers"));
    }
    return view;
  }

  private static String avatarUrl(UserId user) {
    return "/api/v1/users/" + URLEncoder.encode(user.toString(), StandardCharsets.UTF_8) + "/avatar";
  }

  /** A display name or bio: text without control characters (a bio may hold line breaks), at most {@code max} characters. */
  private static String text(JsonObject body, String field, int max, boolean lines) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text) || text.codePointCount(0, text.length()) > max
        || text.codePoints().anyMatch(c -> Character.isISOControl(c) && !(lines && (c == '\n' || c == '\t')))) {
      throw new Problem(400, "invalid-field", field + " is text of at most " + max + " characters" + (lines ? "" : ", on one line"));
    }
    return text.strip();
  }

  private static String clip(Object value, int max) {
    if (!(value instanceof String text)) {
      return "";
    }
    String clean = text.codePoints().filter(c -> !Character.isISOControl(c) || c == '\n').collect(StringBuilder::new,
        StringBuilder::appendCodePoint, StringBuilder::append).toString();
    return clean.codePointCount(0, clean.length()) <= max ? clean : clean.substring(0, clean.offsetByCodePoints(0, max));
  }
}
