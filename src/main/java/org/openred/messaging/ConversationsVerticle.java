package org.openred.messaging;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.bus.Addresses;
import org.openred.bus.Operations;
import org.openred.federation.NodeEnvelopes;
import org.openred.federation.outbox.Outbox;
import org.openred.node.NodeServices;
import org.openred.web.Problem;
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
import java.util.function.Function;

/**
 * Conversations (PROTOCOL.md sections 5.2, 7, 8). The server keeps who takes part, the session keys
 * wrapped for this node's users (opaque to it) and ciphertexts; it refuses messages under an older
 * key version once a newer one is known. Every change meant for other nodes is signed first and
 * written to the outbox in the same transaction as the change. Envelopes from other nodes arrive on
 * {@link Addresses#MESSAGING_INBOUND} and are applied when their sender is entitled to them.
 */
public final class ConversationsVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ConversationsVerticle.class);
  private static final int MAX_PAGE = 100;

  private final NodeServices services;
  private NodeEnvelopes outgoing;

  public ConversationsVerticle(NodeServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    return NodeEnvelopes.load(vertx, services.config().domain()).compose(loaded -> {
      outgoing = loaded;
      List<MessageConsumer<?>> consumers = List.of(
          serve(Addresses.CONVERSATIONS_CREATE, this::create),
          serve(Addresses.CONVERSATIONS_LIST, this::list),
          serve(Addresses.CONVERSATIONS_KEYS, this::keysOf),
          serve(Addresses.CONVERSATIONS_ADD, this::add),
          serve(Addresses.CONVERSATIONS_REMOVE, this::remove),
          serve(Addresses.CONVERSATIONS_POST, this::post),
          serve(Addresses.CONVERSATIONS_HISTORY, this::history),
          serve(Addresses.MESSAGING_INBOUND, this::inbound));
      return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    });
  }

  private MessageConsumer<JsonObject> serve(String address, Function<JsonObject, Future<JsonObject>> operation) {
    return Operations.serve(vertx, address, true, LOG, operation);
  }

  private String domain() {
    return services.config().domain();
  }

  private boolean local(String userId) {
    return ConversationRules.domainOf(userId).equals(domain());
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
    return localUsersExist(wrapped.keySet()).compose(ignored -> outgoing.signAll(envelopes)).compose(signed -> services.database().pool()
        .withTransaction(conn -> SqlTemplate.forUpdate(conn, "INSERT INTO conversations (conversation_id, creator, key_version, created_at, updated_at) "
                + "VALUES (#{id}, #{creator}, 1, #{now}, #{now}) ON CONFLICT (conversation_id) DO NOTHING")
            .execute(Map.of("id", id, "creator", caller, "now", now))
            .compose(result -> result.rowCount() == 0
                ? Future.failedFuture(new Problem(409, "conversation-exists", "a conversation with this id exists"))
                : addParticipants(conn, id, wrapped, 1, now))
            .compose(ignored -> Outbox.enqueueAll(conn, outboxEntries(signed))))
        .map(ignored -> {
          nudge(signed);
          notifyLocal(wrapped.keySet(), "conversation.updated", id);
          return new JsonObject().put("conversationId", id);
        }));
  }

  /** {caller} -> {conversations: [{conversationId, participants, keyVersion, encryptedSessionKey, updated_at, unread}]}. */
  private Future<JsonObject> list(JsonObject body) {
    String caller = body.getString("caller");
    var pool = services.database().pool();
    Future<List<Row>> mine = rows(SqlTemplate.forQuery(pool, "SELECT c.conversation_id, c.key_version, c.updated_at, p.last_read_seq "
        + "FROM conversations c JOIN conversation_participants p ON p.conversation_id = c.conversation_id "
        + "WHERE p.user_id = #{u} AND p.removed_at IS NULL ORDER BY c.updated_at DESC").execute(Map.of("u", caller)));
    Future<List<Row>> members = rows(SqlTemplate.forQuery(pool, "SELECT conversation_id, user_id FROM conversation_participants "
        + "WHERE removed_at IS NULL AND conversation_id IN (SELECT conversation_id FROM conversation_participants "
        + "WHERE user_id = #{u} AND removed_at IS NULL)").execute(Map.of("u", caller)));
    Future<List<Row>> wrapped = rows(SqlTemplate.forQuery(pool, "SELECT conversation_id, key_version, encrypted_session_key "
        + "FROM conversation_keys WHERE user_id = #{u}").execute(Map.of("u", caller)));
    Future<List<Row>> unread = rows(SqlTemplate.forQuery(pool, "SELECT m.conversation_id, COUNT(*) AS unread FROM messages m "
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
    return participant(id, caller, true).compose(ignored -> rows(SqlTemplate.forQuery(services.database().pool(),
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
    return participant(id, caller, true).compose(conversation -> {
      if (conversation.getInteger("key_version") != version) {
        return Future.failedFuture(new Problem(409, "stale-key-version", "the conversation is at key version " + conversation.getInteger("key_version")));
      }
      return currentParticipants(id).compose(current -> {
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
        return localUsersExist(Set.of(newcomer)).compose(ignored -> outgoing.signAll(envelopes)).compose(signed -> services.database().pool()
            .withTransaction(conn -> addParticipants(conn, id, Map.of(newcomer, key), version, now)
                .compose(ignored -> touch(conn, id, version, now))
                .compose(ignored -> Outbox.enqueueAll(conn, outboxEntries(signed))))
            .map(ignored -> {
              nudge(signed);
              notifyLocal(all, "conversation.updated", id);
              return new JsonObject().put("conversationId", id).put("participants", new JsonArray(new ArrayList<>(all)));
            }));
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
    return participant(id, caller, true).compose(conversation -> currentParticipants(id).compose(current -> {
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
      return outgoing.signAll(envelopes).compose(signed -> services.database().pool().withTransaction(conn ->
              SqlTemplate.forUpdate(conn, "UPDATE conversation_participants SET removed_at = #{now} WHERE conversation_id = #{id} AND user_id = #{u}")
                  .execute(Map.of("now", now, "id", id, "u", leaving))
                  .compose(ignored -> storeKeys(conn, id, wrapped, version))
                  .compose(ignored -> touch(conn, id, version, now))
                  .compose(ignored -> Outbox.enqueueAll(conn, outboxEntries(signed))))
          .map(ignored -> {
            nudge(signed);
            notifyLocal(told, "conversation.updated", id);
            return new JsonObject().put("conversationId", id).put("keyVersion", version);
          }));
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
    return participant(id, caller, true).compose(conversation -> {
      int current = conversation.getInteger("key_version");
      if (version < current) {
        return Future.failedFuture(new Problem(409, "stale-key-version", "the conversation is at key version " + current));
      }
      if (version > current) {
        return Future.failedFuture(new Problem(400, "unknown-key-version", "the conversation is at key version " + current));
      }
      return currentParticipants(id).compose(participants -> {
        List<JsonObject> envelopes = new ArrayList<>();
        byDomain(participants).forEach((remote, users) -> envelopes.add(envelope("direct_message", caller, remote, new JsonObject()
            .put("conversationId", id).put("recipients", new JsonArray(users)).put("payload", payload))));
        return outgoing.signAll(envelopes).compose(signed -> services.database().pool().withTransaction(conn ->
                storeMessage(conn, id, messageId, caller, version, payload).compose(stored -> stored
                    ? Outbox.enqueueAll(conn, outboxEntries(signed)).compose(ignored -> touch(conn, id, version, Instant.now().toString())).map(true)
                    : Future.succeededFuture(false)))
            .map(created -> {
              if (created) {
                nudge(signed);
                notifyLocal(participants, "message.new", id, new JsonObject().put("messageId", messageId).put("senderId", caller));
              }
              return new JsonObject().put("messageId", messageId).put("created", created);
            }));
      });
    });
  }

  /** {caller, conversationId, before?, limit?} -> {messages: [...newest first], next}. */
  private Future<JsonObject> history(JsonObject body) {
    String caller = body.getString("caller");
    String id = ConversationRules.conversationId(body.getValue("conversationId"));
    long before = body.getValue("before") instanceof Number n ? n.longValue() : Long.MAX_VALUE;
    int limit = body.getValue("limit") instanceof Integer l ? Math.max(1, Math.min(MAX_PAGE, l)) : 50;
    return participant(id, caller, true).compose(ignored -> rows(SqlTemplate.forQuery(services.database().pool(),
            "SELECT seq, message_id, sender_id, payload, received_at FROM messages WHERE conversation_id = #{id} AND seq < #{before} "
                + "ORDER BY seq DESC LIMIT " + (limit + 1)).execute(Map.of("id", id, "before", before))))
        .compose(rows -> {
          JsonArray messages = new JsonArray();
          for (int i = 0; i < Math.min(limit, rows.size()); i++) {
            Row row = rows.get(i);
            messages.add(new JsonObject().put("messageId", row.getString("message_id")).put("senderId", row.getString("sender_id"))
                .put("payload", new JsonObject(row.getString("payload"))).put("received_at", row.getString("received_at")));
          }
          Long next = rows.size() > limit ? rows.get(limit - 1).getLong("seq") : null;
          long newest = rows.isEmpty() ? 0 : rows.get(0).getLong("seq");
          Future<Void> read = before == Long.MAX_VALUE && newest > 0
              ? SqlTemplate.forUpdate(services.database().pool(), "UPDATE conversation_participants SET last_read_seq = #{seq} "
                  + "WHERE conversation_id = #{id} AND user_id = #{u} AND last_read_seq < #{seq}")
                  .execute(Map.of("seq", newest, "id", id, "u", caller)).mapEmpty()
              : Future.succeededFuture();
          return read.map(new JsonObject().put("messages", messages).put("next", next));
        });
  }

  // ---- envelopes from other nodes ---------------------------------------------------------------

  private final ConversationQueues queues = new ConversationQueues(this::applyInbound, this::applyMessages);

  private Future<JsonObject> inbound(JsonObject envelope) {
    return queues.submit(envelope);
  }

  /**
   * Applies an envelope from another node, idempotently (the inbound layer may hand one over again
   * after a crash): {status} as PROTOCOL.md section 5.2 answers it, or the problem that refuses it.
   */
  private Future<JsonObject> applyInbound(JsonObject envelope) {
    String type = envelope.getString("type");
    String sender = envelope.getJsonObject("from").getString("domain").toLowerCase();
    JsonObject payload = envelope.getJsonObject("payload");
    try {
      return switch (type) {
        case "conversation_create", "conversation_add" -> applyMembership(sender, payload).map(created -> status(created ? 201 : 200));
        case "conversation_rotate" -> applyRotation(sender, payload).map(status(200));
        default -> Future.failedFuture(new Problem(400, "unsupported-envelope-type", "no conversation envelope of type " + type));
      };
    } catch (ClassCastException | NullPointerException e) {
      // A field its type needs is missing or of another JSON type: say so, not the JVM's wording.
      throw new Problem(400, "invalid-envelope", "the payload lacks a field a " + type + " needs, or has one of the wrong type");
    }
  }

  private static JsonObject status(int status) {
    return new JsonObject().put("status", status);
  }

  /**
   * conversation_create and conversation_add as section 5.2 spells them: the key version is given per
   * entry of participantsToAdd (a payload-level keyVersion, which this node also sends, is read only
   * when no entry is for this node). Answers whether the conversation is new here.
   */
  private Future<Boolean> applyMembership(String sender, JsonObject payload) {
    String id = ConversationRules.conversationId(payload.getValue("conversationId"));
    String initiator = ConversationRules.userId(payload.getValue("initiatorId"));
    if (!ConversationRules.domainOf(initiator).equals(sender)) {
      return Future.failedFuture(new Problem(403, "origin-mismatch", "a node acts only for its own users"));
    }
    Set<String> all = new LinkedHashSet<>();
    payload.getJsonArray("allParticipants").forEach(user -> all.add(ConversationRules.userId(user)));
    if (!all.contains(initiator)) {
      return Future.failedFuture(new Problem(400, "invalid-participants", "allParticipants must hold the initiator"));
    }
    JsonArray entries = payload.getJsonArray("participantsToAdd");
    Map<String, String> toAdd = localWrappedKeys(entries);
    int version = 0;
    for (Object entry : entries) {
      version = Math.max(version, ConversationRules.keyVersion(((JsonObject) entry).getValue("keyVersion")));
    }
    if (version == 0) {
      version = payload.getValue("keyVersion") == null ? 1 : ConversationRules.keyVersion(payload.getValue("keyVersion"));
    }
    if (!all.containsAll(toAdd.keySet())) {
      return Future.failedFuture(new Problem(400, "invalid-participants", "participantsToAdd must be among allParticipants"));
    }
    int keyVersion = version;
    String now = Instant.now().toString();
    return localUsersExist(toAdd.keySet()).compose(ignored -> services.database().pool().withTransaction(conn -> SqlTemplate.forUpdate(conn,
            "INSERT INTO conversations (conversation_id, creator, key_version, created_at, updated_at) "
                + "VALUES (#{id}, #{creator}, #{v}, #{now}, #{now}) ON CONFLICT (conversation_id) DO NOTHING")
        .execute(Map.of("id", id, "creator", initiator, "v", keyVersion, "now", now))
        .compose(inserted -> currentParticipants(conn, id).compose(known -> {
          if (!known.isEmpty() && !known.contains(initiator)) {
            return Future.failedFuture(new Problem(403, "not-a-participant", initiator + " does not take part"));
          }
          Map<String, String> newcomers = new LinkedHashMap<>();
          all.stream().filter(user -> !known.contains(user)).forEach(user -> newcomers.put(user, toAdd.get(user)));
          return addParticipants(conn, id, newcomers, keyVersion, now).compose(i -> storeKeys(conn, id, toAdd, keyVersion))
              .map(inserted.rowCount() == 1);
        }))))
        .onSuccess(ignored -> notifyLocal(all, "conversation.updated", id));
  }

  /** From another node's [{userId, encryptedSessionKey}]: the keys wrapped for this node's users. */
  private Map<String, String> localWrappedKeys(JsonArray entries) {
    Map<String, String> wrapped = new LinkedHashMap<>();
    entries.forEach(item -> {
      JsonObject entry = (JsonObject) item;
      String user = ConversationRules.userId(entry.getValue("userId"));
      if (local(user)) {
        wrapped.put(user, ConversationRules.wrappedKey(entry.getValue("encryptedSessionKey")));
      }
    });
    return wrapped;
  }

  private Future<Void> applyRotation(String sender, JsonObject payload) {
    String id = ConversationRules.conversationId(payload.getValue("conversationId"));
    int version = ConversationRules.keyVersion(payload.getValue("keyVersion"));
    List<String> removed = new ArrayList<>();
    payload.getJsonArray("removed").forEach(user -> removed.add(ConversationRules.userId(user)));
    Map<String, String> wrapped = localWrappedKeys(payload.getJsonArray("participants"));
    String now = Instant.now().toString();
    return currentParticipants(id).compose(current -> {
      if (current.stream().noneMatch(user -> ConversationRules.domainOf(user).equals(sender))) {
        return Future.failedFuture(new Problem(403, "not-a-participant", sender + " has no user in " + id));
      }
      return services.database().pool().withTransaction(conn -> {
        Future<Void> chain = Future.succeededFuture();
        for (String user : removed) {
          chain = chain.compose(i -> SqlTemplate.forUpdate(conn, "UPDATE conversation_participants SET removed_at = #{now} "
              + "WHERE conversation_id = #{id} AND user_id = #{u} AND removed_at IS NULL").execute(Map.of("now", now, "id", id, "u", user)).mapEmpty());
        }
        return chain.compose(i -> storeKeys(conn, id, wrapped, version)).compose(i -> touch(conn, id, version, now));
      }).onSuccess(ignored -> notifyLocal(current, "conversation.updated", id));
    });
  }

  /** One direct_message, checked before anything is written: who sent it, in which conversation, under which key version. */
  private record IncomingMessage(String conversationId, String senderId, String messageId, int keyVersion, JsonObject payload) {
  }

  private IncomingMessage incomingMessage(JsonObject envelope) {
    String sender = envelope.getJsonObject("from").getString("domain").toLowerCase();
    JsonObject payload = envelope.getJsonObject("payload");
    try {
      String id = ConversationRules.conversationId(payload.getValue("conversationId"));
      JsonObject message = payload.getJsonObject("payload");
      JsonObject ad = message.getJsonObject("associatedData");
      String senderId = ConversationRules.userId(ad.getValue("senderId"));
      String messageId = (String) ad.getValue("messageId");
      if (!ConversationRules.domainOf(senderId).equals(sender)) {
        throw new Problem(403, "origin-mismatch", "a node sends only its own users' messages");
      }
      return new IncomingMessage(id, senderId, messageId, ConversationRules.checkPayload(message, id, senderId, messageId), message);
    } catch (ClassCastException | NullPointerException e) {
      throw new Problem(400, "invalid-envelope", "the payload lacks a field a direct_message needs, or has one of the wrong type");
    }
  }

  /**
   * Consecutive direct_messages of one conversation in one transaction: each is refused on its own
   * (its sender not a participant, an older key version, a messageId another sender took) without
   * costing the others; a repeat is accepted again without a second row. Answers each one's outcome.
   */
  private Future<List<Future<JsonObject>>> applyMessages(List<JsonObject> envelopes) {
    List<Future<JsonObject>> outcomes = new ArrayList<>();
    List<IncomingMessage> checked = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    for (JsonObject envelope : envelopes) {
      try {
        checked.add(incomingMessage(envelope));
        positions.add(outcomes.size());
        outcomes.add(null);
      } catch (Problem problem) {
        outcomes.add(Future.failedFuture(problem));
      }
    }
    if (checked.isEmpty()) {
      return Future.succeededFuture(outcomes);
    }
    String id = checked.get(0).conversationId();
    List<IncomingMessage> created = new ArrayList<>();
    return services.database().pool().withTransaction(conn -> {
      Map<String, Integer> versions = new HashMap<>();
      Future<Void> chain = Future.succeededFuture();
      for (String senderId : checked.stream().map(IncomingMessage::senderId).distinct().toList()) {
        chain = chain.compose(ignored -> SqlTemplate.forQuery(conn, "SELECT c.key_version FROM conversations c "
                + "JOIN conversation_participants p ON p.conversation_id = c.conversation_id "
                + "WHERE c.conversation_id = #{id} AND p.user_id = #{u} AND p.removed_at IS NULL").execute(Map.of("id", id, "u", senderId))
            .map(rows -> {
              versions.put(senderId, rows.size() == 0 ? null : rows.iterator().next().getInteger("key_version"));
              return null;
            }));
      }
      // One query for the ids already stored, one batched insert for the new ones.
      Map<String, String> senders = new HashMap<>();
      chain = chain.compose(ignored -> {
        StringBuilder in = new StringBuilder();
        Map<String, Object> params = new HashMap<>();
        params.put("id", id);
        for (int i = 0; i < checked.size(); i++) {
          in.append(i == 0 ? "#{m" : ", #{m").append(i).append('}');
          params.put("m" + i, checked.get(i).messageId());
        }
        return SqlTemplate.forQuery(conn, "SELECT message_id, sender_id FROM messages WHERE conversation_id = #{id} AND message_id IN (" + in + ")")
            .execute(params).map(rows -> {
              rows.forEach(row -> senders.put(row.getString("message_id"), row.getString("sender_id")));
              return null;
            });
      });
      return chain.compose(ignored -> {
        List<Map<String, Object>> rows = new ArrayList<>();
        String now = Instant.now().toString();
        for (int i = 0; i < checked.size(); i++) {
          IncomingMessage message = checked.get(i);
          int position = positions.get(i);
          Integer current = versions.get(message.senderId());
          String stored = senders.get(message.messageId());
          if (current == null) {
            outcomes.set(position, Future.failedFuture(new Problem(403, "not-a-participant", message.senderId() + " does not take part in " + id)));
          } else if (message.keyVersion() < current) {
            outcomes.set(position, Future.failedFuture(new Problem(409, "stale-key-version", "a message under an older key version")));
          } else if (stored != null && !stored.equals(message.senderId())) {
            outcomes.set(position, Future.failedFuture(new Problem(409, "message-id-taken", "another sender used this messageId")));
          } else {
            if (stored == null) {
              senders.put(message.messageId(), message.senderId());
              created.add(message);
              rows.add(Map.of("id", id, "m", message.messageId(), "s", message.senderId(), "v", message.keyVersion(),
                  "p", message.payload().encode(), "now", now));
            }
            outcomes.set(position, Future.succeededFuture(status(202)));
          }
        }
        return rows.isEmpty() ? Future.succeededFuture() : SqlTemplate.forUpdate(conn, INSERT_MESSAGE).executeBatch(rows).mapEmpty();
      });
    }).compose(committed -> created.isEmpty() ? Future.succeededFuture(outcomes) : currentParticipants(id).map(participants -> {
      created.forEach(message -> notifyLocal(participants, "message.new", id,
          new JsonObject().put("messageId", message.messageId()).put("senderId", message.senderId())));
      return outcomes;
    }));
  }

  // ---- storage and helpers ------------------------------------------------------------------

  /** A message this node's user posts: stored once; a repeat of it is no new row; another sender's messageId is 409. */
  private Future<Boolean> storeMessage(SqlConnection conn, String id, String messageId, String sender, int version, JsonObject payload) {
    return storedSender(conn, id, messageId).compose(stored -> {
      if (stored != null) {
        return sender.equals(stored) ? Future.succeededFuture(false)
            : Future.failedFuture(new Problem(409, "message-id-taken", "another sender used this messageId"));
      }
      return insertMessage(conn, id, messageId, sender, version, payload).map(true);
    });
  }

  /** Who sent the message with this id in the conversation, or null when there is none. */
  private static Future<String> storedSender(SqlConnection conn, String id, String messageId) {
    return SqlTemplate.forQuery(conn, "SELECT sender_id FROM messages WHERE conversation_id = #{id} AND message_id = #{m}")
        .execute(Map.of("id", id, "m", messageId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("sender_id"));
  }

  private static final String INSERT_MESSAGE = "INSERT INTO messages (conversation_id, message_id, sender_id, key_version, payload, received_at) "
      + "VALUES (#{id}, #{m}, #{s}, #{v}, #{p}, #{now})";

  private static Future<Void> insertMessage(SqlConnection conn, String id, String messageId, String sender, int version, JsonObject payload) {
    return SqlTemplate.forUpdate(conn, INSERT_MESSAGE)
        .execute(Map.of("id", id, "m", messageId, "s", sender, "v", version, "p", payload.encode(), "now", Instant.now().toString()))
        .mapEmpty();
  }

  private Future<Void> addParticipants(SqlConnection conn, String id, Map<String, String> wrapped, int version, String now) {
    List<Map<String, Object>> rows = new ArrayList<>();
    wrapped.keySet().forEach(user -> rows.add(Map.of("id", id, "u", user, "now", now)));
    Future<Void> inserted = rows.isEmpty() ? Future.succeededFuture() : SqlTemplate.forUpdate(conn,
            "INSERT INTO conversation_participants (conversation_id, user_id, joined_at) VALUES (#{id}, #{u}, #{now}) "
                + "ON CONFLICT (conversation_id, user_id) DO UPDATE SET removed_at = NULL")
        .executeBatch(rows).mapEmpty();
    Map<String, String> localKeys = new LinkedHashMap<>();
    wrapped.forEach((user, key) -> {
      if (key != null && local(user)) {
        localKeys.put(user, key);
      }
    });
    return inserted.compose(ignored -> storeKeys(conn, id, localKeys, version));
  }

  /** Session keys wrapped for this node's users; other nodes' users' keys are theirs to keep. */
  private Future<Void> storeKeys(SqlConnection conn, String id, Map<String, String> wrapped, int version) {
    List<Map<String, Object>> rows = new ArrayList<>();
    wrapped.forEach((user, key) -> {
      if (local(user)) {
        rows.add(Map.of("id", id, "u", user, "v", version, "k", key));
      }
    });
    return rows.isEmpty() ? Future.succeededFuture() : SqlTemplate.forUpdate(conn,
            "INSERT INTO conversation_keys (conversation_id, user_id, key_version, encrypted_session_key) VALUES (#{id}, #{u}, #{v}, #{k}) "
                + "ON CONFLICT (conversation_id, user_id, key_version) DO NOTHING")
        .executeBatch(rows).mapEmpty();
  }

  private Future<Void> touch(SqlConnection conn, String id, int version, String now) {
    return SqlTemplate.forUpdate(conn, "UPDATE conversations SET updated_at = #{now}, key_version = "
            + "CASE WHEN key_version < #{v} THEN #{v} ELSE key_version END WHERE conversation_id = #{id}")
        .execute(Map.of("now", now, "v", version, "id", id)).mapEmpty();
  }

  /** The conversation row when {@code user} takes part (now, or ever when {@code current} is false); 404 otherwise. */
  private Future<Row> participant(String id, String user, boolean current) {
    return SqlTemplate.forQuery(services.database().pool(), "SELECT c.conversation_id, c.key_version FROM conversations c "
            + "JOIN conversation_participants p ON p.conversation_id = c.conversation_id WHERE c.conversation_id = #{id} AND p.user_id = #{u}"
            + (current ? " AND p.removed_at IS NULL" : ""))
        .execute(Map.of("id", id, "u", user))
        .compose(rows -> rows.size() == 0
            // The same answer whether the conversation exists or not: its existence is nobody else's business.
            ? Future.failedFuture(new Problem(404, "unknown-conversation", "no such conversation"))
            : Future.succeededFuture(rows.iterator().next()));
  }

  private Future<Set<String>> currentParticipants(String id) {
    return currentParticipants(services.database().pool(), id);
  }

  /** Who takes part now, in joining order; on the pool, or inside a transaction. */
  private static Future<Set<String>> currentParticipants(io.vertx.sqlclient.SqlClient client, String id) {
    return SqlTemplate.forQuery(client, "SELECT user_id FROM conversation_participants "
            + "WHERE conversation_id = #{id} AND removed_at IS NULL ORDER BY joined_at, user_id")
        .execute(Map.of("id", id)).map(rows -> {
          Set<String> users = new LinkedHashSet<>();
          rows.forEach(row -> users.add(row.getString("user_id")));
          return users;
        });
  }

  private Future<Void> localUsersExist(Set<String> users) {
    List<Future<Void>> checks = new ArrayList<>();
    for (String user : users) {
      if (local(user)) {
        String name = user.substring(0, user.lastIndexOf('@'));
        checks.add(SqlTemplate.forQuery(services.database().pool(), "SELECT 1 FROM users WHERE username = #{u}").execute(Map.of("u", name))
            .compose(rows -> rows.size() == 1 ? Future.<Void>succeededFuture()
                : Future.failedFuture(new Problem(404, "unknown-user", "no user " + user))));
      }
    }
    return Future.all(checks).mapEmpty();
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
    users.stream().filter(user -> !local(user))
        .forEach(user -> grouped.computeIfAbsent(ConversationRules.domainOf(user), d -> new ArrayList<>()).add(user));
    return grouped;
  }

  private JsonObject envelope(String type, String caller, String toDomain, JsonObject payload) {
    return outgoing.create(type, caller.substring(0, caller.lastIndexOf('@')), new JsonObject().put("domain", toDomain), payload);
  }

  private static List<Outbox.Entry> outboxEntries(List<JsonObject> signed) {
    return signed.stream().map(envelope -> new Outbox.Entry(envelope.getJsonObject("to").getString("domain"), envelope)).toList();
  }

  private void nudge(List<JsonObject> signed) {
    signed.stream().map(envelope -> envelope.getJsonObject("to").getString("domain")).distinct()
        .forEach(destination -> vertx.eventBus().send(Addresses.FEDERATION_OUTBOX_NUDGE, destination));
  }

  private void notifyLocal(Iterable<String> users, String type, String conversationId) {
    notifyLocal(users, type, conversationId, new JsonObject());
  }

  /** Live events on {@code user.<username>} for this node's users (bridged to their browsers). */
  private void notifyLocal(Iterable<String> users, String type, String conversationId, JsonObject extra) {
    for (String user : users) {
      if (local(user)) {
        vertx.eventBus().publish(Addresses.USER_PREFIX + user.substring(0, user.lastIndexOf('@')),
            extra.copy().put("type", type).put("conversationId", conversationId));
      }
    }
  }

  private static Future<List<Row>> rows(Future<io.vertx.sqlclient.RowSet<Row>> query) {
    return query.map(set -> {
      List<Row> list = new ArrayList<>();
      set.forEach(list::add);
      return list;
    });
  }
}
