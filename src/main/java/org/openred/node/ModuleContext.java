package org.openred.node;

import io.vertx.core.Vertx;
import org.openred.crypto.AeadSuites;
import org.openred.crypto.NodePublicKeys;

import java.util.List;
import java.util.Map;

/**
 * What the kernel gives a module to build its verticles and routes: the node's shared services, its
 * public keys, the token check of whichever module issues tokens, the AEAD suites it can negotiate,
 * the module's own settings, every running module's content_sync source (for the sync module) and
 * account cleanup (for the module that deletes accounts).
 */
public record ModuleContext(Vertx vertx, NodeServices services, NodePublicKeys keys, Authenticator authenticator,
                            AeadSuites suites, Map<String, String> settings, List<SyncSource> syncSources,
                            List<AccountCleanup> accountCleanups) {

  /** One of the module's settings, its value given or its default. */
  public String setting(String name) {
    String value = settings.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no setting " + name);
    }
    return value;
  }
}
