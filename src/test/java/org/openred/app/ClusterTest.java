package org.openred.app;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openred.kernel.Addresses;
import org.openred.config.Option;
import org.openred.crypto.B64u;
import org.openred.testing.TestNodes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;

/** One node spanning two processes-in-a-JVM: Hazelcast on loopback, one PostgreSQL schema, one master key. */
class ClusterTest {
  private final List<OpenRedNode> started = new ArrayList<>();
  private final List<Path> dirs = new ArrayList<>();
  private String db;

  @AfterEach
  void stop() {
    started.forEach(node -> await(node.close()));
    dirs.forEach(TestNodes::deleteRecursively);
    sender.close();
    if (db != null) {
      TestNodes.dropPostgresSchema(db);
    }
  }

  private final org.openred.testing.FakeNode sender = new org.openred.testing.FakeNode("sender.test");

  private OpenRedNode instance(int clusterPort, String members, String masterKey) {
    Path dir = TestNodes.tempDir("cluster");
    dirs.add(dir);
    OpenRedNode node = new TestNodes.Spec().dataDir(dir).flag(Option.DB, db).flag(Option.DOMAIN, "cluster.test")
        .flag(Option.CLUSTER, "true").flag(Option.CLUSTER_HOST, "127.0.0.1")
        .flag(Option.CLUSTER_PORT, Integer.toString(clusterPort)).flag(Option.CLUSTER_MEMBERS, members)
        .flag(Option.PEERS, "sender.test=" + sender.apiUrl()).env(Option.MASTER_KEY, masterKey).start();
    started.add(node);
    return node;
  }

  @Test
  @DisplayName("Two clustered instances share the node's identity and answer each other's event-bus requests")
  void requestAnsweredAcrossInstances() throws Exception {
    db = TestNodes.createPostgresSchema();
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    String masterKey = B64u.encode(secret);
    int portA = TestNodes.freePort();
    int portB = TestNodes.freePort();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    OpenRedNode a = instance(portA, members, masterKey);
    OpenRedNode b = instance(portB, members, masterKey);

    assertEquals(a.keys().nodeId(), b.keys().nodeId(), "both instances hold the node's one key pair");

    Set<String> answeredBy = new HashSet<>();
    for (int i = 0; i < 40 && !answeredBy.contains(a.instanceId()); i++) {
      JsonObject reply = await(b.vertx().eventBus().<JsonObject>request(Addresses.NODE_DESCRIBE, new JsonObject())).body();
      assertEquals(a.keys().nodeId(), reply.getString("node_id"));
      answeredBy.add(reply.getString("instance_id"));
    }
    assertTrue(answeredBy.contains(a.instanceId()), "a request sent on instance B was answered by instance A: " + answeredBy);

    // A signed federation request accepted by A is a replay at B: the nonce is in the cluster's shared data.
    org.openred.testing.ClientApi.session(a.config().httpPort(), "bob");
    byte[] body = sender.envelope("conversation_create", "cluster.test",
        org.openred.testing.Chat.create("clustered", "alice@sender.test", "bob@cluster.test")).toBuffer().getBytes();
    URI target = URI.create("http://cluster.test/federation/v1/conversations");
    java.util.Map<String, String> signature = org.openred.testing.FakeNode.sign(sender.signingPrivate, "sender.test", "POST", target,
        body, java.time.Clock.systemUTC());
    assertEquals(201, org.openred.testing.RawHttp.postAs(a.config().httpPort(), "cluster.test", target.getPath(), signature, body).status());
    org.openred.testing.RawHttp.Response replay =
        org.openred.testing.RawHttp.postAs(b.config().httpPort(), "cluster.test", target.getPath(), signature, body);
    assertEquals(401, replay.status(), replay.body());
    assertEquals("replayed", replay.json().getString("type"));

    HttpClient http = HttpClient.newHttpClient();
    for (OpenRedNode node : List.of(a, b)) {
      HttpResponse<String> doc = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + node.config().httpPort() + "/.well-known/openred")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(a.keys().nodeId(), new JsonObject(doc.body()).getString("node_id"));
    }
  }
}
