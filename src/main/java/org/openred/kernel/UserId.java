package org.openred.kernel;

import org.openred.config.FederationDomain;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A user of the federation, {@code username@domain} (PROTOCOL.md section 2): the username as this
 * node's accounts allow it (lowercase, 1 to 64 of a-z, 0-9, '.', '_', '-'), the domain normalised.
 * The one parser of user ids: every route, envelope and command reads them through it.
 */
public record UserId(String username, String domain) {
  public static final Pattern USERNAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,63}$");

  public UserId {
    if (username(username) == null || FederationDomain.normalise(domain) == null) {
      throw new IllegalArgumentException("not a user id: " + username + "@" + domain);
    }
  }

  /** The user id a client or a peer sent, normalised; 400 {@code invalid-user-id} when it is not one. */
  public static UserId parse(Object value) {
    String text = value instanceof String s ? s.trim() : "";
    int at = text.lastIndexOf('@');
    String username = at > 0 ? username(text.substring(0, at)) : null;
    String domain = at > 0 ? FederationDomain.normalise(text.substring(at + 1)) : null;
    if (username == null || domain == null) {
      throw new Problem(400, "invalid-user-id", "a user id is username@domain");
    }
    return new UserId(username, domain);
  }

  /** The lowercased username, or null when the value is not one. */
  public static String username(Object value) {
    String username = value instanceof String text ? text.trim().toLowerCase(Locale.ROOT) : null;
    return username != null && USERNAME.matcher(username).matches() ? username : null;
  }

  /** Whether this user's home is the node of {@code domain}. */
  public boolean isOn(String nodeDomain) {
    return domain.equals(nodeDomain);
  }

  @Override
  public String toString() {
    return username + "@" + domain;
  }
}
