package org.openred.bus;

/**
 * Every event-bus address OpenRed uses, in one place. Internal addresses are
 * {@code openred.<area>.<verb>}; the only browser-facing ones are {@code user.<username>}.
 */
public final class Addresses {
  private Addresses() {
  }

  /** Crypto sandbox: local consumers only, never bridged to browsers, never reachable across the cluster. */
  public static final String CRYPTO_SIGN = "openred.crypto.sign";
  public static final String CRYPTO_VERIFY = "openred.crypto.verify";
  public static final String CRYPTO_SEAL = "openred.crypto.seal";
  public static final String CRYPTO_OPEN = "openred.crypto.open";
  public static final String CRYPTO_HKDF = "openred.crypto.hkdf";
  public static final String CRYPTO_AGREE = "openred.crypto.agree";
  public static final String CRYPTO_PUBLIC_KEYS = "openred.crypto.public-keys";

  /** Node: answers who this node is; clustered, so any instance of a node can ask any other. */
  public static final String NODE_DESCRIBE = "openred.node.describe";

  /** Registry (role registry or all): node records, PROTOCOL.md section 6a. */
  public static final String REGISTRY_REGISTER = "openred.registry.register";
  public static final String REGISTRY_HEARTBEAT = "openred.registry.heartbeat";
  public static final String REGISTRY_DISCOVER = "openred.registry.discover";

  /** Discovery (node side): from a domain to its federation endpoint and keys, PROTOCOL.md section 3. */
  public static final String DISCOVERY_RESOLVE = "openred.discovery.resolve";

  /**
   * Federation inbound: store and apply received envelopes. Each stored envelope is sent, by the
   * instance that stored it (local only, so a clustered node applies it once), to
   * {@code openred.federation.inbound.<area>} of the module that owns its type, which answers
   * {status: 200, 201 or 202} or fails with the problem that refuses it.
   */
  public static final String FEDERATION_RECEIVE = "openred.federation.receive";
  public static final String FEDERATION_INBOUND = "openred.federation.inbound";
  public static final String MESSAGING_INBOUND = FEDERATION_INBOUND + ".messaging";
  /** Federation outbound: build, sign and queue an envelope; nudge the delivery worker. */
  public static final String FEDERATION_SEND = "openred.federation.send";
  public static final String FEDERATION_OUTBOX_NUDGE = "openred.federation.outbox.nudge";
  public static final String FEDERATION_METRICS = "openred.federation.metrics";

  /** Accounts: a local user's published keys ({userId}), used by the federation API. */
  public static final String ACCOUNTS_PUBLIC_KEY = "openred.accounts.public-key";
  public static final String ACCOUNTS_REGISTER = "openred.accounts.register";
  public static final String ACCOUNTS_LOGIN = "openred.accounts.login";
  public static final String ACCOUNTS_REFRESH = "openred.accounts.refresh";
  public static final String ACCOUNTS_LOGOUT = "openred.accounts.logout";
  /** User keys: {username, sig, dh, replace?} to publish one's own; {userId} for anyone's, local or remote. */
  public static final String ACCOUNTS_PUT_KEYS = "openred.accounts.put-keys";
  public static final String ACCOUNTS_GET_KEYS = "openred.accounts.get-keys";
  /** {token} -> {username, family}: checks an access token for the HTTP layer and the event-bus bridge. */
  public static final String ACCOUNTS_VERIFY = "openred.accounts.verify";

  /** Conversations and messages (PROTOCOL.md sections 5.2, 7, 8): {caller: userId, ...} from the client API. */
  public static final String CONVERSATIONS_CREATE = "openred.conversations.create";
  public static final String CONVERSATIONS_LIST = "openred.conversations.list";
  public static final String CONVERSATIONS_KEYS = "openred.conversations.keys";
  public static final String CONVERSATIONS_ADD = "openred.conversations.add";
  public static final String CONVERSATIONS_REMOVE = "openred.conversations.remove";
  public static final String CONVERSATIONS_POST = "openred.conversations.post";
  public static final String CONVERSATIONS_HISTORY = "openred.conversations.history";

  /** Prefix of the per-user live event addresses bridged to browsers. */
  public static final String USER_PREFIX = "user.";
}
