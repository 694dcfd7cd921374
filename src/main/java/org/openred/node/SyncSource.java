package org.openred.node;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;

/**
 * What a module offers {@code content_sync} (PROTOCOL.md section 5.2): the envelopes it sent, or would
 * have sent, to the asking node since a cursor, oldest first, limited to what that node's users may
 * see. The sync module asks every running module's source and merges their answers.
 */
public interface SyncSource {
  /** The module's name: each source keeps its own cursor. */
  String module();

  /** Up to {@code limit} envelopes for {@code askingDomain} after {@code cursor} (null: from the start) and the cursor after them. */
  Future<Page> since(String askingDomain, String cursor, int limit);

  record Page(JsonArray events, String next) {
  }
}
