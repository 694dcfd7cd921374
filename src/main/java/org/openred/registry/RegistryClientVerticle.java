package org.openred.registry;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.openred.crypto.CryptoClient;
import org.openred.crypto.NodePublicKeys;
import org.openred.federation.signature.RequestSigner;
import org.openred.net.OutboundHttp;
import org.openred.node.NodeServices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A node's side of the registry (started with {@code --registry URL}): registers at start (which
 * also re-registers a changed URL or key), heartbeats on a fixed interval, registers again when the
 * registry forgot it, and while the registry is unreachable logs and retries with backoff instead
 * of failing.
 */
public final class RegistryClientVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryClientVerticle.class);
  private static final long FIRST_RETRY_MS = 1_000;
  private static final long MAX_RETRY_MS = 300_000;

  private final NodeServices services;
  private final URI registry;
  private NodePublicKeys keys;
  private RequestSigner signer;
  private long retryDelay = FIRST_RETRY_MS;
  private boolean failing;
  private long timer = -1;

  public RegistryClientVerticle(NodeServices services) {
    this.services = services;
    this.registry = services.config().registryUrl().orElseThrow();
  }

  @Override
  public Future<?> start() {
    CryptoClient crypto = new CryptoClient(vertx);
    signer = new RequestSigner(crypto, services.clock());
    return crypto.publicKeys().onSuccess(loaded -> {
      keys = loaded;
      register();
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void register() {
    JsonObject body = new JsonObject()
        .put("node_id", keys.nodeId())
        .put("domain", services.config().domain())
        .put("api_url", services.config().publicUrl().toString())
        .put("keys", new JsonObject().put("sig", keys.signingPublicKey()).put("dh", keys.agreementPublicKey()));
    call("/api/v1/nodes/register", body.toBuffer()).onComplete(result -> {
      if (result.succeeded() && (result.result().status() == 200 || result.result().status() == 201)) {
        recovered("registered with " + registry + " as " + services.config().domain());
        schedule(services.config().registryHeartbeatSeconds() * 1000L, this::heartbeat);
      } else {
        retry("registration", result);
      }
    });
  }

  private void heartbeat() {
    call("/api/v1/nodes/" + keys.nodeId() + "/heartbeat", null).onComplete(result -> {
      if (result.succeeded() && result.result().status() == 204) {
        recovered("heartbeats reach " + registry + " again");
        schedule(services.config().registryHeartbeatSeconds() * 1000L, this::heartbeat);
      } else if (result.succeeded() && result.result().status() == 404) {
        LOG.warn("The registry {} no longer knows this node: registering again", registry);
        register();
      } else {
        retry("heartbeat", result);
      }
    });
  }

  private Future<OutboundHttp.Response> call(String path, Buffer body) {
    String basePath = OutboundHttp.basePath(registry);
    URI url = registry.resolve(basePath + path);
    byte[] bytes = body == null ? null : body.getBytes();
    return services.http().check(registry, true)
        .compose(target -> signer.sign("POST", url, bytes, keys.nodeId()).compose(signature -> {
          Map<String, String> headers = new HashMap<>(signature);
          if (body != null) {
            headers.put("Content-Type", "application/json");
          }
          return services.http().send(target, HttpMethod.POST, basePath + path, headers, body, 64 * 1024);
        }));
  }

  private void recovered(String message) {
    if (failing) {
      LOG.info("Registry: {}", message);
    } else {
      LOG.debug("Registry: {}", message);
    }
    failing = false;
    retryDelay = FIRST_RETRY_MS;
  }

  private void retry(String what, io.vertx.core.AsyncResult<OutboundHttp.Response> result) {
    String why = result.succeeded() ? "answered " + result.result().status() + " " + result.result().body().toString()
        : String.valueOf(result.cause().getMessage());
    if (!failing) {
      LOG.warn("Registry {} at {} failed ({}); retrying with backoff", what, registry, why);
    } else {
      LOG.debug("Registry {} failed again ({}), next try in {} ms", what, why, retryDelay);
    }
    failing = true;
    long delay = retryDelay / 2 + ThreadLocalRandom.current().nextLong(retryDelay / 2 + 1);
    retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS);
    schedule(delay, this::register);
  }

  private void schedule(long delayMs, Runnable action) {
    vertx.cancelTimer(timer);
    timer = vertx.setTimer(Math.max(1, delayMs), id -> action.run());
  }
}
