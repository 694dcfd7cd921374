package org.openred.plugins;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openred.app.Main;
import org.openred.app.OpenRedNode;
import org.openred.config.Option;
import org.openred.testing.ClientApi;
import org.openred.testing.FakeNode;
import org.openred.testing.TestNodes;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.Problems.assertProblem;
import static org.openred.testing.TestNodes.await;

/**
 * A real plugin: a jar compiled here from the source below, put in the plugins directory, found
 * through ServiceLoader. It adds a route, an envelope type with its inbound handler, a migration, a
 * setting and an AEAD suite (and a filter and a live-event kind); a node started with it serves them,
 * an admin switches it off (its route answers 404, its envelopes are refused) and on again while the
 * node runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PluginTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String MODULE = """
      package org.example.echo;

      import io.vertx.core.json.JsonObject;
      import io.vertx.sqlclient.templates.SqlTemplate;
      import org.openred.crypto.Aead;
      import org.openred.crypto.AeadSuite;
      import org.openred.node.*;
      import org.openred.web.JsonExchange;
      import java.util.List;
      import java.util.Map;

      public final class EchoModule implements OpenRedModule {
        public String name() { return "echo"; }
        public boolean hasMigrations() { return true; }
        public List<Setting> settings() { return List.of(Setting.text("greeting", "hello", "what GET /api/v1/echo says")); }
        public List<EnvelopeType> envelopeTypes() { return List.of(new EnvelopeType("echo_note", "POST", "/echo/notes", "echo")); }
        public List<Deployment> verticles(ModuleContext context) { return List.of(Deployment.one(() -> new EchoInbound(context.services()))); }
        public java.util.Set<String> liveEventKinds() { return java.util.Set.of("echo.noted"); }
        public List<io.vertx.core.Handler<io.vertx.ext.web.RoutingContext>> filters(ModuleContext context) {
          return List.of(ctx -> { ctx.response().putHeader("X-Echo", context.setting("greeting")); ctx.next(); });
        }
        public List<AeadSuite> aeadSuites() {
          return List.of(new AeadSuite() {
            public String wireName() { return "echo-aes-256-gcm"; }
            public byte[] seal(byte[] k, byte[] n, byte[] p, byte[] a) { return Aead.AES_256_GCM.seal(k, n, p, a); }
            public byte[] open(byte[] k, byte[] n, byte[] c, byte[] a) { return Aead.AES_256_GCM.open(k, n, c, a); }
          });
        }
        public List<RouteModule> routes(ModuleContext context) {
          return List.of(router -> router.get("/api/v1/echo").handler(ctx ->
              SqlTemplate.forQuery(context.services().database().pool(), "SELECT COUNT(*) AS n FROM echo_notes").execute(Map.of())
                  .onSuccess(rows -> JsonExchange.send(ctx, 200, new JsonObject().put("greeting", context.setting("greeting"))
                      .put("notes", rows.iterator().next().getLong("n"))))
                  .onFailure(ctx::fail)));
        }
      }
      """;
  private static final String INBOUND = """
      package org.example.echo;

      import io.vertx.core.Future;
      import io.vertx.core.VerticleBase;
      import io.vertx.core.json.JsonObject;
      import io.vertx.sqlclient.templates.SqlTemplate;
      import org.openred.kernel.Addresses;
      import org.openred.kernel.Operations;
      import org.openred.node.NodeServices;
      import java.util.Map;

      public final class EchoInbound extends VerticleBase {
        private final NodeServices services;
        public EchoInbound(NodeServices services) { this.services = services; }
        public Future<?> start() {
          return Operations.serve(vertx, Addresses.inbound("echo"), true, org.slf4j.LoggerFactory.getLogger("echo"), envelope ->
              SqlTemplate.forUpdate(services.database().pool(), "INSERT INTO echo_notes (id, text) VALUES (#{id}, #{text}) ON CONFLICT (id) DO NOTHING")
                  .execute(Map.of("id", envelope.getString("id"), "text", envelope.getJsonObject("payload").getString("text", "")))
                  .map(done -> {
                    services.liveEvents().publish(new org.openred.kernel.UserId("root", services.config().domain()), "echo.noted",
                        new JsonObject().put("text", envelope.getJsonObject("payload").getString("text", "")));
                    return new JsonObject().put("status", 201);
                  })).completion();
        }
      }
      """;
  /** A plugin that tries to stand in for the crypto sandbox. */
  private static final String THIEF = """
      package org.example.thief;

      import io.vertx.core.Future;
      import io.vertx.core.VerticleBase;
      import org.openred.node.*;
      import java.util.List;

      public final class ThiefModule implements OpenRedModule {
        public String name() { return "thief"; }
        public List<Deployment> verticles(ModuleContext context) {
          return List.of(Deployment.one(() -> new VerticleBase() {
            public Future<?> start() { return vertx.eventBus().consumer("openred.crypto.sign", message -> message.reply(null)).completion(); }
          }));
        }
      }
      """;

  private Path dir;
  private Path plugins;
  private FakeNode peer;
  private OpenRedNode node;
  private int port;
  private String admin;
  private String user;

  @BeforeAll
  void start() throws Exception {
    dir = TestNodes.tempDir("plugin");
    plugins = Files.createDirectories(dir.resolve("plugins"));
    jar(plugins.resolve("echo.jar"), Map.of("org/example/echo/EchoModule.java", MODULE, "org/example/echo/EchoInbound.java", INBOUND),
        Map.of("META-INF/services/org.openred.node.OpenRedModule", "org.example.echo.EchoModule\n",
            "db/sqlite/echo/index", "001_notes.sql\n", "db/postgresql/echo/index", "001_notes.sql\n",
            "db/sqlite/echo/001_notes.sql", "CREATE TABLE echo_notes (id TEXT PRIMARY KEY, text TEXT NOT NULL);\n",
            "db/postgresql/echo/001_notes.sql", "CREATE TABLE echo_notes (id TEXT PRIMARY KEY, text TEXT NOT NULL);\n"));
    peer = new FakeNode("peer.test");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"user", "add", "--admin", "root", "--data", dir.toString(), "--domain", "p.test"}, Map.of(),
        new ByteArrayInputStream((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)), new PrintStream(out), new PrintStream(out));
    assertEquals(0, code, out.toString());
    node = spec().start();
    admin = login("root");
    user = ClientApi.session(port, "ann");
  }

  /** Restarted on the same port (one outside the ephemeral range), listening beyond loopback for the metrics check. */
  private TestNodes.Spec spec() {
    if (port == 0) {
      port = TestNodes.stablePort();
    }
    return new TestNodes.Spec().dataDir(dir).flag(Option.DOMAIN, "p.test").flag(Option.PLUGINS, plugins.toString())
        .flag(Option.SET, "echo.greeting=bonjour").flag(Option.PEERS, "peer.test=" + peer.apiUrl())
        .flag(Option.HTTP_PORT, Integer.toString(port)).flag(Option.HTTP_HOST, "0.0.0.0").flag(Option.PUBLIC_URL, "http://127.0.0.1:" + port);
  }

  @AfterAll
  void stop() {
    if (node != null) {
      await(node.close());
    }
    peer.close();
    TestNodes.deleteRecursively(dir);
  }

  @Test
  @DisplayName("A node started with the plugin serves its route, setting, migration, envelope type and AEAD suite; admins see it listed")
  void servesAllFive() {
    JsonObject echo = echo(200);
    assertEquals("bonjour", echo.getString("greeting"), "the setting, from --set");
    long notes = echo.getLong("notes");
    java.util.concurrent.CompletableFuture<JsonObject> live = new java.util.concurrent.CompletableFuture<>();
    var listener = node.vertx().eventBus().<JsonObject>consumer("user.root", message -> live.complete(message.body()));
    await(listener.completion());
    assertEquals(201, note("first").statusCode(), "the envelope type is received and applied into the plugin's own table");
    assertEquals(notes + 1, echo(200).getLong("notes"));
    assertEquals(new JsonObject().put("text", "first").put("type", "echo.noted"), live.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join(),
        "the declared live-event kind, on the user's own address");
    await(listener.unregister());
    assertEquals("bonjour", ClientApi.send(port, "GET", "/api/v1/health", null, null).headers().firstValue("X-Echo").orElse(null),
        "the plugin's filter runs on every request");

    var suite = node.aeadSuites().byName("echo-aes-256-gcm").orElseThrow();
    byte[] key = new byte[32];
    byte[] nonce = new byte[12];
    byte[] sealed = suite.seal(key, nonce, "secret".getBytes(StandardCharsets.UTF_8), new byte[0]);
    assertArrayEquals("secret".getBytes(StandardCharsets.UTF_8), suite.open(key, nonce, sealed, new byte[0]));

    JsonObject listing = modules(admin);
    assertTrue(listing.getJsonArray("aead_suites").contains("echo-aes-256-gcm"), listing.encode());
    assertTrue(listing.getJsonArray("aead_suites").contains("aes-256-gcm"), "the built-ins are there too");
    JsonObject plugin = module(listing, "echo");
    assertEquals("plugin", plugin.getString("kind"));
    assertEquals("running", plugin.getString("state"));
    assertEquals(new JsonArray().add("echo_note"), plugin.getJsonArray("envelope_types"));
    assertEquals("bonjour", plugin.getJsonObject("settings").getString("greeting"));
    assertEquals(new JsonArray().add("echo.noted"), plugin.getJsonArray("live_events"));
    assertEquals("built-in", module(listing, "accounts").getString("kind"));
  }

  @Test
  @DisplayName("Only admins see or switch modules; built-ins and unknown modules cannot be switched")
  void adminOnly() {
    assertProblem(401, "missing-token", ClientApi.send(port, "GET", "/api/v1/admin/modules", null, null));
    assertProblem(403, "admin-only", ClientApi.send(port, "GET", "/api/v1/admin/modules", user, null));
    assertProblem(403, "admin-only", ClientApi.send(port, "POST", "/api/v1/admin/modules/echo/disable", user, null));
    assertProblem(409, "built-in-module", ClientApi.send(port, "POST", "/api/v1/admin/modules/messaging/disable", admin, null));
    assertProblem(404, "unknown-module", ClientApi.send(port, "POST", "/api/v1/admin/modules/nothing/disable", admin, null));
  }

  @Test
  @DisplayName("Metrics from beyond loopback: admins only")
  void metricsForAdmins() throws Exception {
    String address = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
        .flatMap(n -> java.util.Collections.list(n.getInetAddresses()).stream())
        .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress()).map(java.net.InetAddress::getHostAddress)
        .findFirst().orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(address != null, "this machine has no address beyond loopback");
    var http = java.net.http.HttpClient.newHttpClient();
    java.util.function.Function<String, HttpResponse<String>> get = token -> {
      var request = java.net.http.HttpRequest.newBuilder(URI.create("http://" + address + ":" + port + "/metrics"));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      try {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    assertProblem(403, "forbidden", get.apply(null));
    assertProblem(403, "admin-only", get.apply(user));
    HttpResponse<String> served = get.apply(admin);
    assertEquals(200, served.statusCode(), served.body());
    assertTrue(served.body().contains("openred_up 1"));
  }

  @Test
  @DisplayName("Switched off while the node runs: 404 on its route, its envelopes refused; on again, it serves; the switch holds across a restart")
  void switchedOffAndOn() {
    HttpResponse<String> off = ClientApi.send(port, "POST", "/api/v1/admin/modules/echo/disable", admin, null);
    assertEquals(200, off.statusCode(), off.body());
    assertEquals("disabled", new JsonObject(off.body()).getString("state"));
    assertProblem(404, "not-found", ClientApi.send(port, "GET", "/api/v1/echo", null, null));
    assertProblem(400, "unsupported-envelope-type", note("while-off"));
    assertTrue(ClientApi.send(port, "GET", "/api/v1/health", null, null).headers().firstValue("X-Echo").isEmpty(), "its filter is off too");
    assertEquals("disabled", module(modules(admin), "echo").getString("state"));

    await(node.close());
    node = spec().start();
    admin = login("root");
    assertProblem(404, "not-found", ClientApi.send(port, "GET", "/api/v1/echo", null, null));

    HttpResponse<String> on = ClientApi.send(port, "POST", "/api/v1/admin/modules/echo/enable", admin, null);
    assertEquals(200, on.statusCode(), on.body());
    long notes = echo(200).getLong("notes");
    assertEquals(201, note("after").statusCode());
    assertEquals(notes + 1, echo(200).getLong("notes"));
  }

  @Test
  @DisplayName("Bad plugin configuration stops start-up with one clear line: an unknown setting, a refused value, an unknown module")
  void badConfiguration() {
    assertStartRefused("module echo has no setting nope", Option.SET, "echo.nope=1");
    assertStartRefused("must not be empty", Option.SET, "echo.greeting= ");
    assertStartRefused("no module named nothing", Option.MODULES, "accounts,nothing");
  }

  @Test
  @DisplayName("A plugin may not consume the crypto sandbox's addresses: the node refuses to start with it")
  void sandboxAddressesAreTheKernels() throws Exception {
    Path other = TestNodes.tempDir("plugin-thief");
    try {
      Path thieves = Files.createDirectories(other.resolve("plugins"));
      jar(thieves.resolve("thief.jar"), Map.of("org/example/thief/ThiefModule.java", THIEF),
          Map.of("META-INF/services/org.openred.node.OpenRedModule", "org.example.thief.ThiefModule\n"));
      Throwable refused = assertThrows(Throwable.class, () -> new TestNodes.Spec().dataDir(other).flag(Option.PLUGINS, thieves.toString()).start());
      assertTrue(causes(refused).contains("may not consume openred.crypto.sign"), causes(refused));
    } finally {
      TestNodes.deleteRecursively(other);
    }
  }

  private void assertStartRefused(String expected, Option option, String value) {
    Path other = TestNodes.tempDir("plugin-bad");
    try {
      Throwable refused = assertThrows(Throwable.class, () -> new TestNodes.Spec().dataDir(other).flag(Option.PLUGINS, plugins.toString())
          .flag(option, value).start());
      assertTrue(causes(refused).contains(expected), causes(refused));
    } finally {
      TestNodes.deleteRecursively(other);
    }
  }

  private static String causes(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      text.append(t).append(" | ");
    }
    return text.toString();
  }

  private JsonObject echo(int status) {
    HttpResponse<String> response = ClientApi.send(port, "GET", "/api/v1/echo", null, null);
    assertEquals(status, response.statusCode(), response.body());
    return new JsonObject(response.body());
  }

  /** A hand-written echo_note envelope from peer.test, on the plugin's own endpoint. */
  private HttpResponse<String> note(String text) {
    URI url = URI.create("http://127.0.0.1:" + port + "/federation/v1/echo/notes");
    byte[] body = peer.envelope("echo_note", "p.test", new JsonObject().put("text", text)).toBuffer().getBytes();
    return FakeNode.post(url, FakeNode.sign(peer.signingPrivate, peer.domain, "POST", url, body, Clock.systemUTC()), body);
  }

  private JsonObject modules(String token) {
    HttpResponse<String> response = ClientApi.send(port, "GET", "/api/v1/admin/modules", token, null);
    assertEquals(200, response.statusCode(), response.body());
    return new JsonObject(response.body());
  }

  private static JsonObject module(JsonObject listing, String name) {
    return listing.getJsonArray("modules").stream().map(JsonObject.class::cast).filter(m -> name.equals(m.getString("name")))
        .findFirst().orElseThrow(() -> new AssertionError("no module " + name + " in " + listing.encode()));
  }

  private String login(String name) {
    HttpResponse<String> response = ClientApi.send(port, "POST", "/api/v1/auth/login", null,
        new JsonObject().put("username", name).put("password", PASSWORD));
    assertEquals(200, response.statusCode(), response.body());
    return new JsonObject(response.body()).getString("access_token");
  }

  /** Compiles the sources against the node's class path and writes them, with the resources, into a jar. */
  static void jar(Path jar, Map<String, String> sources, Map<String, String> resources) throws IOException {
    Path build = Files.createTempDirectory("openred-plugin-build");
    try {
      Path src = build.resolve("src");
      Path classes = Files.createDirectories(build.resolve("classes"));
      for (var source : sources.entrySet()) {
        Path file = src.resolve(source.getKey());
        Files.createDirectories(file.getParent());
        Files.writeString(file, source.getValue());
      }
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      ByteArrayOutputStream errors = new ByteArrayOutputStream();
      List<String> args = new java.util.ArrayList<>(List.of("-classpath", System.getProperty("java.class.path"), "-d", classes.toString(),
          "--release", "17", "-proc:none"));
      sources.keySet().forEach(name -> args.add(src.resolve(name).toString()));
      int compiled = javac.run(null, OutputStream.nullOutputStream(), errors, args.toArray(String[]::new));
      assertEquals(0, compiled, errors.toString());
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
          out.write(Files.readAllBytes(file));
          out.closeEntry();
        }
        for (var resource : resources.entrySet()) {
          out.putNextEntry(new JarEntry(resource.getKey()));
          out.write(resource.getValue().getBytes(StandardCharsets.UTF_8));
          out.closeEntry();
        }
      }
    } finally {
      TestNodes.deleteRecursively(build);
    }
  }
}
