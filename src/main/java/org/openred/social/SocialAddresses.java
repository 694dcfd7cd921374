package org.openred.social;

import org.openred.kernel.Addresses;

/** The social module's event-bus addresses: {caller: userId, ...} from the client API, and the graph's answers for other modules. */
public final class SocialAddresses {
  private SocialAddresses() {
  }

  public static final String AREA = "social";
  public static final String INBOUND = Addresses.inbound(AREA);
  public static final String PROFILE = "openred.social.profile";
  public static final String PROFILE_UPDATE = "openred.social.profile-update";
  public static final String AVATAR_UPDATE = "openred.social.avatar-update";
  /** {userId, viewer?} -> the public profile of a local user ({@code viewer} a user blocked either way gets 404). */
  public static final String PUBLIC_PROFILE = "openred.social.public-profile";
  /** {userId} -> {type, avatar: b64} of a local user. */
  public static final String AVATAR = "openred.social.avatar";
  /** {caller, userId} -> a profile, local or remote (fetched through its node, cached briefly). */
  public static final String PROFILE_OF = "openred.social.profile-of";
  public static final String AVATAR_OF = "openred.social.avatar-of";
  /** {caller, q} -> {users: [public profiles]}: local users by name or display name, or anyone by full user id. */
  public static final String SEARCH = "openred.social.search";
  public static final String CONNECT = "openred.social.connect";
  public static final String ACCEPT = "openred.social.accept";
  public static final String REJECT = "openred.social.reject";
  public static final String DISCONNECT = "openred.social.disconnect";
  public static final String BLOCK = "openred.social.block";
  public static final String UNBLOCK = "openred.social.unblock";
  public static final String CONNECTIONS = "openred.social.connections";
  public static final String POST_CREATE = "openred.social.post-create";
  public static final String POST_EDIT = "openred.social.post-edit";
  public static final String POST_DELETE = "openred.social.post-delete";
  public static final String POST_GET = "openred.social.post-get";
  /** {postId, reader, origin} -> a local post's content for another node's reader, or 403/404. */
  public static final String POST_SERVE = "openred.social.post-serve";
  public static final String FEED = "openred.social.feed";
  /** {caller, userId, before?} -> {posts, next}: one author's posts the caller may see, newest first. */
  public static final String AUTHOR_POSTS = "openred.social.posts.by-author";
  /** {author, domain, friends}: the author's recent posts shared with a node where they just gained a friend (friends: true) or follower (local only). */
  public static final String POST_BACKFILL = "openred.social.post-backfill";
  public static final String POST_LIKE = "openred.social.post-like";
  public static final String POST_REPLY = "openred.social.post-reply";
  /** {postId, actor, kind: like|unlike|reply, replyId?, content?}: another node's user reacting to a local post (local only). */
  public static final String POST_REACT = "openred.social.post-react";
  /** {user, others: [...]} -> {relations: {other: {friends, following, followed_by, blocked}}}: what {@link GraphClient} asks. */
  public static final String RELATIONS = "openred.social.relations";
  /** {} -> {domains: [...]}: the other nodes where this node's users have friends, follows or followers. */
  public static final String PEER_DOMAINS = "openred.social.peer-domains";
  /** {user, others: [...]} -> {blocked: [those blocked either way with user]}: the cheap question messaging asks per message. */
  public static final String BLOCKED = "openred.social.blocked";
}
