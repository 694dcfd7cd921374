package org.openred.net;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.openred.config.OpenRedConfig;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * DNS through dnsjava against the configured resolver ({@code --dns HOST:PORT}) or the system's.
 * dnsjava blocks, so every lookup runs on a worker pool; TTLs come back with the answers.
 */
public final class Dns {
  public record Srv(int priority, int weight, int port, String target, long ttlSeconds) {
  }

  public record Txt(List<String> strings, long ttlSeconds) {
  }

  private final Resolver resolver;
  private final WorkerExecutor workers;

  public Dns(Vertx vertx, OpenRedConfig config) {
    this.resolver = config.dnsServer()
        .<Resolver>map(server -> {
          SimpleResolver simple = new SimpleResolver(new InetSocketAddress(server.host(), server.port()));
          simple.setTimeout(Duration.ofSeconds(3));
          return simple;
        })
        .orElseGet(ExtendedResolver::new);
    this.workers = vertx.createSharedWorkerExecutor("openred-dns", 4);
  }

  public Future<List<Srv>> srv(String name) {
    return lookup(name, Type.SRV).map(records -> {
      List<Srv> out = new ArrayList<>();
      for (Record record : records) {
        SRVRecord srv = (SRVRecord) record;
        out.add(new Srv(srv.getPriority(), srv.getWeight(), srv.getPort(), srv.getTarget().toString(true), srv.getTTL()));
      }
      return out;
    });
  }

  public Future<List<Txt>> txt(String name) {
    return lookup(name, Type.TXT).map(records -> {
      List<Txt> out = new ArrayList<>();
      for (Record record : records) {
        out.add(new Txt(((TXTRecord) record).getStrings(), record.getTTL()));
      }
      return out;
    });
  }

  /** A and AAAA addresses of a host; an IP literal is returned as it is, without a lookup. */
  public Future<List<InetAddress>> addresses(String host) {
    if (AddressPolicy.isIpLiteral(host)) {
      return workers.executeBlocking(() -> List.of(InetAddress.getByName(host.replace("[", "").replace("]", ""))), false);
    }
    return Future.all(lookup(host, Type.A), lookup(host, Type.AAAA)).compose(both -> {
      List<InetAddress> out = new ArrayList<>();
      for (Record record : both.<List<Record>>resultAt(0)) {
        out.add(((ARecord) record).getAddress());
      }
      for (Record record : both.<List<Record>>resultAt(1)) {
        out.add(((AAAARecord) record).getAddress());
      }
      return out.isEmpty()
          ? Future.failedFuture(new UnknownHostException(host + " has no A or AAAA record"))
          : Future.succeededFuture(out);
    });
  }

  /** The records of that type; empty when the name or the type does not exist. */
  private Future<List<Record>> lookup(String name, int type) {
    return workers.executeBlocking(() -> {
      Lookup lookup;
      try {
        lookup = new Lookup(Name.fromString(name.endsWith(".") ? name : name + "."), type);
      } catch (TextParseException e) {
        throw new UnknownHostException("not a DNS name: " + name);
      }
      lookup.setResolver(resolver);
      lookup.setCache(null);
      Record[] records = lookup.run();
      int result = lookup.getResult();
      if (result == Lookup.SUCCESSFUL && records != null) {
        return List.of(records);
      }
      if (result == Lookup.HOST_NOT_FOUND || result == Lookup.TYPE_NOT_FOUND) {
        return List.<Record>of();
      }
      throw new UnknownHostException("DNS lookup of " + name + " failed: " + lookup.getErrorString());
    }, false);
  }

  public Future<Void> close() {
    return workers.close();
  }
}
