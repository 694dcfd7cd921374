package org.openred.social;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openred.federation.FederationClient;
import org.openred.kernel.Problem;
import org.openred.kernel.UserId;
import org.openred.web.StrictJson;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Other nodes' posts as this node's readers see them: the content read from the author's node with a
 * signed request naming the reader, kept in memory only (bounded, two minutes at most: the content is
 * the author's node's to keep), or the metadata marked unavailable with the reason. One per verticle.
 */
final class RemotePosts {
  private static final long FETCH_TIMEOUT_MS = 3_000;
  private static final long CONTENT_TTL_MS = 120_000;
  private static final int CONTENT_CACHE = 2_000;

  private final FederationClient federation;
  private final Map<String, Fetched> contents = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Fetched> eldest) {
      return size() > CONTENT_CACHE;
    }
  };

  private record Fetched(JsonObject post, long until) {
  }

  RemotePosts(FederationClient federation) {
    this.federation = federation;
  }

  /** Drops the reader's copies of the post, so the next read shows the reader's own new reaction. */
  void forget(UserId reader, PostStore.Post ref) {
    String prefix = reader + " " + ref.author() + " " + ref.id() + " ";
    contents.keySet().removeIf(key -> key.startsWith(prefix));
  }

  /** Another node's post for {@code reader}: its content read from the author's node (signed, naming the reader), or its metadata marked unavailable. */
  Future<JsonObject> fetch(UserId reader, PostStore.Post ref) {
    String key = reader + " " + ref.author() + " " + ref.id() + " " + ref.updatedAt();
    Fetched cached = contents.get(key);
    if (cached != null && cached.until() > System.currentTimeMillis()) {
      return Future.succeededFuture(cached.post());
    }
    UserId author = UserId.parse(ref.author());
    String path = "/posts/" + URLEncoder.encode(ref.id(), StandardCharsets.UTF_8) + "?reader=" + URLEncoder.encode(reader.toString(), StandardCharsets.UTF_8);
    return federation.send(author.domain(), HttpMethod.GET, path, null, 64 * 1024)
        .timeout(FETCH_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
        .map(response -> {
          if (response.status() != 200) {
            return unavailable(ref, response.status() == 403 || response.status() == 404 ? "not-visible" : "origin-error");
          }
          JsonObject remote = StrictJson.parseObject(response.body());
          if (!ref.id().equals(remote.getValue("postId")) || !(remote.getValue("content") instanceof String content)) {
            return unavailable(ref, "origin-error");
          }
          JsonObject post = PostsVerticle.view(ref, true).put("content", content)
              .put("likes", remote.getValue("likes") instanceof Number n ? n.longValue() : 0L)
              .put("liked", Boolean.TRUE.equals(remote.getValue("liked")))
              .put("replies", replies(remote.getValue("replies")));
          contents.put(key, new Fetched(post, System.currentTimeMillis() + CONTENT_TTL_MS));
          return post;
        })
        .otherwise(failure -> unavailable(ref, "origin-unreachable"));
  }

  /** The replies another node sent with its post, kept to their fields and sizes: they are shown to our users. */
  private static JsonArray replies(Object value) {
    JsonArray replies = new JsonArray();
    if (value instanceof JsonArray list) {
      for (Object item : list) {
        if (replies.size() < 20 && item instanceof JsonObject reply && reply.getValue("content") instanceof String text
            && text.length() <= Posts.MAX_CONTENT && reply.getValue("author") instanceof String author) {
          try {
            replies.add(new JsonObject().put("replyId", reply.getValue("replyId") instanceof String id ? id : null)
                .put("author", UserId.parse(author).toString()).put("content", text)
                .put("created_at", reply.getValue("created_at") instanceof String t ? t : null));
          } catch (Problem notAUser) {
            // A reply that does not name its author is not shown.
          }
        }
      }
    }
    return replies;
  }

  private static JsonObject unavailable(PostStore.Post ref, String why) {
    return PostsVerticle.view(ref, true).putNull("content").put("unavailable", true).put("reason", why);
  }
}
