package org.openred.social;

import io.vertx.core.json.JsonObject;
import org.openred.kernel.LiveEvents;
import org.openred.kernel.UserId;

import java.util.Set;

/** The live events of the social graph, for the users of this node it concerns. */
final class SocialEvents {
  /** Someone asks to be a friend or (where approval is needed) a follower. */
  static final String CONNECTION_REQUEST = "connection.request";
  /** A connection began, changed or ended (accepted, rejected, removed, blocked). */
  static final String CONNECTION_UPDATED = "connection.updated";
  /** A post this user may see was written (here, or shared by another node). */
  static final String POST_NEW = "post.new";
  /** Someone liked or replied to this user's post. */
  static final String POST_REACTION = "post.reaction";
  /** Someone this user is friends with or follows (or the user, in another tab) changed their profile. */
  static final String PROFILE_UPDATED = "profile.updated";
  static final Set<String> KINDS = Set.of(CONNECTION_REQUEST, CONNECTION_UPDATED, POST_NEW, POST_REACTION, PROFILE_UPDATED);

  private final LiveEvents live;

  SocialEvents(LiveEvents live) {
    this.live = live;
  }

  void post(String user, PostStore.Post post) {
    live.publish(UserId.parse(user), POST_NEW, new JsonObject().put("postId", post.id()).put("author", post.author())
        .put("visibility", post.visibility()));
  }

  void reaction(String author, String postId, String kind, String userId) {
    live.publish(UserId.parse(author), POST_REACTION, new JsonObject().put("postId", postId).put("kind", kind).put("userId", userId));
  }

  /** Tells each of {@code readers} (those of this node) that {@code whose} profile changed. */
  void profile(java.util.Collection<String> readers, UserId whose) {
    readers.forEach(reader -> live.publish(UserId.parse(reader), PROFILE_UPDATED, new JsonObject().put("userId", whose.toString())));
  }

  /** Tells {@code user} (if it is local) what {@code other} did. */
  void tell(String user, String kind, String other, String type, String state) {
    live.publish(UserId.parse(user), kind, new JsonObject().put("userId", other).put("connection", type).put("state", state));
  }

  /** A follow began: {@code in} when {@code other} now follows {@code user}, {@code out} when {@code user}'s follow of them was accepted. */
  void follow(String user, String other, String direction) {
    live.publish(UserId.parse(user), CONNECTION_UPDATED, new JsonObject().put("userId", other).put("connection", GraphStore.FOLLOW)
        .put("state", GraphStore.ACTIVE).put("direction", direction));
  }

  /** Tells {@code user}'s other tabs what they did themselves ({@code self}: nobody is notified of their own act). */
  void echo(String user, String kind, String other, String type, String state) {
    live.publish(UserId.parse(user), kind, new JsonObject().put("userId", other).put("connection", type).put("state", state).put("self", true));
  }
}
