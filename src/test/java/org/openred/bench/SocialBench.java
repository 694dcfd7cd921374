package org.openred.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.accounts.AccountsAddresses;
import org.openred.app.OpenRedNode;
import org.openred.config.Option;
import org.openred.testing.ClientApi;
import org.openred.testing.TestNodes;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The social module under load, all nodes in this JVM over loopback, SQLite: (1) a public post fanned
 * out to 1,000 followers spread over 10 nodes, timed until every node has committed its post_share;
 * (2) a feed page of 50 for a user who follows 1,000 users with 100,000 posts, local; (3) the same
 * with the 100,000 posts on another node, each page's contents fetched from it on demand. The social
 * graph and the posts are written straight into the tables (what the API would write, faster).
 * Run with bench/social.sh.
 */
public final class SocialBench {
  private static final String PASSWORD = "correct horse battery";

  public static void main(String[] args) throws Exception {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int followersPerNode = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int followed = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
    int postsEach = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    System.out.printf("machine: %d cores, %s; every node and the load in one JVM, SQLite%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
    List<Path> dirs = new ArrayList<>();
    List<OpenRedNode> running = new ArrayList<>();
    try {
      List<TestNodes.Spec> specs = new ArrayList<>();
      for (int i = 0; i <= nodes; i++) {
        Path dir = TestNodes.tempDir("bench-social-" + i);
        dirs.add(dir);
        specs.add(new TestNodes.Spec().dataDir(dir).flag(Option.DOMAIN, "n" + i + ".test").flag(Option.LOG_LEVEL, "warn")
            .flag(Option.FEDERATION_RATE, "1000000"));
      }
      for (int i = 0; i <= nodes; i++) {
        StringBuilder peers = new StringBuilder();
        for (int j = 0; j <= nodes; j++) {
          if (j != i) {
            peers.append(peers.isEmpty() ? "" : ",").append("n").append(j).append(".test=http://127.0.0.1:").append(specs.get(j).port());
          }
        }
        specs.get(i).flag(Option.PUBLIC_URL, "http://127.0.0.1:" + specs.get(i).port()).flag(Option.PEERS, peers.toString());
        running.add(specs.get(i).start());
      }
      OpenRedNode origin = running.get(0);
      int originPort = specs.get(0).port();
      String author = ClientApi.session(originPort, "author");
      // 1,000 followers of author@n0.test, 100 on each other node.
      List<Map<String, Object>> originRows = new ArrayList<>();
      for (int i = 1; i <= nodes; i++) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int u = 0; u < followersPerNode; u++) {
          String follower = "f" + u + "@n" + i + ".test";
          rows.add(row(follower, "author@n0.test", "follow", "out"));
          originRows.add(row("author@n0.test", follower, "follow", "in"));
        }
        insertConnections(running.get(i), rows);
      }
      insertConnections(origin, originRows);
      List<Double> fanout = new ArrayList<>();
      for (int round = 0; round < 40; round++) {
        long began = System.nanoTime();
        String postId = new JsonObject(ClientApi.send(originPort, "POST", "/api/v1/posts", author,
            new JsonObject().put("content", "round " + round).put("visibility", "public")).body()).getJsonObject("post").getString("postId");
        for (int i = 1; i <= nodes; i++) {
          while (count(running.get(i), "SELECT COUNT(*) FROM post_refs WHERE post_id = '" + postId + "'") == 0) {
            Thread.sleep(1);
          }
        }
        if (round >= 20) {
          fanout.add((System.nanoTime() - began) / 1e6);
        }
      }
      System.out.printf("fan-out of a public post to %d followers on %d nodes, until every node committed it: p50 %.1f ms, max %.1f ms (20 posts after 20 warm-up)%n",
          nodes * followersPerNode, nodes, percentile(fanout, 50), percentile(fanout, 100));

      // A reader on n0 who follows 1,000 users of n0 with 100 posts each.
      String reader = ClientApi.session(originPort, "reader");
      seedPosts(origin, followed, postsEach);
      List<Map<String, Object>> follows = new ArrayList<>();
      for (int u = 0; u < followed; u++) {
        follows.add(row("reader@n0.test", "w" + u + "@n0.test", "follow", "out"));
      }
      insertConnections(origin, follows);
      System.out.printf("seeded: %d posts, %d connections of the reader%n", count(origin, "SELECT COUNT(*) FROM posts"),
          count(origin, "SELECT COUNT(*) FROM connections WHERE owner = 'reader@n0.test'"));
      double[] local = feed(originPort, reader, 100, 300);
      System.out.printf("feed page of 50, %d followed users, %d posts, contents local: p50 %.1f ms, p99 %.1f ms%n",
          followed, followed * postsEach, local[0], local[1]);

      // The same reader's twin on n1, following the same 1,000 users of n0, whose 100,000 post_shares n1 holds.
      OpenRedNode remote = running.get(1);
      int remotePort = specs.get(1).port();
      String twin = ClientApi.session(remotePort, "twin");
      List<Map<String, Object>> twinFollows = new ArrayList<>();
      List<Map<String, Object>> authorSide = new ArrayList<>();
      for (int u = 0; u < followed; u++) {
        twinFollows.add(row("twin@n1.test", "w" + u + "@n0.test", "follow", "out"));
        authorSide.add(row("w" + u + "@n0.test", "twin@n1.test", "follow", "in"));
      }
      insertConnections(remote, twinFollows);
      insertConnections(origin, authorSide);
      copyRefs(origin, remote);
      double[] fetched = feed(remotePort, twin, 50, 300);
      System.out.printf("feed page of 50, the same posts on another node, contents fetched on demand (each page new, not cached): p50 %.1f ms, p99 %.1f ms%n",
          fetched[0], fetched[1]);
    } finally {
      for (OpenRedNode node : running) {
        TestNodes.await(node.close());
      }
      dirs.forEach(TestNodes::deleteRecursively);
    }
  }

  private static Map<String, Object> row(String owner, String peer, String type, String direction) {
    return Map.of("id", UUID.randomUUID().toString(), "o", owner, "p", peer, "t", type, "d", direction, "now", "2026-12-01T00:00:00.000Z");
  }

  private static void insertConnections(OpenRedNode node, List<Map<String, Object>> rows) {
    TestNodes.await(SqlTemplate.forUpdate(node.database().pool(), "INSERT INTO connections (id, owner, peer, type, direction, state, created_at, updated_at) "
        + "VALUES (#{id}, #{o}, #{p}, #{t}, #{d}, 'active', #{now}, #{now})").executeBatch(rows));
  }

  /** {@code users} authors w0..wN on the node, {@code each} public posts apiece, a minute apart. */
  private static void seedPosts(OpenRedNode node, int users, int each) {
    List<Map<String, Object>> rows = new ArrayList<>();
    long t = java.time.Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    java.time.format.DateTimeFormatter time = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(java.time.ZoneOffset.UTC);
    for (int u = 0; u < users; u++) {
      for (int p = 0; p < each; p++) {
        String at = time.format(java.time.Instant.ofEpochMilli(t + (long) (p * users + u) * 60_000));
        rows.add(Map.of("id", "p" + u + "-" + p, "a", "w" + u, "c", "post " + p + " of w" + u, "at", at));
      }
    }
    for (int i = 0; i < rows.size(); i += 10_000) {
      TestNodes.await(SqlTemplate.forUpdate(node.database().pool(), "INSERT INTO posts (id, author, content, visibility, created_at, updated_at) "
          + "VALUES (#{id}, #{a}, #{c}, 'public', #{at}, #{at})").executeBatch(rows.subList(i, Math.min(rows.size(), i + 10_000))));
    }
  }

  /** What post_share would have left on the other node: the origin's posts as refs. */
  private static void copyRefs(OpenRedNode origin, OpenRedNode remote) {
    List<Map<String, Object>> refs = new ArrayList<>();
    TestNodes.await(SqlTemplate.forQuery(origin.database().pool(), "SELECT id, author, created_at FROM posts WHERE author LIKE 'w%'").execute(Map.of()))
        .forEach(row -> refs.add(Map.of("a", row.getString("author") + "@n0.test", "id", row.getString("id"), "at", row.getString("created_at"))));
    for (int i = 0; i < refs.size(); i += 10_000) {
      TestNodes.await(SqlTemplate.forUpdate(remote.database().pool(), "INSERT INTO post_refs (author, post_id, visibility, digest, excerpt, created_at, updated_at) "
          + "VALUES (#{a}, #{id}, 'public', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', NULL, #{at}, #{at})").executeBatch(refs.subList(i, Math.min(refs.size(), i + 10_000))));
    }
  }

  /** p50 and p99 of {@code timed} feed pages after {@code warmup}, each page the next one (a new cursor). */
  private static double[] feed(int port, String token, int warmup, int timed) {
    List<Double> times = new ArrayList<>();
    String cursor = null;
    for (int i = 0; i < warmup + timed; i++) {
      long began = System.nanoTime();
      HttpResponse<String> page = ClientApi.send(port, "GET", "/api/v1/feed" + (cursor == null ? "" : "?cursor=" + cursor), token, null);
      double ms = (System.nanoTime() - began) / 1e6;
      JsonObject body = new JsonObject(page.body());
      if (page.statusCode() != 200 || body.getJsonArray("posts").size() != 50
          || body.getJsonArray("posts").stream().anyMatch(p -> ((JsonObject) p).getString("content") == null)) {
        throw new IllegalStateException("a feed page came back short or without contents: " + page.statusCode() + " "
            + page.body().substring(0, Math.min(300, page.body().length())));
      }
      cursor = body.getString("next");
      if (i % 100 == 0) {
        System.out.printf("  page %d: %.1f ms%n", i, ms);
      }
      if (i >= warmup) {
        times.add(ms);
      }
    }
    return new double[] {percentile(times, 50), percentile(times, 99)};
  }

  private static long count(OpenRedNode node, String sql) {
    return TestNodes.await(SqlTemplate.forQuery(node.database().pool(), sql).execute(Map.of())).iterator().next().getLong(0);
  }

  private static double percentile(List<Double> values, int p) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
