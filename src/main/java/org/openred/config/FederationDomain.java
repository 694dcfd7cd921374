package org.openred.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** A federation domain (PROTOCOL.md section 2): a host name, optionally with :port, compared lowercased. */
public final class FederationDomain {
  private static final Pattern SYNTAX = Pattern.compile(
      "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:[0-9]{1,5})?$");

  private FederationDomain() {
  }

  /** The lowercased domain, or null when it is not one. */
  public static String normalise(String value) {
    if (value == null || value.length() > 260) {
      return null;
    }
    String lower = value.toLowerCase(Locale.ROOT);
    if (!SYNTAX.matcher(lower).matches()) {
      return null;
    }
    int colon = lower.lastIndexOf(':');
    if (colon >= 0) {
      int port = Integer.parseInt(lower.substring(colon + 1));
      if (port < 1 || port > 65535) {
        return null;
      }
    }
    return lower;
  }

  public static boolean isValid(String value) {
    return normalise(value) != null;
  }

  /** The host part, without the port. */
  public static String host(String domain) {
    int colon = domain.lastIndexOf(':');
    return colon < 0 ? domain : domain.substring(0, colon);
  }
}
