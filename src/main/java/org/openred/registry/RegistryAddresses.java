package org.openred.registry;

/** The registry module's event-bus addresses (role registry or all): node records, PROTOCOL.md section 6a. */
public final class RegistryAddresses {
  private RegistryAddresses() {
  }

  public static final String REGISTER = "openred.registry.register";
  public static final String HEARTBEAT = "openred.registry.heartbeat";
  public static final String DISCOVER = "openred.registry.discover";
}
