package org.openred.messaging;

import org.openred.accounts.AccountsClient;
import org.openred.kernel.UserId;
import org.openred.social.GraphClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.kernel.Operations;
import org.openred.node.NodeServices;
import org.openred.kernel.Problem;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Conversation envelopes from other nodes (PROTOCOL.md section 5.2), on {@link Addresses#MESSAGING_INBOUND}:
 * applied, idempotently, when their sender is entitled to them (its own users, current participants),
 * in order per conversation; answered with the status of section 5.2 or the problem that refuses them.
 */
public final class InboundConversationsVerticle extends VerticleBase {
  private final NodeServices services;
  private final ConversationStore store;
  private final ConversationQueues queues = new ConversationQueues(this::applyInbound, this::applyMessages);
  private ConversationEvents events;
  private AccountsClient accounts;
  private GraphClient graph;

  public InboundConversationsVerticle(NodeServices services) {
    this.services = services;
    this.store = new ConversationStore(services);
  }

  @Override
  public Future<?> start() {
    events = new ConversationEvents(services.liveEvents());
    accounts = new AccountsClient(vertx);
    graph = new GraphClient(vertx);
    return Operations.serve(vertx, MessagingAddresses.INBOUND, true, LoggerFactory.getLogger(InboundConversationsVerticle.class),
        this::inbound).completion();
  }

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
        case "conversation_rotate" -> applyRotation(sender, envelope.getJsonObject("from").getString("username"), payload).map(status(200));
        default -> Future.failedFuture(new Problem(400, "unsupported-envelope-type", "no conversation envelope of type " + type));
      };
    } catch (ClassCastException | NullPointerException e) {
      // A field its type needs is missing or of another JSON type: say so, not the JVM's wording.
      throw new Problem(400, "invalid-envelope", "the payload lacks a field a " + type + " needs, or has one of the wrong type");
    }
  }

  /** The senders blocked either way with one of this node's participants of the conversation: their messages are refused. */
  private Future<Set<String>> blockedSenders(String conversationId, List<String> senders) {
    return store.currentParticipants(conversationId).compose(participants -> {
      List<Future<List<UserId>>> checks = new ArrayList<>();
      List<UserId> from = senders.stream().map(UserId::parse).toList();
      store.localUsers(participants).forEach(local -> checks.add(graph.blocked(local, from)));
      return Future.all(checks).map(all -> {
        Set<String> blocked = new java.util.HashSet<>();
        checks.forEach(check -> check.result().forEach(user -> blocked.add(user.toString())));
        return blocked;
      });
    });
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
    return accounts.requireLocal(store.localUsers(toAdd.keySet()))
        .compose(ignored -> Future.all(store.localUsers(toAdd.keySet()).stream()
            .map(local -> graph.requireContact(local, List.of(UserId.parse(initiator)))).toList()))
        .compose(ignored -> services.database().pool().withTransaction(conn -> SqlTemplate.forUpdate(conn,
            "INSERT INTO conversations (conversation_id, creator, key_version, created_at, updated_at) "
                + "VALUES (#{id}, #{creator}, #{v}, #{now}, #{now}) ON CONFLICT (conversation_id) DO NOTHING")
        .execute(Map.of("id", id, "creator", initiator, "v", keyVersion, "now", now))
        .compose(inserted -> store.currentParticipants(conn, id).compose(known -> {
          if (!known.isEmpty() && !known.contains(initiator)) {
            return Future.failedFuture(new Problem(403, "not-a-participant", initiator + " does not take part"));
          }
          Map<String, String> newcomers = new LinkedHashMap<>();
          all.stream().filter(user -> !known.contains(user)).forEach(user -> newcomers.put(user, toAdd.get(user)));
          return store.addParticipants(conn, id, newcomers, keyVersion, now, initiator).compose(i -> store.storeKeys(conn, id, toAdd, keyVersion))
              .map(inserted.rowCount() == 1);
        }))))
        .onSuccess(ignored -> events.notify(all, "conversation.updated", id));
  }

  /** From another node's [{userId, encryptedSessionKey}]: the keys wrapped for this node's users. */
  private Map<String, String> localWrappedKeys(JsonArray entries) {
    Map<String, String> wrapped = new LinkedHashMap<>();
    entries.forEach(item -> {
      JsonObject entry = (JsonObject) item;
      String user = ConversationRules.userId(entry.getValue("userId"));
      if (store.local(user)) {
        wrapped.put(user, ConversationRules.wrappedKey(entry.getValue("encryptedSessionKey")));
      }
    });
    return wrapped;
  }

  private Future<Void> applyRotation(String sender, String senderUsername, JsonObject payload) {
    String remover = senderUsername == null ? null : senderUsername + "@" + sender;
    String id = ConversationRules.conversationId(payload.getValue("conversationId"));
    int version = ConversationRules.keyVersion(payload.getValue("keyVersion"));
    List<String> removed = new ArrayList<>();
    payload.getJsonArray("removed").forEach(user -> removed.add(ConversationRules.userId(user)));
    Map<String, String> wrapped = localWrappedKeys(payload.getJsonArray("participants"));
    String now = Instant.now().toString();
    return store.currentParticipants(id).compose(current -> {
      if (current.stream().noneMatch(user -> ConversationRules.domainOf(user).equals(sender))) {
        return Future.failedFuture(new Problem(403, "not-a-participant", sender + " has no user in " + id));
      }
      return services.database().pool().withTransaction(conn -> {
        Future<Void> chain = Future.succeededFuture();
        for (String user : removed) {
          chain = chain.compose(i -> ConversationStore.remove(conn, id, user, remover, now));
        }
        return chain.compose(i -> store.storeKeys(conn, id, wrapped, version)).compose(i -> store.touch(conn, id, version, now));
      }).onSuccess(ignored -> events.notify(current, "conversation.updated", id));
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
    return blockedSenders(id, checked.stream().map(IncomingMessage::senderId).distinct().toList()).compose(blocked -> services.database().pool().withTransaction(conn -> {
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
          if (blocked.contains(message.senderId())) {
            outcomes.set(position, Future.failedFuture(new Problem(403, "blocked", message.senderId() + " is blocked by a participant here, or blocks one")));
          } else if (current == null) {
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
        return rows.isEmpty() ? Future.succeededFuture() : SqlTemplate.forUpdate(conn, ConversationStore.INSERT_MESSAGE).executeBatch(rows).mapEmpty();
      });
    })).compose(committed -> created.isEmpty() ? Future.succeededFuture(outcomes) : store.currentParticipants(id).map(participants -> {
      created.forEach(message -> events.notify(participants, "message.new", id,
          new JsonObject().put("messageId", message.messageId()).put("senderId", message.senderId())));
      return outcomes;
    }));
  }

}
