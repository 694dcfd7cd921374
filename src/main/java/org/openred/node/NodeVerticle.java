package org.openred.node;

import org.openred.kernel.Software;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.openred.kernel.Addresses;
import org.openred.config.OpenRedConfig;
import org.openred.crypto.CryptoClient;

/**
 * Answers who this node is on {@link Addresses#NODE_DESCRIBE}. The consumer is clustered, so any
 * instance of a node spanning several machines can ask, and is answered by any other.
 */
public final class NodeVerticle extends VerticleBase {
  private final OpenRedConfig config;
  private final String instanceId;

  public NodeVerticle(OpenRedConfig config, String instanceId) {
    this.config = config;
    this.instanceId = instanceId;
  }

  @Override
  public Future<?> start() {
    return new CryptoClient(vertx).publicKeys().compose(keys -> {
      JsonObject description = new JsonObject()
          .put("domain", config.domain())
          .put("node_id", keys.nodeId())
          .put("role", config.role().wireName())
          .put("public_url", config.publicUrl().toString())
          .put("instance_id", instanceId)
          .put("software", new JsonObject().put("name", "openred").put("version", Software.version()));
      return vertx.eventBus().<JsonObject>consumer(Addresses.NODE_DESCRIBE, message -> message.reply(description)).completion();
    });
  }
}
