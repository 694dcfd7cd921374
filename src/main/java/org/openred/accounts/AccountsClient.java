package org.openred.accounts;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openred.kernel.Problem;
import org.openred.kernel.UserId;
import org.openred.node.Authenticator;

import java.util.Collection;

/** What other modules may ask of accounts: who holds a token, whether local users exist. */
public final class AccountsClient implements Authenticator {
  private final Vertx vertx;

  public AccountsClient(Vertx vertx) {
    this.vertx = vertx;
  }

  /** {username, userId, family, admin} of the token's holder; 401 {@code invalid-token} otherwise. */
  @Override
  public Future<JsonObject> verify(String token) {
    return vertx.eventBus().<JsonObject>request(AccountsAddresses.VERIFY, new JsonObject().put("token", token)).map(reply -> reply.body());
  }

  /** Users of this node whose username holds {@code text} (names starting with it first), at most {@code limit}. */
  public Future<java.util.List<UserId>> search(String text, int limit) {
    return vertx.eventBus().<JsonObject>request(AccountsAddresses.SEARCH, new JsonObject().put("q", text).put("limit", limit))
        .map(reply -> reply.body().getJsonArray("userIds").stream().map(UserId::parse).toList());
  }

  /** Succeeds when every one of these users of this node has an account; 404 {@code unknown-user} naming the first that has none. */
  public Future<Void> requireLocal(Collection<UserId> users) {
    if (users.isEmpty()) {
      return Future.succeededFuture();
    }
    JsonArray ids = new JsonArray();
    users.forEach(user -> ids.add(user.toString()));
    return vertx.eventBus().<JsonObject>request(AccountsAddresses.EXISTS, new JsonObject().put("userIds", ids)).compose(reply -> {
      JsonArray missing = reply.body().getJsonArray("missing");
      return missing.isEmpty() ? Future.succeededFuture()
          : Future.failedFuture(new Problem(404, "unknown-user", "no user " + missing.getString(0)));
    });
  }
}
