package org.openred.accounts;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openred.config.Option;
import org.openred.app.OpenRedNode;
import org.openred.testing.ClientApi;
import org.openred.testing.TestCa;
import org.openred.testing.TestNodes;

import java.nio.file.Path;

import static org.openred.testing.Problems.assertProblem;
import static org.openred.testing.TestNodes.await;

/** A remote user's keys that cannot be had: each reason its own problem type, never a 500. */
class RemoteKeysTest {

  @Test
  @DisplayName("GET /api/v1/keys/{userId}: a domain nobody knows 404, a node that does not answer 502, one whose certificate is untrusted 502")
  void unreachableKeys() throws Exception {
    Path certs = TestNodes.tempDir("certs");
    Path tlsData = TestNodes.tempDir("tls");
    Path data = TestNodes.tempDir("keys");
    TestCa ca = new TestCa(certs);
    Path[] cert = ca.issue("tls");
    TestNodes.Spec tlsSpec = new TestNodes.Spec().dataDir(tlsData).flag(Option.DOMAIN, "tls.test")
        .flag(Option.TLS_CERT, cert[0].toString()).flag(Option.TLS_KEY, cert[1].toString());
    tlsSpec.flag(Option.PUBLIC_URL, "https://127.0.0.1:" + tlsSpec.port());
    OpenRedNode tls = tlsSpec.start();
    TestNodes.Spec spec = new TestNodes.Spec().dataDir(data).flag(Option.DOMAIN, "a.test")
        .flag(Option.PEERS, "closed.test=http://127.0.0.1:" + TestNodes.freePort() + ",tls.test=https://127.0.0.1:" + tlsSpec.port());
    OpenRedNode node = spec.start();
    try {
      String token = ClientApi.session(spec.port(), "alice");
      assertProblem(404, "unknown-domain", ClientApi.send(spec.port(), "GET", "/api/v1/keys/bob@nowhere.test", token, null));
      assertProblem(502, "peer-unreachable", ClientApi.send(spec.port(), "GET", "/api/v1/keys/bob@closed.test", token, null));
      assertProblem(502, "peer-untrusted", ClientApi.send(spec.port(), "GET", "/api/v1/keys/bob@tls.test", token, null));
    } finally {
      await(node.close());
      await(tls.close());
      TestNodes.deleteRecursively(certs);
      TestNodes.deleteRecursively(tlsData);
      TestNodes.deleteRecursively(data);
    }
  }
}
