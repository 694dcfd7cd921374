package org.openred.web;

/** RFC 3986 percent-encoding: every {@code %} is followed by two hex digits. */
final class UriSyntax {
  private UriSyntax() {
  }

  static boolean wellEncoded(String text) {
    if (text == null) {
      return true;
    }
    for (int i = text.indexOf('%'); i >= 0; i = text.indexOf('%', i + 1)) {
      if (i + 2 >= text.length() || Character.digit(text.charAt(i + 1), 16) < 0 || Character.digit(text.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
