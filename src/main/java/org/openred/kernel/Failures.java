package org.openred.kernel;

import io.vertx.core.eventbus.Message;

/**
 * Event-bus failures carry an HTTP status as their code and "type: detail" as their message, so
 * the HTTP layer can turn any domain failure into a problem document without knowing the domain.
 */
public final class Failures {
  private Failures() {
  }

  public static void fail(Message<?> message, int status, String type, String detail) {
    message.fail(status, type + ": " + detail);
  }

  public static void fail(Message<?> message, Problem problem) {
    fail(message, problem.status(), problem.type(), problem.getMessage());
  }

  /** The problem type of a failure message made by {@link #fail}. */
  public static String type(String failureMessage) {
    int colon = failureMessage == null ? -1 : failureMessage.indexOf(": ");
    return colon < 0 ? "internal-error" : failureMessage.substring(0, colon);
  }

  public static String detail(String failureMessage) {
    int colon = failureMessage == null ? -1 : failureMessage.indexOf(": ");
    return colon < 0 ? null : failureMessage.substring(colon + 2);
  }
}
