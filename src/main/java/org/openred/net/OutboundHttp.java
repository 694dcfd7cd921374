package org.openred.net;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import org.openred.config.OpenRedConfig;
import org.openred.kernel.Problem;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP to other servers for URLs that come from outside. The host is resolved once, every address
 * is checked against {@link AddressPolicy}, and the connection goes to the checked address (no
 * DNS-rebinding window); plain HTTP only to loopback or with --insecure-http; no redirects; bounded
 * time and size (ATTACKS 14, 15).
 */
public final class OutboundHttp {
  public static final int DEFAULT_MAX_BYTES = 64 * 1024;
  private static final long TOTAL_TIMEOUT_MS = 10_000;

  /** A URL whose host was resolved and whose address was allowed. */
  public record Target(URI url, InetAddress address) {
    int port() {
      return url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
    }
  }

  public record Response(int status, String contentType, Buffer body) {
  }

  private final Vertx vertx;
  private final Dns dns;
  private final boolean allowPrivate;
  private final boolean insecureHttp;
  private final HttpClientAgent client;

  public OutboundHttp(Vertx vertx, Dns dns, OpenRedConfig config) {
    this.vertx = vertx;
    this.dns = dns;
    this.allowPrivate = config.allowPrivateUrls();
    this.insecureHttp = config.insecureHttp();
    HttpClientOptions options = new HttpClientOptions()
        .setConnectTimeout(5_000)
        .setIdleTimeout(10)
        .setTcpNoDelay(true)
        .setMaxRedirects(0)
        .setVerifyHost(true)
        .setForceSni(true)
        .setKeepAlive(true);
    config.trustCa().ifPresent(ca -> options.setTrustOptions(TrustOptions.wrap(Trust.systemPlus(ca))));
    this.client = vertx.createHttpClient(options);
  }

  /** Resolves and checks a URL from outside; fails with a 400-class Problem naming why. */
  public Future<Target> check(URI url, boolean trusted) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      return Future.failedFuture(forbidden("only https URLs are accepted"));
    }
    if (url.getHost() == null || url.getRawUserInfo() != null) {
      return Future.failedFuture(forbidden("the URL has no plain host"));
    }
    return dns.addresses(url.getHost())
        .recover(failure -> Future.failedFuture(new Problem(400, "unresolvable-url", "cannot resolve " + url.getHost())))
        .compose(addresses -> {
          if (!trusted && !allowPrivate && !addresses.stream().allMatch(AddressPolicy::isPublic)) {
            return Future.failedFuture(forbidden(url.getHost() + " resolves to a private, loopback or reserved address"));
          }
          if (scheme.equals("http") && !insecureHttp && !AddressPolicy.allLoopback(addresses)) {
            return Future.failedFuture(forbidden("plain http is allowed only to loopback addresses (or with --insecure-http)"));
          }
          return Future.succeededFuture(new Target(url, addresses.get(0)));
        });
  }

  /** GET a path on a checked target: status 200 required, body at most {@code maxBytes}. */
  public Future<Buffer> get(Target target, String path, int maxBytes) {
    return send(target, HttpMethod.GET, path, Map.of(), null, maxBytes).compose(response -> response.status() == 200
        ? Future.succeededFuture(response.body())
        : Future.failedFuture(new Problem(502, "peer-error", target.url().getHost() + " answered " + response.status()
            + (response.status() / 100 == 3 ? " (redirects are not followed)" : ""))));
  }

  /** Sends a request to a checked target; any status comes back, the body bounded. */
  public Future<Response> send(Target target, HttpMethod method, String path, Map<String, String> headers, Buffer body, int maxBytes) {
    String host = target.url().getHost();
    RequestOptions options = new RequestOptions()
        .setMethod(method)
        .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(target.address(), target.port())))
        .setHost(host.startsWith("[") ? host.substring(1, host.length() - 1) : host)
        .setPort(target.port())
        .setSsl("https".equalsIgnoreCase(target.url().getScheme()))
        .setURI(path)
        .setFollowRedirects(false)
        .setIdleTimeout(5_000);
    headers.forEach(options::putHeader);
    Promise<Response> promise = Promise.promise();
    long timer = vertx.setTimer(TOTAL_TIMEOUT_MS, id -> promise.tryFail(new Problem(504, "peer-timeout", host + " took too long")));
    client.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .onFailure(failure -> promise.tryFail(unreachable(host, failure)))
        .onSuccess(response -> {
          // Set before any reset below (which fails the promise first): a reset stream with no handler is logged as an error.
          response.exceptionHandler(failure -> promise.tryFail(new Problem(502, "peer-unreachable", host + ": " + oneLine(failure))));
          String length = response.getHeader("Content-Length");
          if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > maxBytes) {
            promise.tryFail(new Problem(502, "peer-answer-too-large", host + " sent more than " + maxBytes + " bytes"));
            response.request().reset();
            return;
          }
          Buffer received = Buffer.buffer();
          response.handler(chunk -> {
            received.appendBuffer(chunk);
            if (received.length() > maxBytes) {
              promise.tryFail(new Problem(502, "peer-answer-too-large", host + " sent more than " + maxBytes + " bytes"));
              response.request().reset();
            }
          });
          response.endHandler(ignored -> promise.tryComplete(
              new Response(response.statusCode(), response.getHeader("Content-Type"), received)));
        });
    return promise.future().eventually(() -> {
      vertx.cancelTimer(timer);
      return Future.succeededFuture();
    });
  }

  public Future<Void> close() {
    return client.close();
  }

  /** The path of a base URL without its trailing slashes, to put API paths after ("" for none). */
  public static String basePath(URI url) {
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    return path.replaceAll("/+$", "");
  }

  /** A certificate this node does not trust is its own kind of failure: retrying will not mend it. */
  private static Problem unreachable(String host, Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof javax.net.ssl.SSLException) {
        return new Problem(502, "peer-untrusted", host + " did not present a certificate this node trusts: " + oneLine(cause));
      }
    }
    return new Problem(502, "peer-unreachable", "cannot reach " + host + ": " + oneLine(failure));
  }

  private static Problem forbidden(String detail) {
    return new Problem(400, "forbidden-url", detail);
  }

  static String oneLine(Throwable failure) {
    String message = failure.getMessage();
    return message == null ? failure.getClass().getSimpleName() : message.lines().findFirst().orElse("");
  }
}
