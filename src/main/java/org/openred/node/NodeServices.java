package org.openred.node;

import io.vertx.core.Future;
import org.openred.cache.SharedCache;
import org.openred.config.OpenRedConfig;
import org.openred.crypto.SignatureChecks;
import org.openred.kernel.LiveEvents;
import org.openred.net.Dns;
import org.openred.net.OutboundHttp;
import org.openred.store.Database;

import java.time.Clock;

/**
 * What one OpenRed process shares among its verticles and modules: configuration, storage, cache,
 * DNS, outbound HTTP, signature checks, the clock and the users' live events.
 */
public record NodeServices(OpenRedConfig config, Database database, SharedCache cache, Dns dns, OutboundHttp http,
                           SignatureChecks signatures, Clock clock, LiveEvents liveEvents) {

  public Future<Void> close() {
    return Future.all(http.close(), dns.close(), cache.close(), signatures.close()).mapEmpty();
  }
}
