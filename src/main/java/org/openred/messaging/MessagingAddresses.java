package org.openred.messaging;

import org.openred.kernel.Addresses;

/** The messaging module's event-bus addresses: {caller: userId, ...} from the client API (PROTOCOL.md sections 7, 8). */
public final class MessagingAddresses {
  private MessagingAddresses() {
  }

  public static final String AREA = "messaging";
  public static final String INBOUND = Addresses.inbound(AREA);
  public static final String CREATE = "openred.conversations.create";
  public static final String LIST = "openred.conversations.list";
  public static final String KEYS = "openred.conversations.keys";
  public static final String ADD = "openred.conversations.add";
  public static final String REMOVE = "openred.conversations.remove";
  public static final String POST = "openred.conversations.post";
  public static final String HISTORY = "openred.conversations.history";
  public static final String MEMBERS = "openred.conversations.members";
}
