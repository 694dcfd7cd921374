package org.openred.discovery;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openred.kernel.Addresses;
import org.openred.kernel.Failures;
import org.openred.config.FederationDomain;
import org.openred.net.Dns;
import org.openred.net.OutboundHttp;
import org.openred.node.NodeServices;
import org.openred.kernel.Problem;
import org.openred.web.StrictJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * From a domain to its federation endpoint and keys (PROTOCOL.md section 3). Sources in order,
 * first hit wins: the static {@code peers} map, DNS SRV {@code _openred._tcp.<host>} (RFC 2782
 * order, its TTL), the registry, then {@code https://<domain>}. The key document is fetched through
 * the SSRF-checked client, checked against a DNS TXT pin if one exists, and the first signing key
 * seen for a domain is pinned: a new key is accepted only when the document still lists the pinned
 * one or the registry shows the change. Answers are cached (shared by all instances).
 */
public final class DiscoveryVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DiscoveryVerticle.class);
  private static final Logger AUDIT = LoggerFactory.getLogger("openred.audit");
  static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
  static final Duration MAX_KEY_TTL = Duration.ofDays(7);
  static final Duration REFRESH_INTERVAL = Duration.ofMinutes(5);
  private static final Pattern TXT_PIN = Pattern.compile("^v=openred1;\\s*k=ed25519;\\s*p=([A-Za-z0-9_-]{43})$");

  private final NodeServices services;
  private PeerKeyStore pins;

  private record Candidate(URI baseUrl, String source, long ttlSeconds, boolean trusted) {
  }

  public DiscoveryVerticle(NodeServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    pins = new PeerKeyStore(services.database().pool());
    return vertx.eventBus().<JsonObject>consumer(Addresses.DISCOVERY_RESOLVE, this::handle).completion();
  }

  /** {domain, refresh?}: refresh re-fetches the key document, at most once per 5 minutes per domain. */
  private void handle(Message<JsonObject> message) {
    String domain = message.body() == null ? null : message.body().getString("domain");
    String normalised = FederationDomain.normalise(domain);
    if (normalised == null) {
      Failures.fail(message, 400, "invalid-domain", "not a federation domain: " + domain);
      return;
    }
    boolean refresh = message.body().getBoolean("refresh", false);
    resolve(normalised, refresh).onSuccess(message::reply).onFailure(failure -> {
      if (failure instanceof Problem problem) {
        Failures.fail(message, problem);
      } else {
        LOG.warn("Discovery of {} failed: {}", normalised, failure.toString());
        Failures.fail(message, 502, "discovery-failed", "cannot discover " + normalised);
      }
    });
  }

  private Future<JsonObject> resolve(String domain, boolean refresh) {
    String key = "discovery:" + domain;
    Future<Boolean> mayRefresh = refresh
        ? services.cache().putIfAbsent("discovery-refresh:" + domain, "1", REFRESH_INTERVAL)
        : Future.succeededFuture(false);
    return mayRefresh.compose(refreshNow -> services.cache().get(key).compose(hit -> {
      if (hit != null && !refreshNow) {
        return Future.succeededFuture(new JsonObject(hit));
      }
      return discover(domain).compose(answer -> services.cache()
          .put(key, answer.encode(), Duration.ofSeconds(Math.max(1, answer.getLong("ttl"))))
          .map(answer));
    }));
  }

  private Future<JsonObject> discover(String domain) {
    return candidates(domain).compose(candidates -> tryInOrder(domain, candidates, 0, null))
        .recover(failure -> failure instanceof Problem problem && problem.type().equals("unresolvable-url")
            ? Future.failedFuture(new Problem(404, "unknown-domain", "no way to reach " + domain + " was found"))
            : Future.failedFuture(failure));
  }

  private Future<JsonObject> tryInOrder(String domain, List<Candidate> candidates, int index, Throwable lastFailure) {
    if (index >= candidates.size()) {
      return Future.failedFuture(lastFailure != null ? lastFailure
          : new Problem(404, "unknown-domain", "no way to reach " + domain + " was found"));
    }
    Candidate candidate = candidates.get(index);
    return fetchDocument(domain, candidate)
        .recover(failure -> tryInOrder(domain, candidates, index + 1, failure));
  }

  /** The base URLs of the first source that knows the domain (several only for SRV). */
  private Future<List<Candidate>> candidates(String domain) {
    URI configured = services.config().peers().get(domain);
    if (configured != null) {
      return Future.succeededFuture(List.of(new Candidate(configured, "static", DEFAULT_TTL.toSeconds(), true)));
    }
    String host = FederationDomain.host(domain);
    return services.dns().srv("_openred._tcp." + host)
        .recover(failure -> {
          LOG.debug("SRV lookup for {} failed: {}", host, failure.getMessage());
          return Future.succeededFuture(List.of());
        })
        .compose(records -> {
          List<Dns.Srv> ordered = SrvOrder.order(records, ThreadLocalRandom.current());
          if (!ordered.isEmpty()) {
            return srvCandidates(ordered);
          }
          return fromRegistry(domain).map(found -> found.map(List::of)
              .orElseGet(() -> List.of(new Candidate(URI.create("https://" + domain), "https", DEFAULT_TTL.toSeconds(), false))));
        });
  }

  private Future<List<Candidate>> srvCandidates(List<Dns.Srv> ordered) {
    List<Future<Candidate>> resolved = new ArrayList<>();
    for (Dns.Srv srv : ordered) {
      String target = srv.target().endsWith(".") ? srv.target().substring(0, srv.target().length() - 1) : srv.target();
      // SRV names https (PROTOCOL.md section 3), on loopback too; plain http only when the operator said --insecure-http.
      String scheme = services.config().insecureHttp() ? "http://" : "https://";
      resolved.add(services.dns().addresses(target)
          .map(addresses -> new Candidate(URI.create(scheme + target + ":" + srv.port()), "dns", Math.max(1, srv.ttlSeconds()), false))
          .recover(failure -> Future.succeededFuture(null)));
    }
    return Future.join(resolved).transform(ignored -> Future.succeededFuture(
        resolved.stream().filter(f -> f.succeeded() && f.result() != null).map(Future::result).toList()));
  }

  private Future<Optional<Candidate>> fromRegistry(String domain) {
    Optional<URI> registry = services.config().registryUrl();
    if (registry.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return registryRecord(registry.get(), domain)
        .map(node -> node.map(n -> new Candidate(URI.create(n.getString("api_url")), "registry", DEFAULT_TTL.toSeconds(), false)))
        .recover(failure -> {
          LOG.debug("Registry lookup of {} failed: {}", domain, failure.getMessage());
          return Future.succeededFuture(Optional.empty());
        });
  }

  private Future<Optional<JsonObject>> registryRecord(URI registry, String domain) {
    String base = OutboundHttp.basePath(registry);
    return services.http().check(registry, true)
        .compose(target -> services.http().get(target, base + "/api/v1/nodes/discover?domain="
            + URLEncoder.encode(domain, StandardCharsets.UTF_8), OutboundHttp.DEFAULT_MAX_BYTES))
        .map(body -> {
          JsonArray nodes = StrictJson.parseObject(body).getJsonArray("nodes");
          return nodes == null || nodes.isEmpty() ? Optional.<JsonObject>empty() : Optional.of(nodes.getJsonObject(0));
        });
  }

  private Future<JsonObject> fetchDocument(String domain, Candidate candidate) {
    String base = OutboundHttp.basePath(candidate.baseUrl());
    return services.http().check(candidate.baseUrl(), candidate.trusted())
        .compose(target -> services.http().get(target, base + "/.well-known/openred", OutboundHttp.DEFAULT_MAX_BYTES))
        .map(KeyDocument::parse)
        .compose(doc -> {
          if (!doc.domain().equals(domain)) {
            return Future.failedFuture(new Problem(502, "invalid-key-document",
                "the key document at " + candidate.baseUrl() + " is for " + doc.domain() + ", not " + domain));
          }
          // An operator's static map is trusted as configured; DNS pins guard the discovered paths.
          Future<Void> pinned = candidate.source().equals("static") ? Future.succeededFuture() : checkTxtPin(domain, doc);
          return pinned.compose(ignored -> checkPinned(domain, doc)).map(ignored -> answer(domain, candidate, doc));
        });
  }

  private Future<Void> checkTxtPin(String domain, KeyDocument doc) {
    return services.dns().txt("_openred-key." + FederationDomain.host(domain))
        .recover(failure -> Future.succeededFuture(List.of()))
        .compose(records -> {
          for (Dns.Txt record : records) {
            Matcher pin = TXT_PIN.matcher(String.join("", record.strings()).trim());
            if (pin.matches() && !pin.group(1).equals(doc.signingKey())) {
              AUDIT.warn("key-refused domain={} reason=dns-txt-pin-mismatch offered={}", domain, doc.signingKey());
              return Future.failedFuture(new Problem(502, "key-pin-mismatch",
                  "the DNS TXT record of " + domain + " pins another key than its key document"));
            }
          }
          return Future.succeededFuture();
        });
  }

  /** Trust on first use, and the two ways a key may change (PROTOCOL.md section 3). */
  private Future<Void> checkPinned(String domain, KeyDocument doc) {
    String offered = doc.signingKey();
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    return pins.pin(domain).compose(existing -> {
      if (existing.isEmpty()) {
        return pins.pinFirst(domain, doc.nodeId(), offered, now).compose(first -> {
          if (first) {
            AUDIT.info("key-pinned domain={} node_id={} key={}", domain, doc.nodeId(), offered);
            return Future.succeededFuture();
          }
          return checkPinned(domain, doc); // another instance pinned first: check against theirs
        });
      }
      PeerKeyStore.Pin pin = existing.get();
      if (pin.publicKey().equals(offered)) {
        return Future.succeededFuture();
      }
      if (doc.lists(pin.publicKey())) {
        return changeKey(domain, pin, doc, "old key still listed", now);
      }
      Optional<URI> registry = services.config().registryUrl();
      Future<Boolean> registryAgrees = registry.isEmpty() ? Future.succeededFuture(false)
          : registryRecord(registry.get(), domain)
              .map(node -> node.map(n -> offered.equals(n.getJsonObject("keys").getString("sig"))).orElse(false))
              .recover(failure -> Future.succeededFuture(false));
      return registryAgrees.compose(agrees -> {
        if (agrees) {
          return changeKey(domain, pin, doc, "registry shows the change", now);
        }
        AUDIT.warn("key-refused domain={} reason=unannounced-key-change pinned={} offered={}", domain, pin.publicKey(), offered);
        return Future.failedFuture(new Problem(502, "key-changed",
            domain + " presents a new key that neither its key document nor the registry vouches for"));
      });
    });
  }

  private Future<Void> changeKey(String domain, PeerKeyStore.Pin pin, KeyDocument doc, String why, String now) {
    AUDIT.warn("key-changed domain={} old={} new={} node_id={} because={}", domain, pin.publicKey(), doc.signingKey(), doc.nodeId(), why);
    return pins.replace(domain, doc.nodeId(), doc.signingKey(), now);
  }

  private JsonObject answer(String domain, Candidate candidate, KeyDocument doc) {
    Instant now = Instant.now();
    long ttl = candidate.ttlSeconds();
    for (KeyDocument.Key key : doc.keys()) {
      ttl = Math.min(ttl, Math.max(1, Duration.between(now, key.validUntil()).toSeconds()));
    }
    ttl = Math.min(ttl, MAX_KEY_TTL.toSeconds());
    String base = candidate.baseUrl().toString().replaceAll("/+$", "");
    return doc.toJson()
        .put("domain", domain)
        .put("base_url", base)
        .put("federation_url", base + "/federation/v1")
        .put("source", candidate.source())
        .put("ttl", ttl);
  }

}
