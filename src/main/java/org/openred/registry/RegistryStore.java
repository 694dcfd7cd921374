package org.openred.registry;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The registry's node records, on SQLite or PostgreSQL through the same SQL. */
public final class RegistryStore {
  private static final String COLUMNS = "node_id, domain, api_url, sig_key, dh_key, registered_at, updated_at, last_seen";
  private final Pool pool;
  private final SqlTemplate<Map<String, Object>, RowSet<Row>> byNodeId;
  private final SqlTemplate<Map<String, Object>, RowSet<Row>> byDomain;

  public RegistryStore(Pool pool) {
    this.pool = pool;
    this.byNodeId = SqlTemplate.forQuery(pool, "SELECT " + COLUMNS + " FROM registry_nodes WHERE node_id = #{v}");
    this.byDomain = SqlTemplate.forQuery(pool, "SELECT " + COLUMNS + " FROM registry_nodes WHERE domain = #{v}");
  }

  public Future<Optional<NodeRecord>> byNodeId(String nodeId) {
    return one(byNodeId, nodeId);
  }

  public Future<Optional<NodeRecord>> byDomain(String domain) {
    return one(byDomain, domain);
  }

  /** Nodes whose domain starts with {@code prefix}, or whose node_id does, in domain order. */
  public Future<List<NodeRecord>> search(String prefix, int limit) {
    String pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    return SqlTemplate.forQuery(pool, "SELECT " + COLUMNS + " FROM registry_nodes WHERE domain LIKE #{p} ESCAPE '\\' "
            + "OR node_id LIKE #{p} ESCAPE '\\' ORDER BY domain LIMIT #{limit}")
        .execute(Map.of("p", pattern, "limit", limit))
        .map(RegistryStore::all);
  }

  /**
   * Inserts or updates the record of {@code node.nodeId()} in one transaction; answers the previous
   * record, if any. Fails with {@link DomainTakenException} when another node holds the domain.
   */
  public Future<Optional<NodeRecord>> upsert(NodeRecord node) {
    return pool.withTransaction(conn -> SqlTemplate.forQuery(conn,
            "SELECT " + COLUMNS + " FROM registry_nodes WHERE node_id = #{id} OR domain = #{domain}")
        .execute(Map.of("id", node.nodeId(), "domain", node.domain()))
        .compose(rows -> {
          Optional<NodeRecord> previous = Optional.empty();
          for (Row row : rows) {
            NodeRecord existing = NodeRecord.of(row);
            if (!existing.nodeId().equals(node.nodeId())) {
              return Future.failedFuture(new DomainTakenException(node.domain()));
            }
            previous = Optional.of(existing);
          }
          Map<String, Object> values = Map.of("node_id", node.nodeId(), "domain", node.domain(), "api_url", node.apiUrl(),
              "sig_key", node.sigKey(), "dh_key", node.dhKey(), "registered_at", node.registeredAt(),
              "updated_at", node.updatedAt(), "last_seen", node.lastSeen());
          String sql = previous.isPresent()
              ? "UPDATE registry_nodes SET domain = #{domain}, api_url = #{api_url}, sig_key = #{sig_key}, dh_key = #{dh_key}, "
                + "updated_at = #{updated_at}, last_seen = #{last_seen} WHERE node_id = #{node_id}"
              : "INSERT INTO registry_nodes (" + COLUMNS + ") VALUES (#{node_id}, #{domain}, #{api_url}, #{sig_key}, "
                + "#{dh_key}, #{registered_at}, #{updated_at}, #{last_seen})";
          Optional<NodeRecord> answer = previous;
          return SqlTemplate.forUpdate(conn, sql).execute(values).map(ignored -> answer);
        }));
  }

  /** Records a heartbeat; answers the record as it was before, empty when the node is unknown. */
  public Future<Optional<NodeRecord>> heartbeat(String nodeId, String now) {
    return byNodeId(nodeId).compose(existing -> existing.isEmpty() ? Future.succeededFuture(existing)
        : SqlTemplate.forUpdate(pool, "UPDATE registry_nodes SET last_seen = #{now} WHERE node_id = #{id}")
            .execute(Map.of("now", now, "id", nodeId)).map(existing));
  }

  private static Future<Optional<NodeRecord>> one(SqlTemplate<Map<String, Object>, RowSet<Row>> query, String value) {
    return query.execute(Map.of("v", value))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(NodeRecord.of(rows.iterator().next())));
  }

  private static List<NodeRecord> all(RowSet<Row> rows) {
    List<NodeRecord> nodes = new ArrayList<>(rows.size());
    rows.forEach(row -> nodes.add(NodeRecord.of(row)));
    return nodes;
  }

  /** Another node's key already holds this domain. */
  public static final class DomainTakenException extends RuntimeException {
    public DomainTakenException(String domain) {
      super("the domain " + domain + " is registered by another node", null, false, false);
    }
  }
}
