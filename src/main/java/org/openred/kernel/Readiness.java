package org.openred.kernel;

import io.vertx.core.Vertx;

/**
 * Whether this process serves: {@code starting} until every verticle is deployed with its consumers
 * registered, {@code ready} after, {@code stopping} once it begins to close. Health answers 503 in
 * all but {@code ready}, so a load balancer or a test never sends work to a half-started node.
 */
public final class Readiness {
  public static final String STARTING = "starting";
  public static final String READY = "ready";
  public static final String STOPPING = "stopping";
  private static final String MAP = "openred.readiness";

  private Readiness() {
  }

  public static String state(Vertx vertx) {
    Object state = vertx.sharedData().getLocalMap(MAP).get("state");
    return state == null ? STARTING : (String) state;
  }

  public static void set(Vertx vertx, String state) {
    vertx.sharedData().<String, String>getLocalMap(MAP).put("state", state);
  }
}
