package org.openred.config;

import java.util.List;
import java.util.Locale;

/**
 * One configuration option and its three spellings: the flag {@code --http-port}, the environment
 * variable {@code OPENRED_HTTP_PORT} and the config file key {@code "http-port"}.
 */
public record Option(String name, String valueHint, String defaultText, String help, boolean secret) {

  public static final Option CONFIG = of("config", "FILE", "none", "JSON config file (see conf/openred.json)");
  public static final Option DATA = of("data", "DIR", "./data", "data directory: SQLite database, master key secret");
  public static final Option HTTP_HOST = of("http-host", "ADDR", "127.0.0.1 (0.0.0.0 with --domain or --public-url)",
      "address the HTTP server binds to");
  public static final Option HTTP_PORT = of("http-port", "N", "8080", "HTTP port");
  public static final Option DOMAIN = of("domain", "NAME", "localhost:<port>", "federation domain, host with optional :port");
  public static final Option PUBLIC_URL = of("public-url", "URL", "http://<domain>", "URL at which other nodes and browsers reach this node");
  public static final Option REGISTRY = of("registry", "URL", "none", "registry to register with and discover through");
  public static final Option DB = of("db", "URL", "sqlite", "sqlite, sqlite:PATH, or postgresql://user@host:port/db");
  public static final Option REGISTRY_HEARTBEAT = of("registry-heartbeat", "SECONDS", "60", "interval of heartbeats to the registry");
  public static final Option REDIS = of("redis", "URL", "none", "redis://host:port for the shared cache");
  public static final Option DNS = of("dns", "HOST:PORT", "system", "DNS resolver for SRV and TXT discovery");
  public static final Option PEERS = of("peers", "D=URL,...", "none", "static map from domain to base URL");
  public static final Option FEDERATION_ALLOW = of("federation-allow", "D,...", "all", "only these domains may federate with this node");
  public static final Option FEDERATION_DENY = of("federation-deny", "D,...", "none", "these domains may not federate with this node");
  public static final Option FEDERATION_RATE = of("federation-rate", "N", "2000", "requests per second accepted from one domain (429 beyond)");
  public static final Option TLS_CERT = of("tls-cert", "PEM", "none", "certificate chain to serve HTTPS with");
  public static final Option TLS_KEY = of("tls-key", "PEM", "none", "private key of --tls-cert");
  public static final Option TRUST_CA = of("trust-ca", "PEM", "none", "extra CA trusted for federation (tests)");
  public static final Option INSECURE_HTTP = flag("insecure-http", "allow federation over plain HTTP beyond loopback");
  public static final Option ALLOW_PRIVATE_URLS = flag("allow-private-urls", "registry accepts private and loopback api_urls");
  public static final Option CLUSTER = flag("cluster", "cluster the event bus through Hazelcast (needs PostgreSQL)");
  public static final Option CLUSTER_HOST = of("cluster-host", "ADDR", "127.0.0.1", "interface the cluster binds to");
  public static final Option CLUSTER_PORT = of("cluster-port", "N", "5701", "Hazelcast member port");
  public static final Option CLUSTER_MEMBERS = of("cluster-members", "H:P,...", "cluster-host:cluster-port", "Hazelcast TCP-IP members");
  public static final Option CLUSTER_CONFIG = of("cluster-config", "FILE", "conf/cluster.xml", "Hazelcast configuration");
  public static final Option BODY_LIMIT = of("body-limit", "BYTES", "1048576", "largest request body accepted");
  public static final Option REQUEST_TIMEOUT = of("request-timeout", "SECONDS", "30", "longest a client may take to send a request");
  public static final Option HEADER_TIMEOUT = of("header-timeout", "SECONDS", "10", "longest a client may take to send a request's head");
  public static final Option CONNECTIONS_PER_ADDRESS = of("connections-per-address", "N", "256", "open connections one client address may hold");
  public static final Option CLOCK_SKEW = of("clock-skew", "SECONDS", "300", "accepted clock difference of signed requests");
  public static final Option LOG_LEVEL = of("log-level", "LEVEL", "info", "error, warn, info, debug or trace");
  public static final Option MODULES = of("modules", "NAME,...", "all", "the modules to run (built-ins and plugins); others stay off");
  public static final Option PLUGINS = of("plugins", "DIR", "<data>/plugins", "directory of plugin jars (OpenRedModule services)");
  public static final Option SET = of("set", "M.K=V,...", "none", "module settings, as module.setting=value");
  public static final Option MASTER_KEY = new Option("master-key", "B64U", "data/master.key",
      "secret the at-rest master key derives from (environment only)", true);

  public static final List<Option> ALL = List.of(CONFIG, DATA, HTTP_HOST, HTTP_PORT, DOMAIN, PUBLIC_URL, REGISTRY, REGISTRY_HEARTBEAT, DB,
      REDIS, DNS, PEERS, FEDERATION_ALLOW, FEDERATION_DENY, FEDERATION_RATE, TLS_CERT, TLS_KEY, TRUST_CA, INSECURE_HTTP, ALLOW_PRIVATE_URLS, CLUSTER, CLUSTER_HOST,
      CLUSTER_PORT, CLUSTER_MEMBERS, CLUSTER_CONFIG, BODY_LIMIT, REQUEST_TIMEOUT, HEADER_TIMEOUT, CONNECTIONS_PER_ADDRESS, CLOCK_SKEW, LOG_LEVEL,
      MODULES, PLUGINS, SET, MASTER_KEY);

  private static Option of(String name, String hint, String defaultText, String help) {
    return new Option(name, hint, defaultText, help, false);
  }

  private static Option flag(String name, String help) {
    return new Option(name, null, "off", help, false);
  }

  public boolean isFlag() {
    return valueHint == null;
  }

  public String flagName() {
    return "--" + name;
  }

  public String envName() {
    return "OPENRED_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  public static Option byName(String name) {
    for (Option option : ALL) {
      if (option.name.equals(name)) {
        return option;
      }
    }
    return null;
  }
}
