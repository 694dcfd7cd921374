package org.openred.testing;

import org.openred.config.Option;
import org.openred.app.OpenRedNode;

import java.nio.file.Path;

/** Nodes a.test and b.test on loopback, each knowing the other through its static map. */
public final class TwoNodes implements AutoCloseable {
  public OpenRedNode a;
  public final OpenRedNode b;
  public final int aPort;
  public final int bPort;
  private final TestNodes.Spec aSpec;
  private final Path aDir;
  private final Path bDir;

  public TwoNodes(String name) {
    aDir = TestNodes.tempDir(name + "-a");
    bDir = TestNodes.tempDir(name + "-b");
    aSpec = new TestNodes.Spec().dataDir(aDir).flag(Option.DOMAIN, "a.test");
    TestNodes.Spec bSpec = new TestNodes.Spec().dataDir(bDir).flag(Option.DOMAIN, "b.test");
    aPort = aSpec.port();
    bPort = bSpec.port();
    aSpec.flag(Option.PUBLIC_URL, "http://127.0.0.1:" + aPort).flag(Option.PEERS, "b.test=http://127.0.0.1:" + bPort);
    bSpec.flag(Option.PUBLIC_URL, "http://127.0.0.1:" + bPort).flag(Option.PEERS, "a.test=http://127.0.0.1:" + aPort);
    a = aSpec.start();
    b = bSpec.start();
  }

  /** Stops node a and starts it again on the same port and data: what an operator's restart does. */
  public void restartA() {
    TestNodes.await(a.close());
    a = aSpec.start();
  }

  @Override
  public void close() {
    TestNodes.await(a.close());
    TestNodes.await(b.close());
    TestNodes.deleteRecursively(aDir);
    TestNodes.deleteRecursively(bDir);
  }
}
