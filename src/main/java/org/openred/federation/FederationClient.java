package org.openred.federation;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.openred.kernel.Addresses;
import org.openred.crypto.CryptoClient;
import org.openred.federation.signature.RequestSigner;
import org.openred.net.OutboundHttp;
import org.openred.node.NodeServices;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * Signed requests to another node's federation API: the domain is discovered (section 3), the URL
 * checked, the request signed with this node's key (keyid = this node's domain).
 */
public final class FederationClient {
  private final Vertx vertx;
  private final NodeServices services;
  private final RequestSigner signer;

  public FederationClient(Vertx vertx, NodeServices services) {
    this.vertx = vertx;
    this.services = services;
    this.signer = new RequestSigner(new CryptoClient(vertx), services.clock());
  }

  /** {@code path} is under {@code /federation/v1}; {@code body} may be null. */
  public Future<OutboundHttp.Response> send(String domain, HttpMethod method, String path, Buffer body, int maxAnswerBytes) {
    return vertx.eventBus().<JsonObject>request(Addresses.DISCOVERY_RESOLVE, new JsonObject().put("domain", domain))
        .compose(reply -> {
          URI base = URI.create(reply.body().getString("base_url"));
          String fullPath = OutboundHttp.basePath(base) + "/federation/v1" + path;
          boolean trusted = "static".equals(reply.body().getString("source"));
          byte[] bytes = body == null ? null : body.getBytes();
          return services.http().check(base, trusted).compose(target -> signer.sign(method.name(), base.resolve(fullPath), bytes,
              services.config().domain()).compose(signature -> {
            Map<String, String> headers = new HashMap<>(signature);
            if (body != null) {
              headers.put("Content-Type", "application/json");
            }
            return services.http().send(target, method, fullPath, headers, body, maxAnswerBytes);
          }));
        });
  }
}
