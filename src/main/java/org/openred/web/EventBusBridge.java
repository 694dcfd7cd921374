package org.openred.web;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import org.openred.kernel.LiveEvents;
import org.openred.kernel.Problem;
import org.openred.node.Authenticator;
import org.openred.config.OpenRedConfig;

import java.net.URI;

/**
 * Live events for browsers (PROTOCOL.md section 8): the SockJS event-bus bridge at {@code /eventbus}.
 * A client may only receive, and only on {@code user.<its own username>}; it proves who it is with
 * its access token in the headers of the register frame (browsers cannot set headers on a
 * WebSocket). Nothing may be sent or published from the browser, so no internal address, the crypto
 * sandbox's least of all, is reachable through the bridge.
 */
public final class EventBusBridge {
  private static final String USER_ADDRESS = "user\\.[a-z0-9][a-z0-9._-]{0,63}";

  private EventBusBridge() {
  }

  public static void mount(Vertx vertx, Router router, OpenRedConfig config, Authenticator authenticator) {
    URI publicUrl = config.publicUrl();
    String origin = publicUrl.getScheme() + "://" + publicUrl.getHost() + (publicUrl.getPort() > 0 ? ":" + publicUrl.getPort() : "");
    // No origin in SockJS's own options: it would allow one origin only (and answer others 500); the check is below.
    SockJSHandlerOptions handlerOptions = new SockJSHandlerOptions().setHeartbeatInterval(25_000)
        .setRegisterWriteHandler(false).setInsertJSESSIONID(false);
    SockJSBridgeOptions bridgeOptions = new SockJSBridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(USER_ADDRESS))
        .setMaxAddressLength(80)
        .setMaxHandlersPerSocket(4)
        .setPingTimeout(60_000);
    // A page from another origin must not ride on a user's credentials (ATTACKS 16, 24): refused here, plainly.
    // The node's own pages are those of its public URL or, when someone reaches it by another name
    // (127.0.0.1 for localhost), of the very host the request names: no other site's page is either.
    router.route("/eventbus/*").handler(ctx -> {
      String claimed = ctx.request().getHeader("Origin");
      HostAndPort host = ctx.request().authority();
      String sameHost = host == null ? null : publicUrl.getScheme() + "://" + host.host() + (host.port() > 0 ? ":" + host.port() : "");
      if (claimed != null && !claimed.equalsIgnoreCase(origin) && !claimed.equalsIgnoreCase(sameHost)) {
        throw new Problem(403, "forbidden-origin", "the event bus serves pages of " + origin + " only");
      }
      ctx.next();
    });
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx, handlerOptions)
        .bridge(bridgeOptions, event -> decide(authenticator, event)));
  }

  private static void decide(Authenticator authenticator, BridgeEvent event) {
    BridgeEventType type = event.type();
    if (type == BridgeEventType.SOCKET_CREATED || type == BridgeEventType.SOCKET_CLOSED || type == BridgeEventType.SOCKET_IDLE
        || type == BridgeEventType.SOCKET_PING || type == BridgeEventType.RECEIVE || type == BridgeEventType.UNREGISTER
        || type == BridgeEventType.SOCKET_ERROR) {
      event.complete(true);
      return;
    }
    if (type != BridgeEventType.REGISTER) {
      event.complete(false); // SEND and PUBLISH: the browser side only listens
      return;
    }
    JsonObject raw = event.getRawMessage();
    String address = raw == null ? null : raw.getString("address");
    JsonObject headers = raw == null ? null : raw.getJsonObject("headers");
    String authorization = headers == null ? null : headers.getString("Authorization");
    if (raw != null) {
      // Client-supplied headers never travel further than this check.
      raw.remove("headers");
      event.setRawMessage(raw);
    }
    String token = Authenticated.bearer(authorization);
    if (address == null || token == null) {
      event.complete(false);
      return;
    }
    authenticator.verify(token)
        .onSuccess(user -> event.complete(address.equals(LiveEvents.address(user.getString("username")))))
        .onFailure(failure -> event.complete(false));
  }
}
