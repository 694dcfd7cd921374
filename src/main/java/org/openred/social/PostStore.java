package org.openred.social;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.openred.kernel.UserId;
import org.openred.store.SqlLists;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code posts} (this node's users', with their content) and {@code post_refs} (others', metadata only) tables. */
final class PostStore {
  private PostStore() {
  }

  /** A post as stored here: {id, author (user id), content (null for a ref), visibility, digest, excerpt, created_at, updated_at}. */
  record Post(String id, String author, String content, String visibility, String digest, String excerpt, String createdAt, String updatedAt) {
    JsonObject metadata() {
      return new JsonObject().put("postId", id).put("author", author).put("visibility", visibility).put("digest", digest)
          .put("excerpt", excerpt).put("created_at", createdAt).put("updated_at", updatedAt);
    }
  }

  static Future<Void> insert(SqlClient client, String id, String username, String content, String visibility, String now) {
    return SqlTemplate.forUpdate(client, "INSERT INTO posts (id, author, content, visibility, created_at, updated_at) "
            + "VALUES (#{id}, #{a}, #{c}, #{v}, #{now}, #{now})")
        .execute(Map.of("id", id, "a", username, "c", content, "v", visibility, "now", now)).mapEmpty();
  }

  static Future<Void> update(SqlClient client, String id, String content, String visibility, String now) {
    return SqlTemplate.forUpdate(client, "UPDATE posts SET content = #{c}, visibility = #{v}, updated_at = #{now} WHERE id = #{id}")
        .execute(Map.of("id", id, "c", content, "v", visibility, "now", now)).mapEmpty();
  }

  static Future<Void> delete(SqlClient client, String id) {
    return SqlTemplate.forUpdate(client, "DELETE FROM posts WHERE id = #{id}").execute(Map.of("id", id)).mapEmpty();
  }

  /** A local post by id, its author as a user id of {@code domain}; null when there is none. */
  static Future<Post> local(SqlClient client, String id, String domain) {
    return SqlTemplate.forQuery(client, "SELECT id, author, content, visibility, created_at, updated_at FROM posts WHERE id = #{id}")
        .execute(Map.of("id", id)).map(rows -> rows.size() == 0 ? null : local(rows.iterator().next(), domain));
  }

  static Post local(Row row, String domain) {
    String content = row.getString("content");
    String visibility = row.getString("visibility");
    return new Post(row.getString("id"), row.getString("author") + "@" + domain, content, visibility, Posts.digest(content),
        Posts.excerpt(content, visibility), row.getString("created_at"), row.getString("updated_at"));
  }

  /** A ref by post id (ids are random: one id, one post). */
  static Future<Post> ref(SqlClient client, String id) {
    return SqlTemplate.forQuery(client, "SELECT author, post_id, visibility, digest, excerpt, created_at, updated_at FROM post_refs WHERE post_id = #{id}")
        .execute(Map.of("id", id)).map(rows -> rows.size() == 0 ? null : ref(rows.iterator().next()));
  }

  static Post ref(Row row) {
    return new Post(row.getString("post_id"), row.getString("author"), null, row.getString("visibility"), row.getString("digest"),
        row.getString("excerpt"), row.getString("created_at"), row.getString("updated_at"));
  }

  /** A post_share: stored, or replaced by a newer version; answers whether it is new here. */
  static Future<Boolean> putRef(SqlClient client, Post post) {
    Map<String, Object> params = new HashMap<>();
    params.put("a", post.author());
    params.put("id", post.id());
    params.put("v", post.visibility());
    params.put("d", post.digest());
    params.put("e", post.excerpt());
    params.put("c", post.createdAt());
    params.put("u", post.updatedAt());
    return SqlTemplate.forQuery(client, "SELECT updated_at FROM post_refs WHERE author = #{a} AND post_id = #{id}").execute(params)
        .compose(rows -> {
          if (rows.size() == 0) {
            return SqlTemplate.forUpdate(client, "INSERT INTO post_refs (author, post_id, visibility, digest, excerpt, created_at, updated_at) "
                + "VALUES (#{a}, #{id}, #{v}, #{d}, #{e}, #{c}, #{u}) ON CONFLICT (author, post_id) DO NOTHING").execute(params).map(true);
          }
          // An older version arriving late (or the same one again) changes nothing.
          return rows.iterator().next().getString("updated_at").compareTo(post.updatedAt()) >= 0 ? Future.succeededFuture(false)
              : SqlTemplate.forUpdate(client, "UPDATE post_refs SET visibility = #{v}, digest = #{d}, excerpt = #{e}, updated_at = #{u} "
                  + "WHERE author = #{a} AND post_id = #{id}").execute(params).map(false);
        });
  }

  static Future<Void> deleteRef(SqlClient client, String author, String id) {
    return SqlTemplate.forUpdate(client, "DELETE FROM post_refs WHERE author = #{a} AND post_id = #{id}")
        .execute(Map.of("a", author, "id", id)).mapEmpty();
  }

  /**
   * A feed page, newest first, before {@code before}: the user's own posts; friends' public and friends
   * posts; followed users' public posts: local ones from {@code posts}, others' from {@code post_refs}.
   * Each walks its (time, id) index newest first and asks the user's connections of each row (one probe
   * of their unique index), so a page costs about a page of rows whoever the user follows.
   */
  static Future<List<Post>> feed(SqlClient client, String domain, String userId, String username, FeedCursor before, int limit) {
    Map<String, Object> params = Map.of("me", username, "uid", userId, "domain", "@" + domain, "before", before.createdAt(), "beforeId", before.id());
    String sees = "c.owner = #{uid} AND c.state = 'active' AND ((c.type = 'friend' AND %1$s.visibility IN ('public', 'friends')) "
        + "OR (c.type = 'follow' AND c.direction = 'out' AND %1$s.visibility = 'public'))";
    String local = "SELECT p.id, p.author, p.content, p.visibility, p.created_at, p.updated_at FROM posts p WHERE (p.created_at, p.id) < (#{before}, #{beforeId}) "
        + "AND (p.author = #{me} OR EXISTS (SELECT 1 FROM connections c WHERE c.peer = p.author || #{domain} AND " + String.format(sees, "p") + ")) "
        + "ORDER BY p.created_at DESC, p.id DESC LIMIT " + limit;
    Future<List<Post>> own = SqlTemplate.forQuery(client, local).execute(params).map(rows -> {
      List<Post> posts = new ArrayList<>();
      rows.forEach(row -> posts.add(local(row, domain)));
      return posts;
    });
    String remote = "SELECT r.author, r.post_id, r.visibility, r.digest, r.excerpt, r.created_at, r.updated_at FROM post_refs r "
        + "WHERE (r.created_at, r.post_id) < (#{before}, #{beforeId}) AND EXISTS (SELECT 1 FROM connections c WHERE c.peer = r.author AND " + String.format(sees, "r") + ") "
        + "ORDER BY r.created_at DESC, r.post_id DESC LIMIT " + limit;
    Future<List<Post>> others = SqlTemplate.forQuery(client, remote).execute(params).map(rows -> {
      List<Post> posts = new ArrayList<>();
      rows.forEach(row -> posts.add(ref(row)));
      return posts;
    });
    return Future.all(own, others).map(all -> {
      List<Post> merged = new ArrayList<>(own.result());
      merged.addAll(others.result());
      merged.sort(java.util.Comparator.comparing(FeedCursor::of).reversed());
      return merged.size() > limit ? merged.subList(0, limit) : merged;
    });
  }

  /**
   * One author's posts of these visibilities, newest first, before {@code before}: from {@code posts}
   * for a user of {@code domain}, from what other nodes shared ({@code post_refs}) for anyone else.
   */
  static Future<List<Post>> byAuthor(SqlClient client, String domain, UserId author, List<String> visibilities, FeedCursor before, int limit) {
    Map<String, Object> params = new HashMap<>();
    params.put("before", before.createdAt());
    params.put("beforeId", before.id());
    String in = SqlLists.bind(params, "v", visibilities);
    boolean local = author.isOn(domain);
    params.put("a", local ? author.username() : author.toString());
    String sql = local
        ? "SELECT id, author, content, visibility, created_at, updated_at FROM posts WHERE author = #{a} AND visibility IN (" + in + ") "
            + "AND (created_at, id) < (#{before}, #{beforeId}) ORDER BY created_at DESC, id DESC LIMIT " + limit
        : "SELECT author, post_id, visibility, digest, excerpt, created_at, updated_at FROM post_refs WHERE author = #{a} AND visibility IN (" + in + ") "
            + "AND (created_at, post_id) < (#{before}, #{beforeId}) ORDER BY created_at DESC, post_id DESC LIMIT " + limit;
    return SqlTemplate.forQuery(client, sql).execute(params).map(rows -> {
      List<Post> posts = new ArrayList<>();
      rows.forEach(row -> posts.add(local ? local(row, domain) : ref(row)));
      return posts;
    });
  }

  /** Sets or clears the user's like; idempotent. */
  static Future<Void> like(SqlClient client, String postId, String userId, boolean liked) {
    return (liked
        ? SqlTemplate.forUpdate(client, "INSERT INTO post_likes (post_id, user_id, created_at) VALUES (#{p}, #{u}, #{now}) "
            + "ON CONFLICT (post_id, user_id) DO NOTHING").execute(Map.of("p", postId, "u", userId, "now", Posts.now()))
        : SqlTemplate.forUpdate(client, "DELETE FROM post_likes WHERE post_id = #{p} AND user_id = #{u}").execute(Map.of("p", postId, "u", userId)))
        .mapEmpty();
  }

  /** A reply, by its id (a repeat of the same reply is no second one). */
  static Future<Void> reply(SqlClient client, String replyId, String postId, String author, String content) {
    return SqlTemplate.forUpdate(client, "INSERT INTO post_replies (id, post_id, author, content, created_at) VALUES (#{id}, #{p}, #{a}, #{c}, #{now}) "
            + "ON CONFLICT (id) DO NOTHING").execute(Map.of("id", replyId, "p", postId, "a", author, "c", content, "now", Posts.now()))
        .mapEmpty();
  }

  /** {postId: {likes, liked, replies: [{replyId, author, content, created_at}, ...the last 20]}} for these local posts, as {@code viewer} sees them. */
  static Future<Map<String, JsonObject>> reactions(SqlClient client, Collection<String> postIds, String viewer) {
    Map<String, JsonObject> reactions = new HashMap<>();
    postIds.forEach(id -> reactions.put(id, new JsonObject().put("likes", 0).put("liked", false).put("replies", new io.vertx.core.json.JsonArray())));
    if (postIds.isEmpty()) {
      return Future.succeededFuture(reactions);
    }
    Map<String, Object> params = new HashMap<>();
    params.put("v", viewer);
    String in = SqlLists.bind(params, "p", postIds);
    Future<io.vertx.sqlclient.RowSet<Row>> likes = SqlTemplate.forQuery(client, "SELECT post_id, COUNT(*) AS n, "
        + "SUM(CASE WHEN user_id = #{v} THEN 1 ELSE 0 END) AS mine FROM post_likes WHERE post_id IN (" + in + ") GROUP BY post_id").execute(params);
    Future<io.vertx.sqlclient.RowSet<Row>> replies = SqlTemplate.forQuery(client, "SELECT id, post_id, author, content, created_at FROM post_replies "
        + "WHERE post_id IN (" + in + ") ORDER BY created_at, id").execute(params);
    return Future.all(likes, replies).map(all -> {
      likes.result().forEach(row -> reactions.get(row.getString("post_id")).put("likes", row.getLong("n"))
          .put("liked", row.getLong("mine") != null && row.getLong("mine") > 0));
      replies.result().forEach(row -> {
        io.vertx.core.json.JsonArray list = reactions.get(row.getString("post_id")).getJsonArray("replies");
        list.add(new JsonObject().put("replyId", row.getString("id")).put("author", row.getString("author"))
            .put("content", row.getString("content")).put("created_at", row.getString("created_at")));
        if (list.size() > 20) {
          list.remove(0);
        }
      });
      return reactions;
    });
  }

  /** The author's newest posts of these visibilities. */
  static Future<List<Post>> recent(SqlClient client, String username, String domain, List<String> visibilities, int limit) {
    Map<String, Object> params = new HashMap<>();
    params.put("a", username);
    String in = SqlLists.bind(params, "v", visibilities);
    return SqlTemplate.forQuery(client, "SELECT id, author, content, visibility, created_at, updated_at FROM posts WHERE author = #{a} "
            + "AND visibility IN (" + in + ") ORDER BY created_at DESC LIMIT " + limit)
        .execute(params).map(rows -> {
          List<Post> posts = new ArrayList<>();
          rows.forEach(row -> posts.add(local(row, domain)));
          return posts;
        });
  }
}
