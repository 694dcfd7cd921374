package org.openred.sync;

import io.vertx.core.json.JsonObject;
import org.openred.crypto.B64u;
import org.openred.kernel.Problem;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** A content_sync cursor: each source's own position, as one opaque base64url string. */
final class SyncCursor {
  private SyncCursor() {
  }

  static Map<String, String> parse(Object value) {
    Map<String, String> positions = new HashMap<>();
    if (value == null) {
      return positions;
    }
    try {
      JsonObject json = new JsonObject(new String(B64u.decode((String) value), StandardCharsets.UTF_8));
      json.forEach(entry -> positions.put(entry.getKey(), (String) entry.getValue()));
      return positions;
    } catch (RuntimeException e) {
      throw new Problem(400, "invalid-cursor", "since is null or a cursor from an earlier answer");
    }
  }

  static String format(Map<String, String> positions) {
    return B64u.encode(new JsonObject(new HashMap<>(positions)).encode().getBytes(StandardCharsets.UTF_8));
  }
}
