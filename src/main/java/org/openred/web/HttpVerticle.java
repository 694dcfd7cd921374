package org.openred.web;

import org.openred.kernel.Problem;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import org.openred.config.OpenRedConfig;
import org.openred.crypto.CryptoClient;
import org.openred.crypto.NodePublicKeys;
import org.openred.net.AddressPolicy;
import org.openred.kernel.ClientNoiseFilter;
import org.openred.node.Authenticator;
import org.openred.node.NodeServices;
import org.openred.kernel.Readiness;
import org.openred.kernel.Software;
import org.openred.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The HTTP face of a node: the filters and body handling every API request goes through, the routes
 * it is given (the federation API's and each module's, on a router of their own that can be taken
 * away while the node runs), the browser bridge, one problem+json failure path and the static web
 * app. It names no capability.
 */
public final class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  /** The parsed, strictly checked JSON body of a request, put there by {@link #jsonBody}. */
  public static final String JSON_BODY = "openred.json";
  private static final Set<HttpMethod> BODY_METHODS = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

  private final ConnectionGuard guard;
  private final OpenRedConfig config;
  private final Database database;
  private final List<ModuleRoutes> modules;
  private final Authenticator authenticator;
  private final RouteSwitches switches;
  private final List<String> rawBodyPaths;
  private final Map<String, List<Route>> mounted = new HashMap<>();
  private NodePublicKeys keys;
  private JsonObject wellKnown;

  public HttpVerticle(NodeServices services, ConnectionGuard guard, List<ModuleRoutes> modules, Authenticator authenticator,
                      RouteSwitches switches, List<String> rawBodyPaths) {
    this.switches = switches;
    this.rawBodyPaths = List.copyOf(rawBodyPaths);
    this.guard = guard;
    this.config = services.config();
    this.database = services.database();
    this.modules = List.copyOf(modules);
    this.authenticator = authenticator;
  }

  @Override
  public Future<?> stop() {
    switches.unregister(context);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> start() {
    return new CryptoClient(vertx).publicKeys().compose(loaded -> {
      keys = loaded;
      wellKnown = wellKnownDocument(config, keys);
      HttpServer server = vertx.createHttpServer(serverOptions());
      Router router = router();
      switches.register(context, mounted);
      server.connectionHandler(connection -> guard.opened(vertx, connection));
      return server.requestHandler(request -> {
        guard.headReceived(vertx, request);
        // Checked before routing: a path or query that cannot be decoded would fail inside the router as a 500.
        if (!UriSyntax.wellEncoded(request.path()) || !UriSyntax.wellEncoded(request.query())) {
          Problem problem = new Problem(400, "malformed-uri", "the path or query holds a malformed percent-encoding");
          request.response().setStatusCode(400).putHeader("Content-Type", Problem.CONTENT_TYPE).end(problem.toJson(null).encode());
          return;
        }
        router.handle(request);
      }).invalidRequestHandler(HttpVerticle::invalidRequest).listen(config.httpPort(), config.httpHost());
    });
  }

  private HttpServerOptions serverOptions() {
    HttpServerOptions options = new HttpServerOptions()
        .setTcpNoDelay(true)
        .setIdleTimeout(ConnectionGuard.IDLE_TIMEOUT_SECONDS)
        // HTTP/1.1 only: with cleartext HTTP/2 detection on, Vert.x makes the connection (and calls the
        // connection handler that times the request head) only once a first head is decoded.
        .setHttp2ClearTextEnabled(false)
        .setMaxHeaderSize(16 * 1024)
        .setMaxFormAttributeSize(0)
        .setCompressionSupported(true);
    config.tlsCert().ifPresent(cert -> options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
        .setCertPath(cert.toString()).setKeyPath(config.tlsKey().orElseThrow().toString())));
    return options;
  }

  private Router router() {
    Router router = Router.router(vertx);
    router.route().handler(HttpVerticle::securityHeaders);
    for (String api : new String[] {"/api/*", "/federation/*"}) {
      // A raw-body path's module bounds its own request: an upload may rightly take longer than a call.
      io.vertx.core.Handler<RoutingContext> timeout = TimeoutHandler.create(config.requestTimeoutSeconds() * 1000L, 408);
      router.route(api).handler(ctx -> {
        if (raw(ctx.normalizedPath())) {
          ctx.next();
        } else {
          timeout.handle(ctx);
        }
      });
      router.route(api).handler(jsonOnly(HttpVerticle::jsonMediaType));
      router.route(api).handler(jsonOnly(BodyHandler.create(false).setBodyLimit(config.bodyLimit())));
      router.route(api).handler(jsonOnly(HttpVerticle::jsonBody));
    }
    // Every module's filters run on every request, before any route: the kernel's and the modules'.
    for (ModuleRoutes module : modules) {
      List<Route> routes = mounted.computeIfAbsent(module.module(), name -> new ArrayList<>());
      module.filters().get().forEach(filter -> routes.add(router.route().handler(filter)));
    }
    router.get("/api/v1/health").handler(this::health);
    router.get("/metrics").handler(this::metrics);
    if (config.role().runsNode()) {
      router.get("/.well-known/openred").handler(ctx -> ctx.response()
          .putHeader("Content-Type", "application/json")
          .putHeader("Cache-Control", "public, max-age=300")
          .end(wellKnown.encode()));
    }
    // A module's routes go on this router (so a path served for another method still answers 405), each
    // one kept to be disabled and enabled with its module.
    for (ModuleRoutes module : modules) {
      Router recording = recording(router, mounted.computeIfAbsent(module.module(), name -> new ArrayList<>()));
      module.routes().get().forEach(routes -> routes.mount(recording));
    }
    if (config.role().runsNode()) {
      EventBusBridge.mount(vertx, router, config, authenticator);
    }
    router.get("/webjars/sockjs-client/*").handler(StaticHandler.create("META-INF/resources/webjars/sockjs-client").setMaxAgeSeconds(86_400));
    StaticHandler webApp = StaticHandler.create("webroot").setIndexPage("index.html").setDefaultContentEncoding("UTF-8");
    // The web app owns every path but the APIs', so an unknown API path stays a 404.
    router.routeWithRegex("^/(?!api/|federation/|eventbus/).*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(webApp);
    router.route().failureHandler(HttpVerticle::failure);
    for (int status : new int[] {400, 404, 405, 408, 413, 415, 500}) {
      router.errorHandler(status, HttpVerticle::failure);
    }
    return router;
  }

  /** The JSON body chain, but for the paths a module reads bodies of itself. */
  private io.vertx.core.Handler<RoutingContext> jsonOnly(io.vertx.core.Handler<RoutingContext> handler) {
    return ctx -> {
      if (raw(ctx.normalizedPath())) {
        // Paused until the module's route reads it: the token check before it takes a round trip.
        ctx.request().pause();
        ctx.next();
        return;
      }
      handler.handle(ctx);
    };
  }

  /** Whether a module reads this path's body itself. */
  private boolean raw(String path) {
    for (String raw : rawBodyPaths) {
      if (raw.endsWith("/*") ? path.startsWith(raw.substring(0, raw.length() - 1)) : path.equals(raw)) {
        return true;
      }
    }
    return false;
  }

  /** The router, keeping every route a module makes on it. */
  private static Router recording(Router router, List<Route> routes) {
    return (Router) java.lang.reflect.Proxy.newProxyInstance(Router.class.getClassLoader(), new Class<?>[] {Router.class},
        (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(router, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
          if (result instanceof Route route) {
            routes.add(route);
          }
          return result == router ? proxy : result;
        });
  }

  /**
   * A request Netty could not decode (a URI or header too long, a header that is not one): problem
   * JSON like every other refusal, then the connection closes.
   */
  private static void invalidRequest(io.vertx.core.http.HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    Problem problem;
    if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
      problem = new Problem(414, "uri-too-long", "the request line is longer than this server accepts");
    } else if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
      problem = new Problem(431, "headers-too-large", "the request headers are larger than this server accepts");
    } else {
      problem = new Problem(400, "malformed-request", "the request is not valid HTTP");
    }
    request.response().setStatusCode(problem.status()).putHeader("Content-Type", Problem.CONTENT_TYPE)
        .putHeader("Connection", "close").end(problem.toJson(null).encode());
  }

  /**
   * A body on the API must be JSON, refused with 415 before it is read: the body handler would
   * otherwise decode a form or multipart body itself, and fail on it as a 500.
   */
  private static void jsonMediaType(RoutingContext ctx) {
    var request = ctx.request();
    boolean hasBody = request.headers().contains("Transfer-Encoding")
        || (request.getHeader("Content-Length") != null && !request.getHeader("Content-Length").trim().equals("0"));
    if (BODY_METHODS.contains(request.method()) && hasBody && !isJson(request.getHeader("Content-Type"))) {
      throw new Problem(415, "unsupported-media-type", "send the body as application/json");
    }
    ctx.next();
  }

  private static boolean isJson(String contentType) {
    String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    return mediaType.equals("application/json") || mediaType.endsWith("+json");
  }

  /** Every body on the API must be strict JSON: parsed once here, handlers read {@link #JSON_BODY}. */
  private static void jsonBody(RoutingContext ctx) {
    if (!BODY_METHODS.contains(ctx.request().method()) || ctx.body().length() <= 0) {
      ctx.next();
      return;
    }
    if (!isJson(ctx.request().getHeader("Content-Type"))) {
      throw new Problem(415, "unsupported-media-type", "send the body as application/json");
    }
    ctx.put(JSON_BODY, StrictJson.parseObject(ctx.body().buffer()));
    ctx.next();
  }

  /** Liveness and readiness: 200 only once the whole node is deployed and its storage answers. */
  private void health(RoutingContext ctx) {
    String state = Readiness.state(vertx);
    Future<?> ping = Readiness.READY.equals(state) ? database.ping().timeout(2, java.util.concurrent.TimeUnit.SECONDS)
        : Future.failedFuture(state);
    ping.onComplete(result -> {
      boolean storage = result.succeeded() || !Readiness.READY.equals(state);
      boolean up = result.succeeded();
      JsonObject body = new JsonObject()
          .put("status", up ? "up" : Readiness.READY.equals(state) ? "down" : state)
          .put("role", config.role().wireName())
          .put("domain", config.domain())
          .put("checks", new JsonObject().put("storage", storage ? "up" : "down"));
      ctx.response().setStatusCode(up ? 200 : 503)
          .putHeader("Content-Type", "application/json")
          .putHeader("Cache-Control", "no-store")
          .end(body.encode());
    });
  }

  /**
   * Prometheus text, for the node's admins and for scrapers on loopback: the counters say how busy and
   * how connected the node is, which is nobody else's business.
   */
  private void metrics(RoutingContext ctx) {
    var remote = ctx.request().remoteAddress();
    if (remote != null && AddressPolicy.isLoopbackLiteral(remote.hostAddress())) {
      serveMetrics(ctx);
      return;
    }
    String token = Authenticated.bearer(ctx.request().getHeader("Authorization"));
    if (token == null) {
      throw new Problem(403, "forbidden", "metrics are served to admins and to loopback clients only");
    }
    authenticator.verify(token).onSuccess(user -> {
      if (Authenticated.isAdmin(user)) {
        serveMetrics(ctx);
      } else {
        ctx.fail(new Problem(403, "admin-only", "metrics are served to admins and to loopback clients only"));
      }
    }).onFailure(ctx::fail);
  }

  private void serveMetrics(RoutingContext ctx) {
    Future<JsonObject> delivery = config.role().runsNode()
        ? vertx.eventBus().<JsonObject>request(org.openred.kernel.Addresses.FEDERATION_METRICS, new JsonObject()).map(r -> r.body())
        : Future.succeededFuture(new JsonObject());
    delivery.onSuccess(counters -> {
      StringBuilder text = new StringBuilder("# HELP openred_up 1 while the node serves.\n# TYPE openred_up gauge\nopenred_up 1\n");
      for (String name : new String[] {"queued", "sent", "retried", "failed"}) {
        if (counters.containsKey(name)) {
          text.append("# HELP openred_federation_envelopes_").append(name).append("_total Envelopes ").append(name)
              .append(" by the delivery worker of this process.\n# TYPE openred_federation_envelopes_").append(name)
              .append("_total counter\nopenred_federation_envelopes_").append(name).append("_total ")
              .append(counters.getLong(name)).append('\n');
        }
      }
      ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text.toString());
    }).onFailure(ctx::fail);
  }

  /** The key document of PROTOCOL.md section 3. */
  static JsonObject wellKnownDocument(OpenRedConfig config, NodePublicKeys keys) {
    return new JsonObject()
        .put("domain", config.domain())
        .put("node_id", keys.nodeId())
        .put("federation_url", config.publicUrl() + "/federation/v1")
        .put("keys", new io.vertx.core.json.JsonArray().add(new JsonObject()
            .put("keyid", config.domain())
            .put("alg", "ed25519")
            .put("public_key", keys.signingPublicKey())
            .put("valid_until", keys.signingValidUntil())))
        .put("dh_key", new JsonObject().put("alg", "x25519").put("public_key", keys.agreementPublicKey()))
        .put("software", new JsonObject().put("name", "openred").put("version", Software.version()));
  }

  private static void securityHeaders(RoutingContext ctx) {
    ctx.response().headers()
        .set("X-Content-Type-Options", "nosniff")
        .set("X-Frame-Options", "DENY")
        .set("Referrer-Policy", "no-referrer")
        .set("Content-Security-Policy", "default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
    ctx.next();
  }

  /** The one place errors become responses: problem+json, never a stack trace. */
  static void failure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    Problem problem;
    if (failure instanceof ReplyException reply && reply.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
      // The verticle behind the route is not there (starting, stopping, or its cluster member gone) or did not answer.
      problem = new Problem(503, "unavailable", "the node is busy or restarting; try again in a few seconds");
      ctx.response().putHeader("Retry-After", "5");
    } else if (Problem.from(failure) != null) {
      problem = Problem.from(failure);
    } else if (failure instanceof HttpException http) {
      problem = new Problem(http.getStatusCode(), Problem.defaultType(http.getStatusCode()), http.getPayload());
    } else if (failure == null && ctx.statusCode() >= 400) {
      problem = Problem.of(ctx.statusCode());
    } else if (ClientNoiseFilter.clientFault(failure)) {
      // The client hung up or reset the connection mid-request: its doing, and nobody is left to answer.
      LOG.debug("{} {}: the client went away ({})", ctx.request().method(), ctx.request().path(), failure.toString());
      if (!ctx.response().closed()) {
        ctx.response().reset();
      }
      return;
    } else {
      String incident = UUID.randomUUID().toString();
      LOG.error("Internal error {} on {} {}", incident, ctx.request().method(), ctx.request().path(), failure);
      problem = new Problem(500, "internal-error", "internal error, incident " + incident);
    }
    send(ctx, problem);
  }

  private static void send(RoutingContext ctx, Problem problem) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ctx.response().setStatusCode(problem.status()).putHeader("Content-Type", Problem.CONTENT_TYPE);
    if (problem.status() == 401 && !ctx.response().headers().contains("WWW-Authenticate")) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    ctx.response().end(problem.toJson(ctx.request().path()).encode());
  }
}
