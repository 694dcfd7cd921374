package org.openred.config;

import java.util.Locale;

/** What one OpenRed process runs (PROTOCOL.md section 1). */
public enum Role {
  ALL, REGISTRY, NODE;

  public boolean runsRegistry() {
    return this != NODE;
  }

  public boolean runsNode() {
    return this != REGISTRY;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
