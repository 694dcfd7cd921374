package org.openred.messaging;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.kernel.Operations;
import org.openred.accounts.AccountsClient;
import org.openred.social.GraphClient;
import org.openred.federation.outbox.OutboxWriter;
import org.openred.kernel.UserId;
import org.openred.node.NodeServices;
import org.openred.kernel.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Conversations of this node's users, the client operations (PROTOCOL.md sections 7, 8). The server
 * keeps who takes part, the session keys wrapped for this node's users (opaque to it) and
 * ciphertexts; it refuses messages under an older key version once a newer one is known. Every change
 * meant for other nodes is signed first and written to the outbox in the same transaction as the
 * change. What other nodes send is {@link InboundConversationsVerticle}'s.
 */
public final class ConversationsVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ConversationsVerticle.class);
  private static final int MAX_PAGE = 100;

  private final NodeServices services;
  private final ConversationStore store;
  private ConversationEvents events;
  private OutboxWriter outbox;
  private AccountsClient accounts;
  private GraphClient graph;

  public ConversationsVerticle(NodeServices services) {
    this.services = services;
    this.store = new ConversationStore(services);
  }

  @Override
  public Future<?> start() {
    events = new ConversationEvents(services.liveEvents());
    accounts = new AccountsClient(vertx);
    graph = new GraphClient(vertx);
    return OutboxWriter.load(vertx, services).compose(loaded -> {
      outbox = loaded;
      return Operations.serveAll(vertx, LOG, Map.of(
          MessagingAddresses.CREATE, this::create,
          MessagingAddresses.LIST, this::list,
          MessagingAddresses.KEYS, this::keysOf,
          MessagingAddresses.ADD, this::add,
          MessagingAddresses.REMOVE, this::remove,
          MessagingAddresses.POST, this::post,
          MessagingAddresses.HISTORY, this::history,
          MessagingAddresses.MEMBERS, this::members));
    });
  }

  // ---- client operations ------------------------------------------------------------------

  /** {caller, conversationId?, keyVersion: 1, participants: [{userId, encryptedSessionKey}]} -> {conversationId}. */
  private Future<JsonObject> create(JsonObject body) {
    String caller = body.getString("caller");
    String id = body.getValue("conversationId") == null ? UUID.randomUUID().toString() : ConversationRules.conversationId(body.getValue("conversationId"));
    if (ConversationRules.keyVersion(body.getValue("keyVersion")) != 1) {
      throw new Problem(400, "invalid-key-version", "a new conversation starts at keyVersion 1");
    }
    Map<String, String> wrapped = wrappedKeys(body.getValue("participants"));
    if (!wrapped.containsKey(caller)) {
      throw new Problem(400, "creator-missing", "the creator takes part, with a session key wrapped for itself");
    }
    List<JsonObject> envelopes = new ArrayList<>();
    byDomain(wrapped.keySet()).forEach((remote, users) -> {
      JsonArray toAdd = new JsonArray();
      users.forEach(user -> toAdd.add(new JsonObject().put("userId", user).put("encryptedSessionKey", wrapped.get(user)).put("keyVersion", 1)));
      envelopes.add(envelope("conversation_create", caller, remote, new JsonObject().put("conversationId", id)
          .put("initiatorId", caller).put("allParticipants", new JsonArray(new ArrayList<>(wrapped.keySet())))
          .put("participantsToAdd", toAdd).put("keyVersion", 1)));
    });
    String now = Instant.now().toString();
    return accounts.requireLocal(store.localUsers(wrapped.keySet()))
        .compose(ignored -> graph.requireContact(UserId.parse(caller), others(caller, wrapped.keySet())))
        .compose(ignored -> outbox.write(envelopes, conn -> SqlTemplate.forUpdate(conn,
                "INSERT INTO conversations (conversation_id, creator, key_version, created_at, updated_at) "
                    + "VALUES (#{id}, #{creator}, 1, #{now}, #{now}) ON CONFLICT (conversation_id) DO NOTHING")
            .execute(Map.of("id", id, "creator", caller, "now", now))
            .compose(result -> result.rowCount() == 0
                ? Future.failedFuture(new Problem(409, "conversation-exists", "a conversation with this id exists"))
                : store.addParticipants(conn, id, wrapped, 1, now, caller))))
        .map(ignored -> {
          events.notify(wrapped.keySet(), ConversationEvents.CONVERSATION_UPDATED, id);
          return new JsonObject().put("conversationId", id);
        });
  }

  /**
   * {caller} -> {conversations: [{conversationId, participants, keyVersion, encryptedSessionKey, updated_at, unread}]}, and
   * those the caller was removed from as {conversationId, ended: true, ended_at, removed_by}.
   */
  private Future<JsonObject> list(JsonObject body) {
    String caller = body.getString("caller");
    var pool = services.database().pool();
    Future<List<Row>> mine = store.rows(SqlTemplate.forQuery(pool, "SELECT c.conversation_id, c.key_version, c.updated_at, p.last_read_seq, "
        + "p.removed_at, p.removed_by FROM conversations c JOIN conversation_participants p ON p.conversation_id = c.conversation_id "
        + "WHERE p.user_id = #{u} ORDER BY c.updated_at DESC").execute(Map.of("u", caller)));
    Future<List<Row>> members = store.rows(SqlTemplate.forQuery(pool, "SELECT conversation_id, user_id FROM conversation_participants "
        + "WHERE removed_at IS NULL AND conversation_id IN (SELECT conversation_id FROM conversation_participants "
        + "WHERE user_id = #{u} AND removed_at IS NULL)").execute(Map.of("u", caller)));
    Future<List<Row>> wrapped = store.rows(SqlTemplate.forQuery(pool, "SELECT conversation_id, key_version, encrypted_session_key "
        + "FROM conversation_keys WHERE user_id = #{u}").execute(Map.of("u", caller)));
    Future<List<Row>> unread = store.rows(SqlTemplate.forQuery(pool, "SELECT m.conversation_id, COUNT(*) AS unread FROM messages m "
        + "JOIN conversation_participants p ON p.conversation_id = m.conversation_id AND p.user_id = #{u} "
        + "WHERE m.seq > p.last_read_seq AND m.sender_id <> #{u} GROUP BY m.conversation_id").execute(Map.of("u", caller)));
    return Future.all(mine, members, wrapped, unread).map(all -> {
      Map<String, JsonArray> participants = new HashMap<>();
      members.result().forEach(row -> participants.computeIfAbsent(row.getString("conversation_id"), k -> new JsonArray())
          .add(row.getString("user_id")));
      Map<String, Row> latestKey = new HashMap<>();
      wrapped.result().forEach(row -> latestKey.merge(row.getString("conversation_id"), row,
          (a, b) -> a.getInteger("key_version") >= b.getInteger("key_version") ? a : b));
      Map<String, Long> unreadCounts = new HashMap<>();
      unread.result().forEach(row -> unreadCounts.put(row.getString("conversation_id"), row.getLong("unread")));
      JsonArray conversations = new JsonArray();
      for (Row row : mine.result()) {
        String id = row.getString("conversation_id");
        if (row.getString("removed_at") != null) {
          // Ended for the caller: listed, so it does not vanish, with nothing of what follows.
          conversations.add(new JsonObject().put("conversationId", id).put("participants", new JsonArray()).put("ended", true)
              .put("ended_at", row.getString("removed_at")).put("removed_by", row.getString("removed_by"))
              .put("updated_at", row.getString("removed_at")).put("unread", 0L));
          continue;
        }
        Row key = latestKey.get(id);
        conversations.add(new JsonObject().put("conversationId", id).put("participants", participants.getOrDefault(id, new JsonArray()))
            .put("keyVersion", row.getInteger("key_version"))
            .put("encryptedSessionKey", key == null ? null : key.getString("encrypted_session_key"))
            .put("updated_at", row.getString("updated_at")).put("unread", unreadCounts.getOrDefault(id, 0L)));
      }
      return new JsonObject().put("conversations", conversations);
    });
  }

  /**
   * {caller, conversationId} -> {keys: [{keyVersion, encryptedSessionKey}]}: only the caller's own, and
   * only while the caller takes part (a removed member gets 404, like on every other route).
   */
  private Future<JsonObject> keysOf(JsonObject body) {
    String caller = body.getString("caller");
    String id = ConversationRules.conversationId(body.getValue("conversationId"));
    return store.participant(id, caller).compose(ignored -> store.rows(SqlTemplate.forQuery(services.database().pool(),
            "SELECT key_version, encrypted_session_key FROM conversation_keys WHERE conversation_id = #{id} AND user_id = #{u} "
                + "ORDER BY key_version").execute(Map.of("id", id, "u", caller))))
        .map(rows -> {
          JsonArray list = new JsonArray();
          rows.forEach(row -> list.add(new JsonObject().put("keyVersion", row.getInteger("key_version"))
              .put("encryptedSessionKey", row.getString("encrypted_session_key"))));
          return new JsonObject().put("keys", list);
        });
  }

  /** {caller, conversationId, userId, encryptedSessionKey, keyVersion}: adds a participant under the current key. */
  private Future<JsonObject> add(JsonObject body) {
    String caller = body.getString("caller");
    String id = ConversationRules.conversationId(body.getValue("conversationId"));
    String newcomer = ConversationRules.userId(body.getValue("userId"));
    String key = ConversationRules.wrappedKey(body.getValue("encryptedSessionKey"));
    int version = ConversationRules.keyVersion(body.getValue("keyVersion"));
    return store.participant(id, caller).compose(conversation -> {
      if (conversation.getInteger("key_version") != version) {
        return Future.failedFuture(new Problem(409, "stale-key-version", "the conversation is at key version " + conversation.getInteger("key_version")));
      }
      return store.currentParticipants(id).compose(current -> {
        if (current.contains(newcomer)) {
          return Future.failedFuture(new Problem(409, "already-participant", newcomer + " already takes part"));
        }
        Set<String> all = new LinkedHashSet<>(current);
        all.add(newcomer);
        List<JsonObject> envelopes = new ArrayList<>();
        byDomain(all).forEach((remote, users) -> envelopes.add(envelope("conversation_add", caller, remote, new JsonObject()
            .put("conversationId", id).put("initiatorId", caller).put("allParticipants", new JsonArray(new ArrayList<>(all)))
            .put("keyVersion", version).put("participantsToAdd", users.contains(newcomer)
                ? new JsonArray().add(new JsonObject().put("userId", newcomer).put("encryptedSessionKey", key).put("keyVersion", version))
                : new JsonArray()))));
        String now = Instant.now().toString();
        return accounts.requireLocal(store.localUsers(Set.of(newcomer)))
            .compose(ignored -> graph.requireContact(UserId.parse(caller), List.of(UserId.parse(newcomer))))
            .compose(ignored -> outbox.write(envelopes,
                conn -> store.addParticipants(conn, id, Map.of(newcomer, key), version, now, caller).compose(added -> store.touch(conn, id, version, now))))
            .map(ignored -> {
              events.notify(all, ConversationEvents.CONVERSATION_UPDATED, id);
              return new JsonObject().put("conversationId", id).put("participants", new JsonArray(new ArrayList<>(all)));
            });
      });
    });
  }

  /**
   * {caller, conversationId, userId, keyVersion: next, participants: [{userId, encryptedSessionKey}]}:
   * removes a participant and rotates the key for exactly those who stay.
   */
  private Future<JsonObject> remove(JsonObject body) {
    String caller = body.getString("caller");
    String id = ConversationRules.conversationId(body.getValue("conversationId"));
    String leaving = ConversationRules.userId(body.getValue("userId"));
    int version = ConversationRules.keyVersion(body.getValue("keyVersion"));
    Map<String, String> wrapped = wrappedKeys(body.getValue("participants"));
    return store.participant(id, caller).compose(conversation -> store.currentParticipants(id).compose(current -> {
      if (!current.contains(leaving)) {
        return Future.failedFuture(new Problem(404, "not-a-participant", leaving + " does not take part"));
      }
      if (version != conversation.getInteger("key_version") + 1) {
        return Future.failedFuture(new Problem(409, "stale-key-version", "the next key version is " + (conversation.getInteger("key_version") + 1)));
      }
      Set<String> staying = new LinkedHashSet<>(current);
      staying.remove(leaving);
      if (!wrapped.keySet().equals(staying)) {
        return Future.failedFuture(new Problem(400, "wrong-recipients", "the new key must be wrapped for exactly those who stay"));
      }
      Set<String> told = new LinkedHashSet<>(staying);
      told.add(leaving);
      List<JsonObject> envelopes = new ArrayList<>();
      byDomain(told).forEach((remote, users) -> {
        JsonArray keysThere = new JsonArray();
        users.stream().filter(wrapped::containsKey).forEach(user -> keysThere.add(new JsonObject().put("userId", user)
            .put("encryptedSessionKey", wrapped.get(user))));
        envelopes.add(envelope("conversation_rotate", caller, remote, new JsonObject().put("conversationId", id)
            .put("keyVersion", version).put("removed", new JsonArray().add(leaving)).put("participants", keysThere)));
      });
      String now = Instant.now().toString();
      return outbox.write(envelopes, conn ->
              ConversationStore.remove(conn, id, leaving, caller, now)
                  .compose(ignored -> store.storeKeys(conn, id, wrapped, version))
                  .compose(ignored -> store.touch(conn, id, version, now)))
          .map(ignored -> {
            events.notify(told, ConversationEvents.CONVERSATION_UPDATED, id);
            return new JsonObject().put("conversationId", id).put("keyVersion", version);
          });
    }));
  }

  /** {caller, conversationId, messageId, payload} -> {messageId, created}; 409 stale-key-version. */
  private Future<JsonObject> post(JsonObject body) {
    String caller = body.getString("caller");
    String id = ConversationRules.conversationId(body.getValue("conversationId"));
    if (!(body.getValue("messageId") instanceof String messageId) || !ConversationRules.ID.matcher(messageId).matches()) {
      throw new Problem(400, "invalid-message-id", "messageId is 1 to 128 of [A-Za-z0-9_-]");
    }
    JsonObject payload = body.getValue("payload") instanceof JsonObject p ? p : null;
    int version = ConversationRules.checkPayload(payload, id, caller, messageId);
    return store.participant(id, caller).compose(conversation -> {
      int current = conversation.getInteger("key_version");
      if (version < current) {
        return Future.failedFuture(new Problem(409, "stale-key-version", "the conversation is at key version " + current));
      }
      if (version > current) {
        return Future.failedFuture(new Problem(400, "unknown-key-version", "the conversation is at key version " + current));
      }
      return store.currentParticipants(id).compose(participants -> {
        List<JsonObject> envelopes = new ArrayList<>();
        byDomain(participants).forEach((remote, users) -> envelopes.add(envelope("direct_message", caller, remote, new JsonObject()
            .put("conversationId", id).put("recipients", new JsonArray(users)).put("payload", payload))));
        List<String> domains = new ArrayList<>(byDomain(participants).keySet());
        return graph.requireContact(UserId.parse(caller), others(caller, participants)).compose(ignored -> outbox.write(envelopes,
                conn -> store.storeMessage(conn, id, messageId, caller, version, payload)
                .compose(created -> created ? store.touch(conn, id, version, Instant.now().toString())
                    .compose(touched -> Receipts.pending(conn, id, messageId, domains)).map(true) : Future.succeededFuture(false)),
                created -> created))
            .map(created -> {
              if (created) {
                events.notify(participants, ConversationEvents.MESSAGE_NEW, id, new JsonObject().put("messageId", messageId).put("senderId", caller));
              }
              return new JsonObject().put("messageId", messageId).put("created", created);
            });
      });
    });
  }

  /** {caller, conversationId} -> {members: [{userId, joined_at, added_by, removed_at, removed_by}]}: who came and went, for the timeline. */
  private Future<JsonObject> members(JsonObject body) {
    String caller = body.getString("caller");
    String id = ConversationRules.conversationId(body.getValue("conversationId"));
    return store.participant(id, caller).compose(ignored -> store.members(id)).map(rows -> {
      JsonArray members = new JsonArray();
      rows.forEach(row -> members.add(new JsonObject().put("userId", row.getString("user_id")).put("joined_at", row.getString("joined_at"))
          .put("added_by", row.getString("added_by")).put("removed_at", row.getString("removed_at")).put("removed_by", row.getString("removed_by"))));
      return new JsonObject().put("members", members);
    });
  }

  /** {caller, conversationId, before?, limit?} -> {messages: [...newest first], next}. */
  private Future<JsonObject> history(JsonObject body) {
    String caller = body.getString("caller");
    String id = ConversationRules.conversationId(body.getValue("conversationId"));
    long before = body.getValue("before") instanceof Number n ? n.longValue() : Long.MAX_VALUE;
    int limit = body.getValue("limit") instanceof Integer l ? Math.max(1, Math.min(MAX_PAGE, l)) : 50;
    return store.participant(id, caller).compose(ignored -> store.rows(SqlTemplate.forQuery(services.database().pool(),
            "SELECT seq, message_id, sender_id, payload, received_at FROM messages WHERE conversation_id = #{id} AND seq < #{before} "
                + "ORDER BY seq DESC LIMIT " + (limit + 1)).execute(Map.of("id", id, "before", before))))
        .compose(rows -> {
          JsonArray messages = new JsonArray();
          List<String> own = new ArrayList<>();
          for (int i = 0; i < Math.min(limit, rows.size()); i++) {
            Row row = rows.get(i);
            messages.add(new JsonObject().put("messageId", row.getString("message_id")).put("senderId", row.getString("sender_id"))
                .put("payload", new JsonObject(row.getString("payload"))).put("received_at", row.getString("received_at")));
            if (caller.equals(row.getString("sender_id"))) {
              own.add(row.getString("message_id"));
            }
          }
          Long next = rows.size() > limit ? rows.get(limit - 1).getLong("seq") : null;
          long newest = rows.isEmpty() ? 0 : rows.get(0).getLong("seq");
          Future<Void> read = before == Long.MAX_VALUE && newest > 0
              ? SqlTemplate.forUpdate(services.database().pool(), "UPDATE conversation_participants SET last_read_seq = #{seq} "
                  + "WHERE conversation_id = #{id} AND user_id = #{u} AND last_read_seq < #{seq}")
                  .execute(Map.of("seq", newest, "id", id, "u", caller)).mapEmpty()
              : Future.succeededFuture();
          // The caller's own messages say where they stand with each other node they went to.
          return read.compose(ignored -> Receipts.of(services.database().pool(), id, own)).map(receipts -> {
            messages.forEach(item -> {
              JsonObject message = (JsonObject) item;
              if (caller.equals(message.getString("senderId"))) {
                message.put("delivery", receipts.getOrDefault(message.getString("messageId"), new JsonObject()));
              }
            });
            return new JsonObject().put("messages", messages).put("next", next);
          });
        });
  }

  private static Map<String, String> wrappedKeys(Object value) {
    if (!(value instanceof JsonArray array) || array.isEmpty() || array.size() > ConversationRules.MAX_PARTICIPANTS) {
      throw new Problem(400, "invalid-participants", "participants: 1 to " + ConversationRules.MAX_PARTICIPANTS + " entries");
    }
    Map<String, String> wrapped = new LinkedHashMap<>();
    for (Object item : array) {
      if (!(item instanceof JsonObject entry)) {
        throw new Problem(400, "invalid-participants", "each participant is {userId, encryptedSessionKey}");
      }
      String user = ConversationRules.userId(entry.getValue("userId"));
      if (wrapped.put(user, ConversationRules.wrappedKey(entry.getValue("encryptedSessionKey"))) != null) {
        throw new Problem(400, "invalid-participants", user + " is listed twice");
      }
    }
    return wrapped;
  }

  /** Other nodes' users, grouped by their domain. */
  private Map<String, List<String>> byDomain(Set<String> users) {
    Map<String, List<String>> grouped = new LinkedHashMap<>();
    users.stream().filter(user -> !store.local(user))
        .forEach(user -> grouped.computeIfAbsent(ConversationRules.domainOf(user), d -> new ArrayList<>()).add(user));
    return grouped;
  }

  /** Everyone but the caller: a block between the caller and any of them refuses the operation. */
  private static List<UserId> others(String caller, Set<String> users) {
    return users.stream().filter(user -> !user.equals(caller)).map(UserId::parse).toList();
  }

  private JsonObject envelope(String type, String caller, String toDomain, JsonObject payload) {
    return outbox.envelope(type, UserId.parse(caller).username(), toDomain, payload);
  }
}
