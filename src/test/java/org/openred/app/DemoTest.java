package org.openred.app;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openred.config.Option;
import org.openred.testing.ClientApi;
import org.openred.testing.E2eeClient;
import org.openred.testing.FakeNode;
import org.openred.testing.TestNodes;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;

class DemoTest {

  private static String login(int port, Demo.DemoUser user) {
    HttpResponse<String> response = ClientApi.send(port, "POST", "/api/v1/auth/login", null, new JsonObject()
        .put("username", user.userId().substring(0, user.userId().indexOf('@'))).put("password", user.password()));
    assertEquals(200, response.statusCode(), response.body());
    return new JsonObject(response.body()).getString("access_token");
  }

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
      // alice and bob sign in with the passwords the demo printed; alice gets bob's keys through federation.
      assertEquals(List.of("alice@" + a.config().domain(), "bob@" + b.config().domain()),
          demo.users().stream().map(Demo.DemoUser::userId).toList());
      String alice = login(port + 1, demo.users().get(0));
      String bob = login(port + 2, demo.users().get(1));
      assertEquals(204, ClientApi.send(port + 2, "PUT", "/api/v1/keys", bob, new E2eeClient(demo.users().get(1).userId()).publicKeys()).statusCode());
      HttpResponse<String> keys = ClientApi.send(port + 1, "GET", "/api/v1/keys/" + demo.users().get(1).userId(), alice, null);
      assertEquals(200, keys.statusCode(), keys.body());
      assertEquals("http://127.0.0.1:" + (port + 1) + "/", demo.users().get(0).url());
    } finally {
      await(demo.close());
    }
    // A second run keeps the users and says the same passwords.
    Demo.Running again = Demo.start(Map.of(Option.DATA, data.toString(), Option.HTTP_PORT, Integer.toString(port),
        Option.HTTP_HOST, "127.0.0.1", Option.DNS, TestNodes.NO_DNS), Map.of());
    try {
      login(port + 1, again.users().get(0));
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
          java.nio.file.Files.getPosixFilePermissions(data.resolve("demo").resolve("passwords.properties"))));
    } finally {
      await(again.close());
      TestNodes.deleteRecursively(data);
    }
  }
}
