package org.openred.messaging;

import org.openred.node.AccountCleanup;
import org.openred.node.Deployment;
import org.openred.node.EnvelopeType;
import org.openred.node.ModuleContext;
import org.openred.node.OpenRedModule;
import org.openred.node.RouteModule;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** End-to-end encrypted conversations (PROTOCOL.md sections 5.2, 7, 8): the client operations and what other nodes send. */
public final class MessagingModule implements OpenRedModule {
  @Override
  public String name() {
    return MessagingAddresses.AREA;
  }

  @Override
  public boolean hasMigrations() {
    return true;
  }

  @Override
  public List<Deployment> verticles(ModuleContext context) {
    return List.of(Deployment.one(() -> new ConversationsVerticle(context.services())),
        Deployment.one(() -> new InboundConversationsVerticle(context.services())),
        Deployment.one(() -> new ReceiptsVerticle(context.services())));
  }

  @Override
  public List<RouteModule> routes(ModuleContext context) {
    return List.of(new ConversationsRoutes(context.vertx(), context.authenticator()));
  }

  @Override
  public List<EnvelopeType> envelopeTypes() {
    String area = MessagingAddresses.AREA;
    return List.of(new EnvelopeType("direct_message", "POST", "/messages", area),
        new EnvelopeType("conversation_create", "POST", "/conversations", area),
        new EnvelopeType("conversation_add", "POST", "/conversations", area),
        new EnvelopeType("conversation_rotate", "PUT", "/conversations/{conversationId}/session_key", area));
  }

  @Override
  public Set<String> liveEventKinds() {
    return ConversationEvents.KINDS;
  }

  @Override
  public Optional<AccountCleanup> accountCleanup(ModuleContext context) {
    return Optional.of(new MessagingAccountCleanup(context.services()));
  }
}
