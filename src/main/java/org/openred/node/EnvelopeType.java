package org.openred.node;

import java.util.regex.Pattern;

/**
 * An envelope type a module applies: the endpoint that receives it ({@code method} and {@code path}
 * under {@code /federation/v1}; {@code {conversationId}} in a path stands for the payload's) and
 * the module's area, whose inbound address {@code openred.federation.inbound.<area>} gets each
 * stored envelope of the type.
 */
public record EnvelopeType(String type, String method, String path, String area) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
  private static final Pattern PATH = Pattern.compile("(/([a-z0-9_-]+|\\{conversationId}))+");

  public EnvelopeType {
    if (!NAME.matcher(type).matches() || !(method.equals("POST") || method.equals("PUT")) || !PATH.matcher(path).matches()
        || !NAME.matcher(area.replace('-', '_')).matches()) {
      throw new IllegalArgumentException("not an envelope type declaration: " + type + " " + method + " " + path + " -> " + area);
    }
  }
}
