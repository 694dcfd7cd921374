package org.openred.social;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openred.federation.FederationClient;
import org.openred.federation.outbox.OutboxWriter;
import org.openred.kernel.Operations;
import org.openred.kernel.Problem;
import org.openred.kernel.UserId;
import org.openred.node.NodeServices;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Posts whose content stays on the author's node (seed 000 flow 3): written, edited and deleted here;
 * their metadata (post_share) sent to the nodes of friends (friends posts) or of friends and followers
 * (public posts), never for private ones; their content read by other nodes with a signed request
 * naming the reader, whom this node checks; and the feed, which fetches other nodes' contents on
 * demand, in parallel, keeping them in memory for minutes at most.
 */
public final class PostsVerticle extends VerticleBase {
  static final int PAGE = 50;
  static final int BACKFILL = 20;

  private final NodeServices services;
  private SharedOutbox outbox;
  private RemotePosts remote;
  private GraphClient graph;
  private SocialEvents events;

  public PostsVerticle(NodeServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    remote = new RemotePosts(new FederationClient(vertx, services));
    graph = new GraphClient(vertx);
    events = new SocialEvents(services.liveEvents());
    return OutboxWriter.load(vertx, services).compose(loaded -> {
      outbox = new SharedOutbox(loaded);
      return Operations.serveAll(vertx, LoggerFactory.getLogger(PostsVerticle.class), Map.<String, java.util.function.Function<JsonObject, Future<JsonObject>>>ofEntries(
          Map.entry(SocialAddresses.POST_CREATE, this::create),
          Map.entry(SocialAddresses.POST_EDIT, this::edit),
          Map.entry(SocialAddresses.POST_DELETE, this::delete),
          Map.entry(SocialAddresses.POST_GET, this::get),
          Map.entry(SocialAddresses.POST_SERVE, this::serve),
          Map.entry(SocialAddresses.FEED, this::feed),
          Map.entry(SocialAddresses.AUTHOR_POSTS, this::byAuthor),
          Map.entry(SocialAddresses.POST_LIKE, this::like),
          Map.entry(SocialAddresses.POST_REPLY, this::reply),
          Map.entry(SocialAddresses.POST_REACT, this::react),
          Map.entry(SocialAddresses.POST_BACKFILL, this::backfill)));
    });
  }

  private String domain() {
    return services.config().domain();
  }

  /** {caller, content, visibility?} -> {post}: visibility friends unless said otherwise. */
  private Future<JsonObject> create(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    String content = Posts.content(body.getValue("content"));
    String visibility = body.getValue("visibility") == null ? "friends" : Posts.visibility(body.getValue("visibility"));
    String id = UUID.randomUUID().toString();
    String now = Posts.now();
    PostStore.Post post = new PostStore.Post(id, caller.toString(), content, visibility, Posts.digest(content),
        Posts.excerpt(content, visibility), now, now);
    return audience(caller, visibility).compose(audience -> outbox.write(shares(caller, post, audience.remoteDomains(), false),
            conn -> PostStore.insert(conn, id, caller.username(), content, visibility, now))
        .map(ignored -> {
          audience.local().forEach(user -> events.post(user, post));
          return new JsonObject().put("post", view(post, true));
        }));
  }

  /** {caller, postId, content?, visibility?}: the author's own only (404 otherwise); nodes that no longer may see it are told it is gone. */
  private Future<JsonObject> edit(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    return own(caller, body.getValue("postId")).compose(post -> {
      String content = body.getValue("content") == null ? post.content() : Posts.content(body.getValue("content"));
      String visibility = body.getValue("visibility") == null ? post.visibility() : Posts.visibility(body.getValue("visibility"));
      String now = Posts.now();
      PostStore.Post edited = new PostStore.Post(post.id(), post.author(), content, visibility, Posts.digest(content),
          Posts.excerpt(content, visibility), post.createdAt(), now);
      return Future.all(audience(caller, post.visibility()), audience(caller, visibility)).compose(both -> {
        Audience before = both.resultAt(0);
        Audience after = both.resultAt(1);
        Set<String> gone = new HashSet<>(before.remoteDomains());
        gone.removeAll(after.remoteDomains());
        List<JsonObject> envelopes = new ArrayList<>(shares(caller, edited, after.remoteDomains(), false));
        envelopes.addAll(shares(caller, edited, gone, true));
        return outbox.write(envelopes, conn -> PostStore.update(conn, post.id(), content, visibility, now))
            .map(ignored -> new JsonObject().put("post", view(edited, true)));
      });
    });
  }

  /** {caller, postId}: gone here at once; the nodes it was shared with are told. */
  private Future<JsonObject> delete(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    return own(caller, body.getValue("postId")).compose(post -> audience(caller, post.visibility())
        .compose(audience -> outbox.write(shares(caller, post, audience.remoteDomains(), true), conn -> PostStore.delete(conn, post.id())))
        .map(ignored -> new JsonObject().put("postId", post.id()).put("deleted", true)));
  }

  /** {caller, postId} -> {post}: a local post the caller may see, or another node's, its content fetched; 404 otherwise. */
  private Future<JsonObject> get(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    String id = postId(body.getValue("postId"));
    var pool = services.database().pool();
    return PostStore.local(pool, id, domain()).compose(post -> {
      if (post != null) {
        return maySee(caller, post).compose(allowed -> allowed ? withReactions(List.of(post), caller).map(views -> new JsonObject().put("post", views.get(0)))
            : Future.failedFuture(notFound()));
      }
      // Another node's post: for a friend of its author, or a follower when public, as this node knows them;
      // its content only if the author's node agrees.
      return PostStore.ref(pool, id).compose(ref -> ref == null ? Future.failedFuture(notFound())
          : graph.relations(caller, List.of(UserId.parse(ref.author()))).compose(relations -> {
            GraphClient.Relation relation = relations.get(UserId.parse(ref.author()));
            boolean reader = !relation.blocked() && (relation.friends() || relation.following() && ref.visibility().equals("public"));
            return reader ? remote.fetch(caller, ref).map(fetched -> new JsonObject().put("post", fetched)) : Future.failedFuture(notFound());
          }));
    });
  }

  /**
   * {postId, reader, origin}: a post's content for another node's reader (GET /federation/v1/posts/{id}).
   * The signing node must host the reader; the reader must be allowed: public to anyone not blocked,
   * friends to the author's friends; private never. 403 otherwise, 404 for no such post.
   */
  private Future<JsonObject> serve(JsonObject body) {
    String id = postId(body.getValue("postId"));
    UserId reader = UserId.parse(body.getValue("reader"));
    if (!reader.domain().equals(body.getString("origin"))) {
      throw new Problem(403, "reader-mismatch", "a node asks for its own users only");
    }
    return PostStore.local(services.database().pool(), id, domain()).compose(post -> {
      if (post == null) {
        return Future.failedFuture(notFound());
      }
      return maySee(reader, post).compose(allowed -> allowed
          ? PostStore.reactions(services.database().pool(), List.of(post.id()), reader.toString()).map(r -> view(post, false).mergeIn(r.get(post.id())))
          : Future.failedFuture(new Problem(403, "forbidden", reader + " may not see this post")));
    });
  }

  /** {caller, before?} -> {posts: [...newest first], next}: the caller's own, friends' and followed users' posts, contents fetched. */
  private Future<JsonObject> feed(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    FeedCursor before = FeedCursor.parse(body.getValue("before") instanceof String cursor ? cursor : null);
    return PostStore.feed(services.database().pool(), domain(), caller.toString(), caller.username(), before, PAGE)
        .compose(page -> page(caller, page));
  }

  /**
   * {caller, userId, before?} -> {posts, next}: one author's posts the caller may see (all of their
   * own; public and friends posts of a friend; public ones otherwise); another node's author shows
   * what that node shared here. 404 for someone blocked either way, as their profile is.
   */
  private Future<JsonObject> byAuthor(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    UserId author = UserId.parse(body.getValue("userId"));
    FeedCursor before = FeedCursor.parse(body.getValue("before") instanceof String cursor ? cursor : null);
    Future<List<String>> visible = caller.equals(author) ? Future.succeededFuture(List.of("public", "friends", "private"))
        : graph.relations(caller, List.of(author)).compose(relations -> {
          GraphClient.Relation relation = relations.get(author);
          return relation.blocked() ? Future.failedFuture(new Problem(404, "unknown-user", "no such user: " + author))
              : Future.succeededFuture(relation.friends() ? List.of("public", "friends") : List.of("public"));
        });
    return visible.compose(visibilities -> PostStore.byAuthor(services.database().pool(), domain(), author, visibilities, before, PAGE))
        .compose(page -> page(caller, page));
  }

  /** A page of posts as {@code caller} sees them: local ones with their reactions, others' contents fetched from their nodes. */
  private Future<JsonObject> page(UserId caller, List<PostStore.Post> page) {
    return withReactions(page.stream().filter(post -> post.content() != null).toList(), caller).compose(localViews -> {
      Map<String, JsonObject> local = new java.util.HashMap<>();
      localViews.forEach(v -> local.put(v.getString("postId"), v));
      List<Future<JsonObject>> items = new ArrayList<>();
      for (PostStore.Post post : page) {
        items.add(post.content() != null ? Future.succeededFuture(local.get(post.id())) : remote.fetch(caller, post));
      }
      return Future.join(items).transform(ignored -> {
        JsonArray posts = new JsonArray();
        items.forEach(item -> posts.add(item.result()));
        String next = page.size() == PAGE ? FeedCursor.of(page.get(page.size() - 1)).toString() : null;
        return Future.succeededFuture(new JsonObject().put("posts", posts).put("next", next));
      });
    });
  }

  /**
   * {author, domain, friends}: the author's last {@link #BACKFILL} posts the new friend (or follower:
   * public ones only) may see, shared with their node, so a new connection starts with a feed.
   */
  private Future<JsonObject> backfill(JsonObject body) {
    UserId author = UserId.parse(body.getValue("author"));
    String domain = body.getString("domain");
    boolean friends = body.getBoolean("friends", false);
    return PostStore.recent(services.database().pool(), author.username(), domain(), friends ? List.of("public", "friends") : List.of("public"), BACKFILL)
        .compose(posts -> posts.isEmpty() ? Future.succeededFuture(new JsonObject().put("shared", 0))
            : outbox.write(posts.stream().flatMap(post -> shares(author, post, Set.of(domain), false).stream()).toList(), conn -> Future.succeededFuture())
                .map(ignored -> new JsonObject().put("shared", posts.size())));
  }

  /** Local posts as {@code viewer} sees them, with their likes and replies. */
  private Future<List<JsonObject>> withReactions(List<PostStore.Post> posts, UserId viewer) {
    return PostStore.reactions(services.database().pool(), posts.stream().map(PostStore.Post::id).toList(), viewer.toString())
        .map(reactions -> posts.stream().map(post -> view(post, true).mergeIn(reactions.get(post.id()))).toList());
  }

  /** {caller, postId, liked}: on a local post, counted here; on another node's, sent to its origin, which counts it. */
  private Future<JsonObject> like(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    if (!(body.getValue("liked") instanceof Boolean liked)) {
      throw new Problem(400, "invalid-field", "liked is true or false");
    }
    return reactTo(caller, body.getValue("postId"), liked ? "like" : "unlike", null);
  }

  /** {caller, postId, content}: a reply, kept with the post at its origin. */
  private Future<JsonObject> reply(JsonObject body) {
    UserId caller = UserId.parse(body.getValue("caller"));
    return reactTo(caller, body.getValue("postId"), "reply", Posts.content(body.getValue("content")));
  }

  private Future<JsonObject> reactTo(UserId caller, Object postIdValue, String kind, String content) {
    String id = postId(postIdValue);
    String replyId = kind.equals("reply") ? UUID.randomUUID().toString() : null;
    var pool = services.database().pool();
    return PostStore.local(pool, id, domain()).compose(post -> {
      if (post != null) {
        return applyReaction(post, caller, kind, replyId, content).map(ignored -> reacted(id, kind, replyId, false));
      }
      return PostStore.ref(pool, id).compose(ref -> ref == null ? Future.failedFuture(notFound())
          : graph.relations(caller, List.of(UserId.parse(ref.author()))).compose(relations -> {
            GraphClient.Relation relation = relations.get(UserId.parse(ref.author()));
            if (relation.blocked() || !(relation.friends() || relation.following() && ref.visibility().equals("public"))) {
              return Future.failedFuture(notFound());
            }
            UserId author = UserId.parse(ref.author());
            JsonObject payload = new JsonObject().put("kind", kind).put("postId", id);
            if (replyId != null) {
              payload.put("replyId", replyId).put("content", content);
            }
            // The caller's copy of the post is read again next time, with their own reaction in it.
            remote.forget(caller, ref);
            return outbox.write(List.of(outbox.envelope("activity_update", caller.username(), GraphVerticle.to(author), payload)),
                conn -> Future.succeededFuture()).map(ignored -> reacted(id, kind, replyId, true));
          }));
    });
  }

  /** {postId, actor, kind, replyId?, content?}: another node's user reacting to a post of this node: they must may see it (403). */
  private Future<JsonObject> react(JsonObject body) {
    UserId actor = UserId.parse(body.getValue("actor"));
    String id = postId(body.getValue("postId"));
    String kind = body.getString("kind");
    String replyId = null;
    String content = null;
    if (kind.equals("reply")) {
      if (!(body.getValue("replyId") instanceof String r) || !r.matches("[A-Za-z0-9_-]{1,64}")) {
        throw new Problem(400, "invalid-payload", "replyId is 1 to 64 of [A-Za-z0-9_-]");
      }
      replyId = r;
      content = Posts.content(body.getValue("content"));
    }
    String reply = replyId;
    String text = content;
    return PostStore.local(services.database().pool(), id, domain()).compose(post -> post == null ? Future.failedFuture(notFound())
        : maySee(actor, post).compose(allowed -> allowed ? applyReaction(post, actor, kind, reply, text).map(new JsonObject().put("status", 202))
            : Future.failedFuture(new Problem(403, "forbidden", actor + " may not see this post"))));
  }

  private Future<Void> applyReaction(PostStore.Post post, UserId who, String kind, String replyId, String content) {
    var pool = services.database().pool();
    return maySee(who, post).compose(allowed -> {
      if (!allowed) {
        return Future.failedFuture(notFound());
      }
      Future<Void> applied = kind.equals("reply") ? PostStore.reply(pool, replyId, post.id(), who.toString(), content)
          : PostStore.like(pool, post.id(), who.toString(), kind.equals("like"));
      return applied.onSuccess(ignored -> {
        if (!kind.equals("unlike") && !who.toString().equals(post.author())) {
          events.reaction(post.author(), post.id(), kind, who.toString());
        }
      });
    });
  }

  private static JsonObject reacted(String postId, String kind, String replyId, boolean sent) {
    JsonObject answer = new JsonObject().put("postId", postId).put("kind", kind).put("sentToOrigin", sent);
    return replyId == null ? answer : answer.put("replyId", replyId);
  }

  /** Whether {@code viewer} may see the post: the author always; nobody blocked either way; public to others, friends to friends. */
  private Future<Boolean> maySee(UserId viewer, PostStore.Post post) {
    UserId author = UserId.parse(post.author());
    if (viewer.equals(author)) {
      return Future.succeededFuture(true);
    }
    if (post.visibility().equals("private")) {
      return Future.succeededFuture(false);
    }
    return graph.relations(author, List.of(viewer)).map(relations -> {
      GraphClient.Relation relation = relations.get(viewer);
      return !relation.blocked() && (post.visibility().equals("public") || relation.friends());
    });
  }

  private Future<PostStore.Post> own(UserId caller, Object postId) {
    return PostStore.local(services.database().pool(), postId(postId), domain()).compose(post -> post != null && post.author().equals(caller.toString())
        ? Future.succeededFuture(post) : Future.failedFuture(notFound()));
  }

  /** Who is told of a post: the local users who may see it (for post.new) and the other nodes where such users live. */
  private record Audience(Set<String> local, Set<String> remoteDomains) {
  }

  private Future<Audience> audience(UserId author, String visibility) {
    if (visibility.equals("private")) {
      return Future.succeededFuture(new Audience(Set.of(), Set.of()));
    }
    return GraphStore.of(services.database().pool(), author.toString()).map(connections -> {
      Set<String> local = new HashSet<>();
      Set<String> domains = new HashSet<>();
      for (GraphStore.Connection c : connections) {
        boolean friend = c.type().equals(GraphStore.FRIEND);
        boolean follower = c.type().equals(GraphStore.FOLLOW) && c.direction().equals(GraphStore.IN);
        if (!c.state().equals(GraphStore.ACTIVE) || !(friend || (follower && visibility.equals("public")))) {
          continue;
        }
        UserId peer = UserId.parse(c.peer());
        if (peer.isOn(domain())) {
          local.add(peer.toString());
        } else {
          domains.add(peer.domain());
        }
      }
      return new Audience(local, domains);
    });
  }

  private List<JsonObject> shares(UserId author, PostStore.Post post, Set<String> domains, boolean deleted) {
    List<JsonObject> envelopes = new ArrayList<>();
    for (String domain : domains) {
      JsonObject payload = deleted ? new JsonObject().put("postId", post.id()).put("author", post.author()).put("deleted", true) : post.metadata();
      envelopes.add(outbox.envelope("post_share", author.username(), domain, payload));
    }
    return envelopes;
  }

  /** A post as the client API shows it; {@code withExcerpt} false is the federation answer (content, no excerpt). */
  static JsonObject view(PostStore.Post post, boolean withExcerpt) {
    JsonObject view = new JsonObject().put("postId", post.id()).put("author", post.author()).put("visibility", post.visibility())
        .put("content", post.content()).put("digest", post.digest()).put("created_at", post.createdAt()).put("updated_at", post.updatedAt());
    if (withExcerpt && post.excerpt() != null) {
      view.put("excerpt", post.excerpt());
    }
    return view;
  }

  private static String postId(Object value) {
    if (!(value instanceof String id) || !id.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new Problem(404, "unknown-post", "no such post");
    }
    return id;
  }

  private static Problem notFound() {
    return new Problem(404, "unknown-post", "no such post");
  }
}
