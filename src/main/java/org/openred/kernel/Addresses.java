package org.openred.kernel;

/**
 * The kernel's event-bus addresses: the crypto sandbox, the node, discovery, federation and the
 * users' live events. A module's addresses sit beside its client ({@code accounts/AccountsAddresses}).
 * Internal addresses are {@code openred.<area>.<verb>}; the only browser-facing ones are {@code user.<username>}.
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
  /** Federation outbound: build, sign and queue an envelope; nudge the delivery worker. */
  public static final String FEDERATION_SEND = "openred.federation.send";
  public static final String FEDERATION_OUTBOX_NUDGE = "openred.federation.outbox.nudge";
  public static final String FEDERATION_METRICS = "openred.federation.metrics";
  /**
   * Local only: {destination, delivered: [envelope JSON text...], failed: [...]} once a destination
   * accepted envelopes (2xx) or refused them for good: the receipts a module may show its senders.
   */
  public static final String FEDERATION_DELIVERED = "openred.federation.delivered";

  /** Prefix of the per-user live event addresses bridged to browsers. */
  public static final String USER_PREFIX = "user.";
  /** Local only: {userId, event} for every live event published to a user of this node, for observers such as the notifications list. */
  public static final String LIVE_PUBLISHED = "openred.live.published";

  /** Where the stored envelopes of an area's types are sent, local-only, by the instance that stored them. */
  public static String inbound(String area) {
    return FEDERATION_INBOUND + "." + area;
  }
}
