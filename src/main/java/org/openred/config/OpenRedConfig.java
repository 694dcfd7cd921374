package org.openred.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole configuration of one OpenRed process, read once at start-up from flags, then
 * {@code OPENRED_*} environment variables, then the config file, then defaults, and validated:
 * every other class takes its settings from here.
 */
public record OpenRedConfig(
    Role role,
    Path dataDir,
    String httpHost,
    int httpPort,
    String domain,
    URI publicUrl,
    Optional<URI> registryUrl,
    int registryHeartbeatSeconds,
    StorageConfig storage,
    Optional<URI> redisUrl,
    Optional<HostAndPort> dnsServer,
    Map<String, URI> peers,
    Set<String> federationAllow,
    Set<String> federationDeny,
    int federationRate,
    Optional<Path> tlsCert,
    Optional<Path> tlsKey,
    Optional<Path> trustCa,
    boolean insecureHttp,
    boolean allowPrivateUrls,
    ClusterConfig cluster,
    long bodyLimit,
    int requestTimeoutSeconds,
    int headerTimeoutSeconds,
    int connectionsPerAddress,
    int clockSkewSeconds,
    String logLevel,
    Optional<List<String>> modules,
    Path pluginsDir,
    Map<String, String> settings,
    Optional<byte[]> masterKeySecret) {

  private static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug", "trace");

  public record HostAndPort(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  /** True when this node serves TLS itself. */
  public boolean tls() {
    return tlsCert.isPresent();
  }

  /** Reads the configuration: {@code flags} holds what was given on the command line, by option. */
  public static OpenRedConfig load(Role role, Map<Option, String> flags, Map<String, String> env) {
    Sources sources = new Sources(flags, env);
    Optional<Path> file = sources.raw(Option.CONFIG).map(Path::of);
    if (file.isPresent()) {
      sources.file = readFile(file.get());
    }
    return build(role, sources);
  }

  private static OpenRedConfig build(Role role, Sources s) {
    Path dataDir = Path.of(s.raw(Option.DATA).orElse("data"));
    int httpPort = s.integer(Option.HTTP_PORT, 8080, 1, 65535);
    // An unconfigured node (localhost domain and URL) is for this machine only: it listens on loopback.
    // Naming a domain, a public URL or an address says it is meant to be reached, as before.
    boolean addressed = s.raw(Option.DOMAIN).isPresent() || s.raw(Option.PUBLIC_URL).isPresent();
    String httpHost = s.raw(Option.HTTP_HOST).orElse(addressed ? "0.0.0.0" : "127.0.0.1");
    String domain = s.raw(Option.DOMAIN).map(d -> d.toLowerCase(Locale.ROOT)).orElse("localhost:" + httpPort);
    if (!FederationDomain.isValid(domain)) {
      throw new ConfigException(Option.DOMAIN.flagName() + ": '" + domain + "' is not a host name with an optional :port");
    }
    boolean tls = s.raw(Option.TLS_CERT).isPresent();
    URI publicUrl = s.raw(Option.PUBLIC_URL).map(v -> httpUrl(Option.PUBLIC_URL, v))
        .orElseGet(() -> URI.create((tls ? "https://" : "http://") + domain));
    Optional<URI> registry = s.raw(Option.REGISTRY).map(v -> httpUrl(Option.REGISTRY, v));
    int heartbeat = s.integer(Option.REGISTRY_HEARTBEAT, 60, 1, 3600);
    StorageConfig storage = storage(s.raw(Option.DB).orElse("sqlite"), dataDir);
    Optional<URI> redis = s.raw(Option.REDIS).map(OpenRedConfig::redisUrl);
    Optional<HostAndPort> dns = s.raw(Option.DNS).map(v -> hostAndPort(Option.DNS, v));
    Map<String, URI> peers = s.raw(Option.PEERS).map(OpenRedConfig::peers).orElse(Map.of());
    Set<String> allow = s.raw(Option.FEDERATION_ALLOW).map(v -> domains(Option.FEDERATION_ALLOW, v)).orElse(Set.of());
    Set<String> deny = s.raw(Option.FEDERATION_DENY).map(v -> domains(Option.FEDERATION_DENY, v)).orElse(Set.of());
    int federationRate = s.integer(Option.FEDERATION_RATE, 2000, 1, 1_000_000);
    Optional<Path> tlsCert = s.raw(Option.TLS_CERT).map(v -> readableFile(Option.TLS_CERT, v));
    Optional<Path> tlsKey = s.raw(Option.TLS_KEY).map(v -> readableFile(Option.TLS_KEY, v));
    if (tlsCert.isPresent() != tlsKey.isPresent()) {
      throw new ConfigException("--tls-cert and --tls-key go together: give both or neither");
    }
    Optional<Path> trustCa = s.raw(Option.TRUST_CA).map(v -> readableFile(Option.TRUST_CA, v));
    boolean clustered = s.bool(Option.CLUSTER);
    String clusterHost = s.raw(Option.CLUSTER_HOST).orElse("127.0.0.1");
    int clusterPort = s.integer(Option.CLUSTER_PORT, 5701, 1, 65535);
    List<String> members = s.raw(Option.CLUSTER_MEMBERS)
        .map(v -> members(v))
        .orElse(List.of(clusterHost + ":" + clusterPort));
    ClusterConfig cluster = new ClusterConfig(clustered, clusterHost, clusterPort, members,
        s.raw(Option.CLUSTER_CONFIG).orElse("conf/cluster.xml"));
    if (clustered && storage.engine() == StorageConfig.Engine.SQLITE) {
      throw new ConfigException("--cluster needs PostgreSQL (--db postgresql://...): an SQLite file cannot be shared by several machines");
    }
    long bodyLimit = s.integer(Option.BODY_LIMIT, 1_048_576, 1024, 1L << 30);
    int requestTimeout = s.integer(Option.REQUEST_TIMEOUT, 30, 1, 3600);
    int headerTimeout = s.integer(Option.HEADER_TIMEOUT, 10, 1, 3600);
    int connectionsPerAddress = s.integer(Option.CONNECTIONS_PER_ADDRESS, 256, 1, 1_000_000);
    int clockSkew = s.integer(Option.CLOCK_SKEW, 300, 1, 86_400);
    String logLevel = s.raw(Option.LOG_LEVEL).map(v -> v.toLowerCase(Locale.ROOT)).orElse("info");
    if (!LOG_LEVELS.contains(logLevel)) {
      throw new ConfigException(Option.LOG_LEVEL.flagName() + ": '" + logLevel + "' is not one of " + String.join(", ", LOG_LEVELS));
    }
    Optional<List<String>> modules = s.raw(Option.MODULES).map(ModuleOptions::names);
    Path plugins = Path.of(s.raw(Option.PLUGINS).orElse(dataDir.resolve("plugins").toString()));
    Map<String, String> settings = s.raw(Option.SET).map(ModuleOptions::settings).orElse(Map.of());
    Optional<byte[]> masterKey = s.envOnly(Option.MASTER_KEY).map(OpenRedConfig::masterKey);
    return new OpenRedConfig(role, dataDir, httpHost, httpPort, domain, publicUrl, registry, heartbeat, storage, redis, dns,
        peers, allow, deny, federationRate, tlsCert, tlsKey, trustCa, s.bool(Option.INSECURE_HTTP), s.bool(Option.ALLOW_PRIVATE_URLS), cluster,
        bodyLimit, requestTimeout, headerTimeout, connectionsPerAddress, clockSkew, logLevel, modules, plugins, settings, masterKey);
  }

  private static URI httpUrl(Option option, String value) {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        throw new ConfigException(option.flagName() + ": '" + value + "' is not an http:// or https:// URL");
      }
      if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
        throw new ConfigException(option.flagName() + ": '" + value + "' must not carry user info, a query or a fragment");
      }
      String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
      return new URI(scheme, null, uri.getHost().toLowerCase(Locale.ROOT), uri.getPort(), path.isEmpty() ? null : path, null, null);
    } catch (URISyntaxException e) {
      throw new ConfigException(option.flagName() + ": '" + value + "' is not a URL");
    }
  }

  static StorageConfig storage(String value, Path dataDir) {
    if (value.equals("sqlite")) {
      return StorageConfig.sqlite(dataDir.resolve("openred.db"));
    }
    if (value.startsWith("sqlite:")) {
      String path = value.substring("sqlite:".length());
      if (path.isBlank()) {
        throw new ConfigException("--db: 'sqlite:' needs a file path after the colon");
      }
      return StorageConfig.sqlite(Path.of(path));
    }
    if (value.startsWith("postgresql://") || value.startsWith("postgres://")) {
      try {
        PgConnectOptions.fromUri(value);
      } catch (RuntimeException e) {
        throw new ConfigException("--db: '" + StorageConfig.postgresql(value).describe() + "' is not a valid PostgreSQL URL: " + e.getMessage());
      }
      return StorageConfig.postgresql(value);
    }
    throw new ConfigException("--db: '" + value + "' is neither sqlite, sqlite:PATH nor postgresql://user@host:port/db");
  }

  private static URI redisUrl(String value) {
    try {
      URI uri = new URI(value);
      if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new ConfigException("--redis: '" + value + "' is not a redis://host:port URL");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException("--redis: '" + value + "' is not a redis://host:port URL");
    }
  }

  private static HostAndPort hostAndPort(Option option, String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new ConfigException(option.flagName() + ": '" + value + "' is not HOST:PORT");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
      return new HostAndPort(host, port);
    } catch (NumberFormatException e) {
      throw new ConfigException(option.flagName() + ": '" + value + "' has no valid port");
    }
  }

  private static Map<String, URI> peers(String value) {
    Map<String, URI> peers = new LinkedHashMap<>();
    for (String entry : value.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("--peers: '" + entry.trim() + "' is not domain=url");
      }
      String domain = entry.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      if (!FederationDomain.isValid(domain)) {
        throw new ConfigException("--peers: '" + domain + "' is not a domain");
      }
      peers.put(domain, httpUrl(Option.PEERS, entry.substring(eq + 1).trim()));
    }
    return Collections.unmodifiableMap(peers);
  }

  private static Set<String> domains(Option option, String value) {
    Set<String> domains = new java.util.LinkedHashSet<>();
    for (String entry : value.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String domain = FederationDomain.normalise(entry.trim());
      if (domain == null) {
        throw new ConfigException(option.flagName() + ": '" + entry.trim() + "' is not a domain");
      }
      domains.add(domain);
    }
    return Set.copyOf(domains);
  }

  private static List<String> members(String value) {
    List<String> members = new ArrayList<>();
    for (String member : value.split(",")) {
      if (!member.isBlank()) {
        members.add(hostAndPort(Option.CLUSTER_MEMBERS, member.trim()).toString());
      }
    }
    if (members.isEmpty()) {
      throw new ConfigException("--cluster-members: give at least one HOST:PORT");
    }
    return List.copyOf(members);
  }

  private static Path readableFile(Option option, String value) {
    Path path = Path.of(value);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new ConfigException(option.flagName() + ": cannot read file '" + value + "'");
    }
    return path;
  }

  private static byte[] masterKey(String value) {
    byte[] secret;
    try {
      secret = Base64.getUrlDecoder().decode(value.trim());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(Option.MASTER_KEY.envName() + ": not base64url (make one with 'openred keygen')");
    }
    if (secret.length < 32) {
      throw new ConfigException(Option.MASTER_KEY.envName() + ": needs at least 32 bytes of secret, got " + secret.length);
    }
    return secret;
  }

  private static JsonObject readFile(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(Option.CONFIG.flagName() + ": cannot read '" + file + "'");
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException e) {
      throw new ConfigException(file + ": not a JSON object: " + firstLine(e.getMessage()));
    }
    for (String key : json.fieldNames()) {
      Option option = Option.byName(key);
      if (key.startsWith("_")) {
        continue; // "_comment" keys document the file
      }
      if (option == null || option == Option.CONFIG || option.secret()) {
        throw new ConfigException(file + ": unknown key '" + key + "'");
      }
    }
    return json;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** The four sources of a value, asked in precedence order. */
  private static final class Sources {
    private final Map<Option, String> flags;
    private final Map<String, String> env;
    private JsonObject file = new JsonObject();

    Sources(Map<Option, String> flags, Map<String, String> env) {
      this.flags = new HashMap<>(flags);
      this.env = env;
    }

    Optional<String> raw(Option option) {
      String flag = flags.get(option);
      if (flag != null) {
        return Optional.of(flag);
      }
      String fromEnv = env.get(option.envName());
      if (fromEnv != null && !fromEnv.isEmpty()) {
        return Optional.of(fromEnv);
      }
      Object fromFile = file.getValue(option.name());
      if (fromFile == null) {
        return Optional.empty();
      }
      if (fromFile instanceof JsonObject map) {
        // "peers" may be written as an object in the file
        StringBuilder joined = new StringBuilder();
        map.forEach(e -> joined.append(joined.isEmpty() ? "" : ",").append(e.getKey()).append('=').append(e.getValue()));
        return Optional.of(joined.toString());
      }
      if (fromFile instanceof JsonArray list) {
        return Optional.of(String.join(",", list.stream().map(String::valueOf).toList()));
      }
      return Optional.of(String.valueOf(fromFile));
    }

    Optional<String> envOnly(Option option) {
      return Optional.ofNullable(env.get(option.envName())).filter(v -> !v.isEmpty());
    }

    long integer(Option option, long defaultValue, long min, long max) {
      Optional<String> raw = raw(option);
      if (raw.isEmpty()) {
        return defaultValue;
      }
      try {
        long value = Long.parseLong(raw.get().trim());
        if (value < min || value > max) {
          throw new ConfigException(option.flagName() + ": " + value + " is out of range " + min + " to " + max);
        }
        return value;
      } catch (NumberFormatException e) {
        throw new ConfigException(option.flagName() + ": '" + raw.get() + "' is not a whole number");
      }
    }

    int integer(Option option, int defaultValue, int min, int max) {
      return (int) integer(option, (long) defaultValue, min, max);
    }

    boolean bool(Option option) {
      Optional<String> raw = raw(option);
      if (raw.isEmpty()) {
        return false;
      }
      return switch (raw.get().trim().toLowerCase(Locale.ROOT)) {
        case "true", "1", "yes", "on" -> true;
        case "false", "0", "no", "off" -> false;
        default -> throw new ConfigException(option.flagName() + ": '" + raw.get() + "' is not true or false");
      };
    }
  }
}
