package org.openred.node;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.openred.kernel.Problem;

/**
 * Checks a client's access token: {username, userId, family, admin} of its holder, or 401. The HTTP
 * layer and the browser bridge use it without knowing which module issues tokens.
 */
@FunctionalInterface
public interface Authenticator {
  Future<JsonObject> verify(String token);

  /** What a node without an accounts module answers: nobody is signed in. */
  Authenticator NOBODY = token -> Future.failedFuture(new Problem(401, "invalid-token", "this node has no accounts"));
}
