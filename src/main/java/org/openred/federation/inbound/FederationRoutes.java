package org.openred.federation.inbound;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.openred.kernel.Addresses;
import org.openred.config.FederationDomain;
import org.openred.config.OpenRedConfig;
import org.openred.federation.EnvelopeTypes;
import org.openred.federation.signature.MalformedSignatureException;
import org.openred.federation.signature.SignatureParams;
import org.openred.node.NodeServices;
import org.openred.node.RouteModule;
import org.openred.web.JsonExchange;
import org.openred.kernel.Problem;
import org.openred.web.SignedRequests;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The federation API (PROTOCOL.md section 5.2) under {@code /federation/v1}: every request passes
 * the domain policy, the per-domain rate limit and the signature check first; the routes then hand
 * envelopes to {@link InboundVerticle} over the event bus.
 */
public final class FederationRoutes implements RouteModule {
  public static final String PREFIX = "/federation/v1";
  private static final String ORIGIN = "openred.federation.origin";
  private static final Pattern TXN_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private final Vertx vertx;
  private final EnvelopeTypes types;
  private final OpenRedConfig config;
  private final SignedRequests signatures;
  private final FederationKeys keys;
  private final Map<String, long[]> windows = new ConcurrentHashMap<>();

  public FederationRoutes(Vertx vertx, NodeServices services, EnvelopeTypes types) {
    this.vertx = vertx;
    this.types = types;
    this.config = services.config();
    this.signatures = new SignedRequests(services);
    this.keys = new FederationKeys(vertx, services);
  }

  /**
   * Every request under the prefix is signed: checked here first, for the module routes after these
   * too. The endpoints of envelope types are looked up per request, so those of a plugin enabled while
   * the node runs are served at once; any other path goes on to the modules' routes.
   */
  @Override
  public void mount(Router router) {
    router.route(PREFIX + "/*").handler(this::authenticate);
    router.put(PREFIX + "/transactions/:txnId").handler(this::transaction);
    router.route(PREFIX + "/*").handler(ctx -> {
      String path = ctx.normalizedPath().substring(PREFIX.length());
      var endpoint = types.endpointAt(ctx.request().method().name(), path);
      if (endpoint.isEmpty()) {
        ctx.next();
      } else {
        single(ctx, endpoint.get().getKey(), endpoint.get().getValue());
      }
    });
  }

  /** The domain (or the registry) that signed a request under {@code /federation/}, for the routes that serve it. */
  public static String origin(RoutingContext ctx) {
    return ctx.get(ORIGIN);
  }

  /** Policy and rate limit on the claimed keyid (cheap), then the full signature check. */
  private void authenticate(RoutingContext ctx) {
    String keyId;
    try {
      keyId = SignatureParams.parseHeader(ctx.request().getHeader("Signature-Input")).keyId();
    } catch (MalformedSignatureException e) {
      throw new Problem(401, "signature-invalid", e.getMessage());
    }
    if (keyId == null || (!keyId.equals(FederationKeys.REGISTRY_KEY_ID) && FederationDomain.normalise(keyId) == null)) {
      throw new Problem(401, "unknown-key", "the keyid must be a federation domain");
    }
    String domain = keyId.toLowerCase();
    if (config.federationDeny().contains(domain)
        || (!config.federationAllow().isEmpty() && !config.federationAllow().contains(domain) && !domain.equals(FederationKeys.REGISTRY_KEY_ID))) {
      throw new Problem(403, "domain-blocked", "this node does not federate with " + domain);
    }
    if (!withinRate(domain)) {
      ctx.response().putHeader("Retry-After", "1");
      throw new Problem(429, "rate-limited", "too many requests from " + domain);
    }
    signatures.verify(ctx, keys).onSuccess(verified -> {
      ctx.put(ORIGIN, verified.keyId().toLowerCase());
      ctx.next();
    }).onFailure(ctx::fail);
  }

  /** A fixed one-second window per domain, per instance. */
  private boolean withinRate(String domain) {
    long second = System.currentTimeMillis() / 1000;
    long[] window = windows.compute(domain, (d, w) -> w == null || w[0] != second ? new long[] {second, 1} : new long[] {second, w[1] + 1});
    if (windows.size() > 10_000) {
      windows.entrySet().removeIf(e -> e.getValue()[0] != second);
    }
    return window[1] <= config.federationRate();
  }

  private void transaction(RoutingContext ctx) {
    String txnId = ctx.pathParam("txnId");
    if (!TXN_ID.matcher(txnId).matches()) {
      throw new Problem(400, "invalid-transaction", "txnId must be 1 to 128 characters of [A-Za-z0-9._:-]");
    }
    JsonObject body = JsonExchange.body(ctx);
    String origin = ctx.get(ORIGIN);
    if (!(body.getValue("origin") instanceof String claimed) || !claimed.toLowerCase().equals(origin)) {
      throw new Problem(403, "origin-mismatch", "the transaction's origin is not the signing domain");
    }
    if (!(body.getValue("envelopes") instanceof JsonArray envelopes) || envelopes.size() > InboundVerticle.MAX_BATCH) {
      throw new Problem(400, "invalid-transaction", "envelopes must be an array of at most " + InboundVerticle.MAX_BATCH);
    }
    receive(origin, txnId, envelopes).onSuccess(answer -> JsonExchange.send(ctx, 200, answer)).onFailure(ctx::fail);
  }

  /** One envelope on its own endpoint; its type (and the conversation the path names) must belong there. */
  private void single(RoutingContext ctx, EnvelopeTypes.Endpoint endpoint, String conversationIdInPath) {
    JsonObject envelope = JsonExchange.body(ctx);
    if (!types.belongs(envelope, endpoint, conversationIdInPath)) {
      throw new Problem(400, "wrong-endpoint", "an envelope of type " + envelope.getValue("type") + " does not belong on " + ctx.request().path());
    }
    String origin = ctx.get(ORIGIN);
    receive(origin, null, new JsonArray().add(envelope)).onSuccess(answer -> {
      JsonObject results = answer.getJsonObject("results");
      JsonObject result = results.isEmpty() ? new JsonObject() : (JsonObject) results.iterator().next().getValue();
      int status = result.getInteger("status", 500);
      if (status >= 400) {
        ctx.fail(new Problem(status, result.getString("type"), result.getString("detail")));
      } else {
        JsonExchange.send(ctx, status, new JsonObject().put("id", envelope.getValue("id")).put("status", "accepted"));
      }
    }).onFailure(ctx::fail);
  }

  private Future<JsonObject> receive(String origin, String txnId, JsonArray envelopes) {
    // The registry routes envelopes of others: then only their own signatures vouch for them.
    String sender = origin.equals(FederationKeys.REGISTRY_KEY_ID) ? null : origin;
    JsonObject request = new JsonObject().put("origin", sender).put("envelopes", envelopes);
    if (txnId != null) {
      request.put("txn_id", txnId).put("origin", origin);
    }
    return vertx.eventBus().<JsonObject>request(Addresses.FEDERATION_RECEIVE, request).map(reply -> reply.body());
  }
}
