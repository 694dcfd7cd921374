package org.openred.web;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openred.app.OpenRedNode;
import org.openred.testing.TestNodes;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;

/** Clients that hang up, reset connections or send bad bridge frames are not server errors: nothing at ERROR, no stack trace. */
class LogNoiseTest {

  @Test
  @DisplayName("50 WebSockets with bad frames, hung up or reset, and 50 HTTP requests reset mid-body: no ERROR line, no stack trace")
  void clientBehaviourIsNotAnError() throws Exception {
    Path dir = TestNodes.tempDir("noise");
    TestNodes.Spec spec = new TestNodes.Spec().dataDir(dir);
    OpenRedNode node = spec.start();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.setContext(context);
    seen.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(seen);
    try {
      for (int i = 0; i < 50; i++) {
        try (Socket socket = new Socket("127.0.0.1", spec.port())) {
          OutputStream out = socket.getOutputStream();
          out.write(("GET /eventbus/websocket HTTP/1.1\r\nHost: 127.0.0.1:" + spec.port() + "\r\nUpgrade: websocket\r\n"
              + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          readHead(socket.getInputStream());
          String[] frames = {"not json", "[\"unterminated", "{\"type\":\"register\",\"address\":5}", "{\"type\":\"nonsense\"}"};
          out.write(textFrame(frames[i % frames.length]));
          if (i % 3 == 0) {
            out.write(new byte[] {(byte) 0x8f, (byte) 0x80, 1, 2, 3, 4}); // a frame with a reserved opcode
          }
          out.flush();
          Thread.sleep(5);
          if (i % 2 == 0) {
            socket.setSoLinger(true, 0); // reset, as a killed browser tab or a load test's end does
          }
        }
      }
      for (int i = 0; i < 50; i++) {
        try (Socket socket = new Socket("127.0.0.1", spec.port())) {
          socket.getOutputStream().write(("POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              + "Content-Length: 100\r\n\r\n{\"user").getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          socket.setSoLinger(true, 0);
        }
      }
      Thread.sleep(500);
      List<ILoggingEvent> loud = seen.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.ERROR)
          || (event.getLevel().isGreaterOrEqual(Level.WARN) && event.getThrowableProxy() != null)).toList();
      assertTrue(loud.isEmpty(), () -> loud.size() + " loud lines, the first: " + loud.get(0).getLoggerName() + " "
          + loud.get(0).getFormattedMessage() + " " + (loud.get(0).getThrowableProxy() == null ? "" : loud.get(0).getThrowableProxy().getClassName()));
      // The node is unharmed.
      assertEquals(200, org.openred.testing.FakeNode.get(java.net.URI.create("http://127.0.0.1:" + spec.port() + "/api/v1/health")).statusCode());
    } finally {
      root.detachAppender(seen);
      await(node.close());
      TestNodes.deleteRecursively(dir);
    }
  }

  private static void readHead(InputStream in) throws Exception {
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return;
      }
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }

  /** A masked client text frame (RFC 6455 section 5.2), payload under 126 bytes. */
  private static byte[] textFrame(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] mask = {7, 42, 99, 13};
    byte[] frame = new byte[6 + payload.length];
    frame[0] = (byte) 0x81;
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(mask, 0, frame, 2, 4);
    for (int i = 0; i < payload.length; i++) {
      frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    return frame;
  }
}
