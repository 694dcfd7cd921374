package org.openred.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import org.openred.crypto.CryptoClient;
import org.openred.federation.signature.RequestSigner;
import org.openred.net.OutboundHttp;
import org.openred.node.NodeServices;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/** Sends a routed envelope on to its target node, signed by the registry (keyid "registry"). */
final class EnvelopeForwarder {
  static final String REGISTRY_KEY_ID = "registry";
  private static final int MAX_ANSWER = 1024 * 1024;

  record Answer(int status, String contentType, Buffer body) {
  }

  private final NodeServices services;
  private final RequestSigner signer;

  EnvelopeForwarder(Vertx vertx, NodeServices services) {
    this.services = services;
    this.signer = new RequestSigner(new CryptoClient(vertx), services.clock());
  }

  Future<Answer> forward(URI apiUrl, String method, String federationPath, Buffer body) {
    String base = OutboundHttp.basePath(apiUrl);
    String path = base + "/federation/v1" + federationPath;
    URI url = apiUrl.resolve(path);
    return services.http().check(apiUrl, false)
        .compose(target -> signer.sign(method, url, body.getBytes(), REGISTRY_KEY_ID).compose(signature -> {
          Map<String, String> headers = new HashMap<>(signature);
          headers.put("Content-Type", "application/json");
          return services.http().send(target, HttpMethod.valueOf(method), path, headers, body, MAX_ANSWER);
        }))
        .map(response -> new Answer(response.status(), response.contentType(), response.body()));
  }
}
