package org.openred.files;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The files table: one row per file, partial until every byte arrived. */
final class FileStore {
  /** Ciphertext bytes of one encrypted chunk: 64 KiB of plaintext and its 16-byte GCM tag (PROTOCOL.md section 7). */
  static final long CHUNK_BYTES = 64 * 1024 + 16;

  private FileStore() {
  }

  static Future<Void> insert(SqlClient client, String id, String owner, long size, String name, String type) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", id);
    params.put("o", owner);
    params.put("s", size);
    params.put("n", name);
    params.put("t", type);
    params.put("c", size == 0 ? 0 : (size + CHUNK_BYTES - 1) / CHUNK_BYTES);
    params.put("now", Instant.now().toString());
    return SqlTemplate.forUpdate(client, "INSERT INTO files (id, owner, size, received, encrypted_name, encrypted_type, chunks, created_at) "
        + "VALUES (#{id}, #{o}, #{s}, 0, #{n}, #{t}, #{c}, #{now})").execute(params).mapEmpty();
  }

  /** Bytes held by the owner, partial files counted at their announced size (reserved). */
  static Future<Long> used(SqlClient client, String owner) {
    return SqlTemplate.forQuery(client, "SELECT COALESCE(SUM(size), 0) AS used FROM files WHERE owner = #{o}").execute(Map.of("o", owner))
        .map(rows -> rows.iterator().next().getLong("used"));
  }

  /** The owner's file by id, or null (someone else's is null too). */
  static Future<JsonObject> owned(SqlClient client, String owner, String id) {
    return SqlTemplate.forQuery(client, "SELECT * FROM files WHERE id = #{id} AND owner = #{o}").execute(Map.of("id", id, "o", owner))
        .map(rows -> rows.size() == 0 ? null : view(rows.iterator().next()));
  }

  static Future<JsonArray> list(SqlClient client, String owner) {
    return SqlTemplate.forQuery(client, "SELECT * FROM files WHERE owner = #{o} ORDER BY created_at DESC").execute(Map.of("o", owner))
        .map(rows -> {
          JsonArray files = new JsonArray();
          rows.forEach(row -> files.add(view(row)));
          return files;
        });
  }

  /** What arrived so far; complete once it is the whole size. */
  static Future<Void> received(SqlClient client, String id, long received, boolean complete) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", id);
    params.put("r", received);
    params.put("now", complete ? Instant.now().toString() : null);
    return SqlTemplate.forUpdate(client, "UPDATE files SET received = #{r}, completed_at = #{now} WHERE id = #{id}").execute(params).mapEmpty();
  }

  static Future<Void> delete(SqlClient client, String id) {
    return SqlTemplate.forUpdate(client, "DELETE FROM files WHERE id = #{id}").execute(Map.of("id", id)).mapEmpty();
  }

  /** Ids of partial uploads begun before {@code before}, and of every file of {@code owner} when given. */
  static Future<List<String>> ids(SqlClient client, String sql, Map<String, Object> params) {
    return SqlTemplate.forQuery(client, sql).execute(params).map(rows -> {
      List<String> ids = new ArrayList<>();
      rows.forEach(row -> ids.add(row.getString("id")));
      return ids;
    });
  }

  private static JsonObject view(Row row) {
    return new JsonObject().put("fileId", row.getString("id")).put("size", row.getLong("size")).put("received", row.getLong("received"))
        .put("complete", row.getString("completed_at") != null).put("encryptedName", row.getString("encrypted_name"))
        .put("encryptedType", row.getString("encrypted_type")).put("chunks", row.getLong("chunks"))
        .put("created_at", row.getString("created_at"));
  }
}
