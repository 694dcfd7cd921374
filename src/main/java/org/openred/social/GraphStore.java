package org.openred.social;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.store.SqlLists;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The {@code connections} and {@code blocks} tables: the graph as each local user sees it. All ids are full user ids. */
final class GraphStore {
  static final String FRIEND = "friend";
  static final String FOLLOW = "follow";
  static final String OUT = "out";
  static final String IN = "in";
  static final String PENDING = "pending";
  static final String ACTIVE = "active";

  private GraphStore() {
  }

  /** One row: {id, owner, peer, type, direction, state, created_at, updated_at}. */
  record Connection(String id, String owner, String peer, String type, String direction, String state, String since) {
    JsonObject toJson() {
      return new JsonObject().put("id", id).put("userId", peer).put("type", type).put("direction", direction).put("state", state)
          .put("since", since);
    }

    static Connection of(Row row) {
      return new Connection(row.getString("id"), row.getString("owner"), row.getString("peer"), row.getString("type"),
          row.getString("direction"), row.getString("state"), row.getString("updated_at"));
    }
  }

  private static final String COLUMNS = "id, owner, peer, type, direction, state, created_at, updated_at";

  static Future<List<Connection>> between(SqlClient client, String owner, String peer) {
    return SqlTemplate.forQuery(client, "SELECT " + COLUMNS + " FROM connections WHERE owner = #{o} AND peer = #{p}")
        .execute(Map.of("o", owner, "p", peer)).map(GraphStore::list);
  }

  static Future<Connection> byId(SqlClient client, String owner, String id) {
    return SqlTemplate.forQuery(client, "SELECT " + COLUMNS + " FROM connections WHERE id = #{id} AND owner = #{o}")
        .execute(Map.of("id", id, "o", owner)).map(rows -> rows.size() == 0 ? null : Connection.of(rows.iterator().next()));
  }

  static Future<List<Connection>> of(SqlClient client, String owner) {
    return SqlTemplate.forQuery(client, "SELECT " + COLUMNS + " FROM connections WHERE owner = #{o} ORDER BY updated_at DESC")
        .execute(Map.of("o", owner)).map(GraphStore::list);
  }

  /** Inserts the row, or sets its state when it exists; answers its id. */
  static Future<String> put(SqlClient client, String owner, String peer, String type, String direction, String state) {
    String now = Instant.now().toString();
    String id = UUID.randomUUID().toString();
    return SqlTemplate.forUpdate(client, "INSERT INTO connections (" + COLUMNS + ") VALUES (#{id}, #{o}, #{p}, #{t}, #{d}, #{s}, #{now}, #{now}) "
            + "ON CONFLICT (owner, peer, type, direction) DO UPDATE SET state = #{s}, updated_at = #{now}")
        .execute(Map.of("id", id, "o", owner, "p", peer, "t", type, "d", direction, "s", state, "now", now))
        .compose(ignored -> SqlTemplate.forQuery(client, "SELECT id FROM connections WHERE owner = #{o} AND peer = #{p} AND type = #{t} AND direction = #{d}")
            .execute(Map.of("o", owner, "p", peer, "t", type, "d", direction)))
        .map(rows -> rows.iterator().next().getString("id"));
  }

  static Future<Void> delete(SqlClient client, String owner, String peer, String type, String direction) {
    return SqlTemplate.forUpdate(client, "DELETE FROM connections WHERE owner = #{o} AND peer = #{p} AND type = #{t} AND direction = #{d}")
        .execute(Map.of("o", owner, "p", peer, "t", type, "d", direction)).mapEmpty();
  }

  static Future<Void> deleteType(SqlClient client, String owner, String peer, String type) {
    return SqlTemplate.forUpdate(client, "DELETE FROM connections WHERE owner = #{o} AND peer = #{p} AND type = #{t}")
        .execute(Map.of("o", owner, "p", peer, "t", type)).mapEmpty();
  }

  /** Every row between the two, on both sides (the other side's rows exist only when it is local too). */
  static Future<Void> deleteBetween(SqlClient client, String a, String b) {
    return SqlTemplate.forUpdate(client, "DELETE FROM connections WHERE (owner = #{a} AND peer = #{b}) OR (owner = #{b} AND peer = #{a})")
        .execute(Map.of("a", a, "b", b)).mapEmpty();
  }

  static Future<Boolean> blockedEitherWay(SqlClient client, String a, String b) {
    return SqlTemplate.forQuery(client, "SELECT 1 FROM blocks WHERE (blocker = #{a} AND blocked = #{b}) OR (blocker = #{b} AND blocked = #{a})")
        .execute(Map.of("a", a, "b", b)).map(rows -> rows.size() > 0);
  }

  static Future<Void> block(SqlClient client, String blocker, String blocked) {
    return SqlTemplate.forUpdate(client, "INSERT INTO blocks (blocker, blocked, created_at) VALUES (#{a}, #{b}, #{now}) "
            + "ON CONFLICT (blocker, blocked) DO NOTHING")
        .execute(Map.of("a", blocker, "b", blocked, "now", Instant.now().toString())).mapEmpty();
  }

  static Future<Boolean> unblock(SqlClient client, String blocker, String blocked) {
    return SqlTemplate.forUpdate(client, "DELETE FROM blocks WHERE blocker = #{a} AND blocked = #{b}")
        .execute(Map.of("a", blocker, "b", blocked)).map(result -> result.rowCount() > 0);
  }

  /** Whom {@code owner} blocked, newest first. */
  static Future<List<JsonObject>> blockedBy(SqlClient client, String owner) {
    return SqlTemplate.forQuery(client, "SELECT blocked, created_at FROM blocks WHERE blocker = #{o} ORDER BY created_at DESC")
        .execute(Map.of("o", owner)).map(rows -> {
          List<JsonObject> list = new ArrayList<>();
          rows.forEach(row -> list.add(new JsonObject().put("userId", row.getString("blocked")).put("since", row.getString("created_at"))));
          return list;
        });
  }

  static Future<List<String>> peers(SqlClient client) {
    return client.query("SELECT DISTINCT peer FROM connections").execute().map(rows -> {
      List<String> peers = new ArrayList<>();
      rows.forEach(row -> peers.add(row.getString("peer")));
      return peers;
    });
  }

  /** The local users who see {@code author}'s posts: friends, and followers too when {@code followers}. */
  static Future<List<String>> readersOf(SqlClient client, String author, boolean followers) {
    return SqlTemplate.forQuery(client, "SELECT DISTINCT owner FROM connections WHERE peer = #{p} AND state = 'active' "
            + "AND (type = 'friend'" + (followers ? " OR (type = 'follow' AND direction = 'out')" : "") + ")")
        .execute(Map.of("p", author)).map(rows -> {
          List<String> readers = new ArrayList<>();
          rows.forEach(row -> readers.add(row.getString("owner")));
          return readers;
        });
  }

  /** Those of {@code others} blocked either way with {@code user}. */
  static Future<List<String>> blockedAmong(SqlClient client, String user, List<String> others) {
    if (others.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Map<String, Object> params = new HashMap<>();
    params.put("u", user);
    String in = SqlLists.bind(params, "p", others);
    return SqlTemplate.forQuery(client, "SELECT blocker, blocked FROM blocks WHERE (blocker = #{u} AND blocked IN (" + in + ")) "
        + "OR (blocked = #{u} AND blocker IN (" + in + "))").execute(params).map(rows -> {
          List<String> blocked = new ArrayList<>();
          rows.forEach(row -> blocked.add(row.getString("blocker").equals(user) ? row.getString("blocked") : row.getString("blocker")));
          return blocked;
        });
  }

  /** {other: {friends, following, followed_by, blocked}} for {@code user} and each of {@code others}. */
  static Future<JsonObject> relations(SqlClient client, String user, List<String> others) {
    if (others.isEmpty()) {
      return Future.succeededFuture(new JsonObject());
    }
    Map<String, Object> params = new HashMap<>();
    params.put("u", user);
    String in = SqlLists.bind(params, "p", others);
    Future<List<Connection>> rows = SqlTemplate.forQuery(client, "SELECT " + COLUMNS + " FROM connections WHERE owner = #{u} AND state = 'active' "
        + "AND peer IN (" + in + ")").execute(params).map(GraphStore::list);
    Future<io.vertx.sqlclient.RowSet<Row>> blocks = SqlTemplate.forQuery(client, "SELECT blocker, blocked FROM blocks WHERE "
        + "(blocker = #{u} AND blocked IN (" + in + ")) OR (blocked = #{u} AND blocker IN (" + in + "))").execute(params);
    return Future.all(rows, blocks).map(all -> {
      JsonObject relations = new JsonObject();
      others.forEach(other -> relations.put(other, new JsonObject().put("friends", false).put("following", false)
          .put("followed_by", false).put("blocked", false)));
      for (Connection row : rows.result()) {
        JsonObject r = relations.getJsonObject(row.peer());
        if (row.type().equals(FRIEND)) {
          r.put("friends", true);
        } else if (row.direction().equals(OUT)) {
          r.put("following", true);
        } else {
          r.put("followed_by", true);
        }
      }
      blocks.result().forEach(row -> {
        String other = row.getString("blocker").equals(user) ? row.getString("blocked") : row.getString("blocker");
        relations.getJsonObject(other).put("blocked", true);
      });
      return relations;
    });
  }

  private static List<Connection> list(io.vertx.sqlclient.RowSet<Row> rows) {
    List<Connection> list = new ArrayList<>();
    rows.forEach(row -> list.add(Connection.of(row)));
    return list;
  }
}
