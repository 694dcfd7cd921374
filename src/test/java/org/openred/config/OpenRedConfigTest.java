package org.openred.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenRedConfigTest {
  @TempDir
  Path dir;

  private static OpenRedConfig load(Map<Option, String> flags, Map<String, String> env) {
    return OpenRedConfig.load(Role.ALL, flags, env);
  }

  private static String refusal(Map<Option, String> flags, Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> load(flags, env)).getMessage();
  }

  @Test
  @DisplayName("With nothing given: role all, ./data, port 8080, localhost:8080, SQLite, no cluster")
  void defaults() {
    OpenRedConfig config = load(Map.of(), Map.of());
    assertEquals(Role.ALL, config.role());
    assertEquals(Path.of("data"), config.dataDir());
    assertEquals(8080, config.httpPort());
    assertEquals("localhost:8080", config.domain());
    assertEquals("http://localhost:8080", config.publicUrl().toString());
    assertEquals(StorageConfig.Engine.SQLITE, config.storage().engine());
    assertEquals(Path.of("data", "openred.db"), config.storage().sqliteFile());
    assertFalse(config.cluster().enabled());
    assertEquals(1_048_576, config.bodyLimit());
    assertTrue(config.redisUrl().isEmpty());
  }

  @Test
  @DisplayName("Precedence: flag, then OPENRED_* environment, then the config file, then default")
  void precedence() throws IOException {
    Path file = dir.resolve("openred.json");
    Files.writeString(file, "{\"_comment\":\"x\",\"http-port\":9001,\"domain\":\"file.test\",\"body-limit\":4096,"
        + "\"peers\":{\"b.test\":\"http://127.0.0.1:9\"}}");
    Map<String, String> env = Map.of("OPENRED_CONFIG", file.toString(), "OPENRED_HTTP_PORT", "9002", "OPENRED_DOMAIN", "env.test");
    OpenRedConfig fromEnv = load(Map.of(), env);
    assertEquals(9002, fromEnv.httpPort());
    assertEquals("env.test", fromEnv.domain());
    assertEquals(4096, fromEnv.bodyLimit());
    assertEquals("http://127.0.0.1:9", fromEnv.peers().get("b.test").toString());
    OpenRedConfig fromFlag = load(Map.of(Option.HTTP_PORT, "9003"), env);
    assertEquals(9003, fromFlag.httpPort());
    OpenRedConfig fromFile = load(Map.of(Option.CONFIG, file.toString()), Map.of());
    assertEquals(9001, fromFile.httpPort());
    assertEquals("file.test", fromFile.domain());
  }

  @Test
  @DisplayName("Each bad value is refused with a message naming its option")
  void refusals() throws IOException {
    assertTrue(refusal(Map.of(Option.HTTP_PORT, "80a"), Map.of()).startsWith("--http-port:"));
    assertTrue(refusal(Map.of(Option.HTTP_PORT, "70000"), Map.of()).startsWith("--http-port:"));
    assertTrue(refusal(Map.of(), Map.of("OPENRED_HTTP_PORT", "-1")).startsWith("--http-port:"));
    assertTrue(refusal(Map.of(Option.DOMAIN, "bad_domain!"), Map.of()).startsWith("--domain:"));
    assertTrue(refusal(Map.of(Option.DOMAIN, "a.test:99999"), Map.of()).startsWith("--domain:"));
    assertTrue(refusal(Map.of(Option.PUBLIC_URL, "ftp://x"), Map.of()).startsWith("--public-url:"));
    assertTrue(refusal(Map.of(Option.REGISTRY, "not a url"), Map.of()).startsWith("--registry:"));
    assertTrue(refusal(Map.of(Option.DB, "mysql://x"), Map.of()).startsWith("--db:"));
    assertTrue(refusal(Map.of(Option.DB, "postgresql://u@h:notaport/db"), Map.of()).startsWith("--db:"));
    assertTrue(refusal(Map.of(Option.REDIS, "http://x"), Map.of()).startsWith("--redis:"));
    assertTrue(refusal(Map.of(Option.DNS, "127.0.0.1"), Map.of()).startsWith("--dns:"));
    assertTrue(refusal(Map.of(Option.PEERS, "b.test"), Map.of()).startsWith("--peers:"));
    assertTrue(refusal(Map.of(Option.TLS_CERT, dir.resolve("missing.pem").toString()), Map.of()).startsWith("--tls-cert:"));
    assertTrue(refusal(Map.of(Option.CLUSTER, "maybe"), Map.of()).startsWith("--cluster:"));
    assertTrue(refusal(Map.of(Option.LOG_LEVEL, "loud"), Map.of()).startsWith("--log-level:"));
    assertTrue(refusal(Map.of(), Map.of("OPENRED_MASTER_KEY", "short")).startsWith("OPENRED_MASTER_KEY:"));
    assertTrue(refusal(Map.of(Option.CONFIG, dir.resolve("none.json").toString()), Map.of()).startsWith("--config:"));
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"http-port\": 80,");
    assertTrue(refusal(Map.of(Option.CONFIG, broken.toString()), Map.of()).contains("not a JSON object"));
    Path unknown = dir.resolve("unknown.json");
    Files.writeString(unknown, "{\"http_port\": 80}");
    assertTrue(refusal(Map.of(Option.CONFIG, unknown.toString()), Map.of()).contains("unknown key 'http_port'"));
    Path secret = dir.resolve("secret.json");
    Files.writeString(secret, "{\"master-key\": \"abc\"}");
    assertTrue(refusal(Map.of(Option.CONFIG, secret.toString()), Map.of()).contains("unknown key 'master-key'"));
  }

  @Test
  @DisplayName("A clustered node refuses SQLite: a file cannot be shared across machines")
  void clusterNeedsPostgres() {
    assertTrue(refusal(Map.of(Option.CLUSTER, "true"), Map.of()).contains("needs PostgreSQL"));
    OpenRedConfig config = load(Map.of(Option.CLUSTER, "true", Option.DB, "postgresql://u@127.0.0.1:5432/test",
        Option.CLUSTER_MEMBERS, "127.0.0.1:5701,127.0.0.1:5702"), Map.of());
    assertTrue(config.cluster().enabled());
    assertEquals(2, config.cluster().members().size());
  }

  @Test
  @DisplayName("TLS options go in pairs and make the default public URL https")
  void tls() throws IOException {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
    Path key = Files.writeString(dir.resolve("key.pem"), "x");
    assertTrue(refusal(Map.of(Option.TLS_CERT, cert.toString()), Map.of()).contains("go together"));
    OpenRedConfig config = load(Map.of(Option.TLS_CERT, cert.toString(), Option.TLS_KEY, key.toString(), Option.DOMAIN, "a.test"), Map.of());
    assertEquals("https://a.test", config.publicUrl().toString());
  }

  @Test
  @DisplayName("Logs never show a PostgreSQL password")
  void passwordHidden() {
    OpenRedConfig config = load(Map.of(Option.DB, "postgresql://user:hunter2@db.local:5432/openred"), new HashMap<>());
    assertEquals("postgresql://user:***@db.local:5432/openred", config.storage().describe());
  }

  @Test
  @DisplayName("An unconfigured node listens on loopback only; a domain, a public URL or an address makes it listen as asked")
  void loopbackByDefault() {
    assertEquals("127.0.0.1", load(Map.of(), Map.of()).httpHost());
    assertEquals("0.0.0.0", load(Map.of(Option.DOMAIN, "a.example"), Map.of()).httpHost());
    assertEquals("0.0.0.0", load(Map.of(), Map.of("OPENRED_PUBLIC_URL", "https://a.example")).httpHost());
    assertEquals("0.0.0.0", load(Map.of(Option.HTTP_HOST, "0.0.0.0"), Map.of()).httpHost());
    assertEquals("192.0.2.1", load(Map.of(Option.HTTP_HOST, "192.0.2.1"), Map.of()).httpHost());
  }
}
