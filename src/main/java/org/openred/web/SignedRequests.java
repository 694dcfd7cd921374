package org.openred.web;

import org.openred.kernel.Problem;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import org.openred.federation.signature.RequestVerifier;
import org.openred.federation.signature.SignedRequest;
import org.openred.node.NodeServices;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Set;

/** Checks the RFC 9421 signature of an incoming request as PROTOCOL.md section 4 says. */
public final class SignedRequests {
  private final NodeServices services;
  private final Set<String> authorities;

  public SignedRequests(NodeServices services) {
    this.services = services;
    URI publicUrl = services.config().publicUrl();
    Set<String> names = new LinkedHashSet<>();
    names.add(services.config().domain());
    names.add(SignedRequest.authority(publicUrl.getScheme(), publicUrl.getHost(), publicUrl.getPort()));
    String host = publicUrl.getHost() == null ? "" : publicUrl.getHost().replaceAll("^\\[|]$", "");
    if (host.equalsIgnoreCase("localhost") || org.openred.net.AddressPolicy.isLoopbackLiteral(host)) {
      // A loopback URL names this machine whichever loopback name a caller uses: localhost, 127.0.0.1 and [::1] are one server.
      for (String alias : new String[] {"localhost", "127.0.0.1", "[::1]"}) {
        names.add(SignedRequest.authority(publicUrl.getScheme(), alias, publicUrl.getPort()));
      }
    }
    this.authorities = Set.copyOf(names);
  }

  public Future<RequestVerifier.Verified> verify(RoutingContext ctx, RequestVerifier.KeyResolver keys) {
    String scheme = services.config().tls() ? "https" : "http";
    var authority = ctx.request().authority();
    if (authority == null) {
      return Future.failedFuture(new Problem(401, "signature-invalid", "no Host header"));
    }
    SignedRequest request = new SignedRequest(ctx.request().method().name(),
        SignedRequest.authority(scheme, authority.host(), authority.port()),
        ctx.request().path(), ctx.request().query(), ctx.request()::getHeader);
    byte[] body = ctx.body() == null || ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes();
    return new RequestVerifier(services.signatures(), keys, services.cache(), authorities, services.config().clockSkewSeconds(),
        services.clock()).verify(request, body);
  }
}
