package org.openred.messaging;

import io.vertx.core.Future;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.kernel.UserId;
import org.openred.node.AccountCleanup;
import org.openred.node.NodeServices;

import java.util.List;
import java.util.Map;

/**
 * A deleted account's conversations: its wrapped session keys gone and its place marked removed, so
 * the others here see that it left; a conversation no one of this node takes part in any more is
 * gone from this node with its messages. The other participants' nodes keep their copies: only a
 * remaining member's browser can rotate the key (PROTOCOL.md section 7), the server holds no key.
 */
final class MessagingAccountCleanup implements AccountCleanup {
  private final NodeServices services;

  MessagingAccountCleanup(NodeServices services) {
    this.services = services;
  }

  @Override
  public String module() {
    return "messaging";
  }

  @Override
  public Future<Void> deleteUser(UserId user) {
    String domainSuffix = "%@" + services.config().domain().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    Map<String, Object> params = Map.of("me", user.toString(), "now", java.time.Instant.now().toString(), "local", domainSuffix);
    // Conversations left without anyone of this node once the user is gone.
    String orphaned = "SELECT conversation_id FROM conversation_participants p WHERE p.user_id = #{me} AND NOT EXISTS ("
        + "SELECT 1 FROM conversation_participants o WHERE o.conversation_id = p.conversation_id AND o.user_id <> #{me} "
        + "AND o.removed_at IS NULL AND o.user_id LIKE #{local} ESCAPE '\\')";
    List<String> statements = List.of(
        "DELETE FROM messages WHERE conversation_id IN (" + orphaned + ")",
        "DELETE FROM message_receipts WHERE conversation_id IN (" + orphaned + ")",
        "DELETE FROM conversation_keys WHERE conversation_id IN (" + orphaned + ")",
        "DELETE FROM conversations WHERE conversation_id IN (" + orphaned + ")",
        "DELETE FROM conversation_participants WHERE conversation_id IN (" + orphaned + ")",
        "DELETE FROM conversation_keys WHERE user_id = #{me}",
        // removed_by stays empty: nobody removed them, they left.
        "UPDATE conversation_participants SET removed_at = #{now} WHERE user_id = #{me} AND removed_at IS NULL");
    return services.database().pool().withTransaction(conn -> {
      Future<Void> done = Future.succeededFuture();
      for (String sql : statements) {
        done = done.compose(ignored -> SqlTemplate.forUpdate(conn, sql).execute(params).mapEmpty());
      }
      return done;
    });
  }
}
