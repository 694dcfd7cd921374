package org.openred.web;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openred.config.Option;
import org.openred.app.OpenRedNode;
import org.openred.testing.FakeNode;
import org.openred.testing.TestNodes;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;

/** Slowloris: heads sent a byte at a time are cut off; one address cannot hold every connection. */
class SlowClientsTest {

  /** Whether the server closed this socket (end of stream or reset), waiting at most a moment. */
  private static boolean closedByServer(Socket socket) {
    try {
      socket.setSoTimeout(50);
      return socket.getInputStream().read() < 0;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @Test
  @DisplayName("30 connections trickling a header byte a second: 10 past the per-address limit closed at once, the rest at the header timeout")
  void slowHeadsAreCutOff() throws Exception {
    Path dir = TestNodes.tempDir("slow");
    TestNodes.Spec spec = new TestNodes.Spec().dataDir(dir).flag(Option.HEADER_TIMEOUT, "2").flag(Option.CONNECTIONS_PER_ADDRESS, "20");
    OpenRedNode node = spec.start();
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 30; i++) {
        Socket socket = new Socket("127.0.0.1", spec.port());
        socket.getOutputStream().write("GET /api/v1/health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        sockets.add(socket);
      }
      Thread.sleep(500);
      assertEquals(10, sockets.stream().filter(SlowClientsTest::closedByServer).count(), "the connections past 20 are closed at once");
      long began = System.nanoTime();
      byte[] header = "X-Slow: ".getBytes(StandardCharsets.US_ASCII);
      boolean allClosed = false;
      while (!allClosed && System.nanoTime() - began < 6_000_000_000L) {
        for (Socket socket : sockets) {
          try {
            socket.getOutputStream().write(header[(int) ((System.nanoTime() / 1_000_000_000L) % header.length)]);
          } catch (IOException closed) {
            // the server hung up: that is the point
          }
        }
        Thread.sleep(1000);
        allClosed = sockets.stream().allMatch(SlowClientsTest::closedByServer);
      }
      long took = (System.nanoTime() - began) / 1_000_000;
      assertTrue(allClosed, "every trickling connection is closed");
      assertTrue(took < 4_500, "within the 2 s header timeout (and a tick): " + took + " ms");
      // Once they are gone, the address may connect again.
      assertEquals(200, FakeNode.get(URI.create("http://127.0.0.1:" + spec.port() + "/api/v1/health")).statusCode());
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
      await(node.close());
      TestNodes.deleteRecursively(dir);
    }
  }
}
