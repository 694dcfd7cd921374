package org.openred.social;

import org.openred.crypto.B64u;
import org.openred.crypto.NodeId;
import org.openred.kernel.Problem;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/** The rules of posts: visibilities, content limits, the digest and the excerpt a post_share carries. */
final class Posts {
  static final Set<String> VISIBILITIES = Set.of("public", "friends", "private");
  static final int MAX_CONTENT = 5000;
  static final int EXCERPT = 280;

  private Posts() {
  }

  /** Fixed width, so the text order of two times is their time order (Instant.toString drops zeros). */
  private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
      .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

  static String now() {
    return TIME.format(java.time.Instant.now());
  }

  /** A time another node sent, in this node's fixed width; 400 when it is not an RFC 3339 UTC time. */
  static String time(Object value) {
    try {
      return TIME.format(java.time.Instant.parse((String) value));
    } catch (RuntimeException e) {
      throw new Problem(400, "invalid-payload", "times are RFC 3339 UTC times");
    }
  }

  static String visibility(Object value) {
    if (!(value instanceof String text) || !VISIBILITIES.contains(text)) {
      throw new Problem(400, "invalid-visibility", "visibility is public, friends or private");
    }
    return text;
  }

  static String content(Object value) {
    if (!(value instanceof String text) || text.isBlank() || text.codePointCount(0, text.length()) > MAX_CONTENT
        || text.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
      throw new Problem(400, "invalid-content", "content is text of 1 to " + MAX_CONTENT + " characters");
    }
    return text.strip();
  }

  /** base64url SHA-256 of the content: the metadata says which version of the content it is about. */
  static String digest(String content) {
    return B64u.encode(NodeId.sha256(content.getBytes(StandardCharsets.UTF_8)));
  }

  /** The first characters of a public post, for a feed that has not fetched it yet; nothing of the others. */
  static String excerpt(String content, String visibility) {
    if (!"public".equals(visibility)) {
      return null;
    }
    return content.codePointCount(0, content.length()) <= EXCERPT ? content : content.substring(0, content.offsetByCodePoints(0, EXCERPT));
  }
}
