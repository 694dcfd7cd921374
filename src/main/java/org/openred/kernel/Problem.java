package org.openred.kernel;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * An RFC 9457 problem document. {@code type} is a stable slug (e.g. {@code signature-expired})
 * that clients and tests match on; {@code detail} is for people and never holds internals.
 */
public final class Problem extends RuntimeException {
  public static final String CONTENT_TYPE = "application/problem+json";

  private final int status;
  private final String type;

  public Problem(int status, String type, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.type = type;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public JsonObject toJson(String instance) {
    JsonObject json = new JsonObject().put("type", type).put("title", title(status)).put("status", status);
    if (getMessage() != null) {
      json.put("detail", getMessage());
    }
    if (instance != null) {
      json.put("instance", instance);
    }
    return json;
  }

  /**
   * The problem a failure stands for, wherever it was raised: itself; another operation's known
   * failure carried over the event bus (its status and "type: detail"); 503 {@code unavailable} when
   * the part of the node that was asked is not there or did not answer. Null for anything else: a
   * defect, which its catcher logs and answers 500 without details.
   */
  public static Problem from(Throwable failure) {
    if (failure instanceof Problem problem) {
      return problem;
    }
    if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      return reply.failureCode() >= 400 && reply.failureCode() < 600
          ? new Problem(reply.failureCode(), Failures.type(reply.getMessage()), Failures.detail(reply.getMessage())) : null;
    }
    if (failure instanceof ReplyException reply) {
      return new Problem(503, "unavailable", "a part of the node did not answer (" + reply.failureType().name().toLowerCase(java.util.Locale.ROOT) + ")");
    }
    return null;
  }

  public static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 415 -> "Unsupported Media Type";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> status >= 500 ? "Server Error" : "Client Error";
    };
  }

  /** The problem for a bare status from Vert.x Web itself (no route, wrong method, body too large). */
  public static Problem of(int status) {
    String detail = switch (status) {
      case 404 -> "no such resource";
      case 405 -> "method not allowed on this resource";
      case 408 -> "the request took too long";
      case 413 -> "the body is larger than this server accepts";
      default -> null;
    };
    return new Problem(status, defaultType(status), detail);
  }

  /** The slug used when a status arrives without one (from Vert.x Web's own failures). */
  public static String defaultType(int status) {
    return switch (status) {
      case 400 -> "bad-request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not-found";
      case 405 -> "method-not-allowed";
      case 408 -> "request-timeout";
      case 413 -> "payload-too-large";
      case 415 -> "unsupported-media-type";
      case 429 -> "rate-limited";
      case 503 -> "unavailable";
      default -> status >= 500 ? "internal-error" : "bad-request";
    };
  }
}
