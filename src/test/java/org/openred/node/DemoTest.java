package org.openred.node;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openred.bus.Addresses;
import org.openred.config.Option;
import org.openred.testing.FakeNode;
import org.openred.testing.TestNodes;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;

class DemoTest {

  /** A port whose two successors are free too. */
  private static int threeFreePorts() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = TestNodes.freePort();
      if (port + 2 > 65535) {
        continue;
      }
      try (ServerSocket one = new ServerSocket(port + 1, 1, InetAddress.getLoopbackAddress());
           ServerSocket two = new ServerSocket(port + 2, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no three consecutive free ports");
  }

  @Test
  @DisplayName("demo: a registry and two nodes that register, find each other and federate")
  void demo() throws Exception {
    Path data = TestNodes.tempDir("demo");
    int port = threeFreePorts();
    Demo.Running demo = Demo.start(Map.of(Option.DATA, data.toString(), Option.HTTP_PORT, Integer.toString(port),
        Option.HTTP_HOST, "127.0.0.1", Option.DNS, TestNodes.NO_DNS), Map.of());
    try {
      assertEquals(3, demo.processes().size());
      OpenRedNode a = demo.processes().get(1);
      OpenRedNode b = demo.processes().get(2);
      assertEquals("a.localhost:" + (port + 1), a.config().domain());
      for (OpenRedNode node : demo.processes().subList(1, 3)) {
        URI discover = URI.create("http://127.0.0.1:" + port + "/api/v1/nodes/discover?domain=" + node.config().domain());
        long deadline = System.currentTimeMillis() + 15_000;
        while (new JsonObject(FakeNode.get(discover).body()).getJsonArray("nodes").isEmpty()) {
          assertTrue(System.currentTimeMillis() < deadline, node.config().domain() + " did not register");
          Thread.sleep(100);
        }
      }
      await(a.vertx().eventBus().request(Addresses.FEDERATION_SEND, new JsonObject().put("type", "direct_message")
          .put("to", new JsonObject().put("domain", b.config().domain())).put("payload", new JsonObject())));
      long deadline = System.currentTimeMillis() + 15_000;
      long stored = 0;
      while (stored < 1 && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
        stored = await(SqlTemplate.forQuery(b.database().pool(), "SELECT COUNT(*) FROM inbound_envelopes").execute(Map.of()))
            .iterator().next().getLong(0);
      }
      assertEquals(1, stored);
    } finally {
      await(demo.close());
      TestNodes.deleteRecursively(data);
    }
  }
}
