package org.openred.kernel;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Set;

/**
 * What clients and peers do is not a server error: a WebSocket that closes, a bridge frame that is
 * not JSON, a connection reset by the other side. Vert.x and Netty log those at ERROR with a stack
 * trace (hundreds of lines when a load test's sockets close); this filter turns each into one DEBUG
 * line on {@code openred.connections} and lets every other event through untouched.
 */
public final class ClientNoiseFilter extends TurboFilter {
  private static final String CONNECTIONS = "openred.connections";
  private static final Set<String> CLIENT_FAULTS = Set.of(
      "io.vertx.core.http.HttpClosedException",
      "io.vertx.core.json.DecodeException",
      "io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException",
      "io.netty.handler.codec.http.websocketx.WebSocketHandshakeException",
      "io.netty.handler.codec.CorruptedFrameException",
      "io.netty.handler.codec.DecoderException",
      "io.netty.handler.ssl.NotSslRecordException",
      "javax.net.ssl.SSLHandshakeException");
  private final org.slf4j.Logger connections = LoggerFactory.getLogger(CONNECTIONS);

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable thrown) {
    if (level == null || !level.isGreaterOrEqual(Level.WARN) || logger == null
        || !(logger.getName().startsWith("io.vertx") || logger.getName().startsWith("io.netty"))) {
      return FilterReply.NEUTRAL;
    }
    Throwable cause = thrown != null ? thrown
        : params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last ? last : null;
    if (cause == null || !clientFault(cause)) {
      return FilterReply.NEUTRAL;
    }
    connections.debug("{}: {} ({})", logger.getName(), format, oneLine(cause));
    return FilterReply.DENY;
  }

  /** A peer going away or sending what is not the protocol, anywhere in the cause chain. */
  public static boolean clientFault(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      String name = cause.getClass().getName();
      if (cause instanceof ClosedChannelException || CLIENT_FAULTS.contains(name)) {
        return true;
      }
      if ((cause instanceof IOException || name.equals("io.vertx.core.VertxException")) && closed(cause)) {
        return true;
      }
    }
    return false;
  }

  private static boolean closed(Throwable cause) {
    String message = cause.getMessage() == null ? "" : cause.getMessage().toLowerCase(java.util.Locale.ROOT);
    return message.contains("connection reset") || message.contains("broken pipe") || message.contains("closed");
  }

  private static String oneLine(Throwable cause) {
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
  }
}
