package org.openred.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.openred.config.Option;
import org.openred.app.OpenRedNode;
import org.openred.testing.Chat;
import org.openred.testing.FakeNode;
import org.openred.testing.TestNodes;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Node B's ingest alone: individually signed {@code POST /federation/v1/messages} requests, signed
 * beforehand, fired at B over loopback with a fixed number in flight. Run with bench/federation.sh.
 */
public final class IngestBench {
  /**
   * Requests sent before timing. On two cores the JIT's compiler threads compete with the load and
   * take about 80,000 requests to finish the hot paths (a third of the CPU until then).
   */
  private static final int WARM_UP = Integer.getInteger("bench.warmup", 80_000);
  private static final int ROUNDS = 3;

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 30_000;
    int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    Path dir = TestNodes.tempDir("ingest");
    FakeNode sender = new FakeNode("sender.test");
    TestNodes.Spec spec = new TestNodes.Spec().dataDir(dir).flag(Option.DOMAIN, "b.test").flag(Option.LOG_LEVEL, "warn")
        .flag(Option.FEDERATION_RATE, "1000000").flag(Option.PEERS, "sender.test=" + sender.apiUrl());
    String db = System.getProperty("bench.db", "sqlite");
    String postgres = db.equals("postgresql") ? TestNodes.createPostgresSchema() : null;
    if (postgres != null) {
      spec.flag(Option.DB, postgres);
    }
    int port = spec.port();
    spec.flag(Option.PUBLIC_URL, "http://127.0.0.1:" + port);
    OpenRedNode b = spec.start();
    Vertx vertx = Vertx.vertx();
    try {
      // Messages B applies: in a conversation between alice@sender.test and bob@b.test, made first.
      org.openred.testing.ClientApi.session(port, "bob");
      URI conversations = URI.create("http://127.0.0.1:" + port + "/federation/v1/conversations");
      byte[] create = sender.envelope("conversation_create", "b.test", Chat.create("ingest", "alice@sender.test", "bob@b.test"))
          .toBuffer().getBytes();
      if (FakeNode.post(conversations, FakeNode.sign(sender.signingPrivate, "sender.test", "POST", conversations, create, Clock.systemUTC()),
          create).statusCode() != 201) {
        throw new IllegalStateException("the conversation was not created at B");
      }
      URI url = URI.create("http://127.0.0.1:" + port + "/federation/v1/messages");
      List<RequestOptions> requests = new ArrayList<>(count);
      List<Buffer> bodies = new ArrayList<>(count);
      for (int i = 0; i < count + WARM_UP; i++) {
        Buffer body = sender.envelope("direct_message", "b.test", Chat.message("ingest", "alice@sender.test", "bob@b.test", i)).toBuffer();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
            .setURI(url.getPath()).putHeader("Content-Type", "application/json");
        Map<String, String> signature = FakeNode.sign(sender.signingPrivate, "sender.test", "POST", url, body.getBytes(), Clock.systemUTC());
        signature.forEach(options::putHeader);
        requests.add(options);
        bodies.add(body);
      }
      HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(true),
          new PoolOptions().setHttp1MaxSize(inFlight));
      fire(client, requests.subList(0, WARM_UP), bodies.subList(0, WARM_UP), inFlight);
      System.out.printf("machine: %d cores, %s; node B (%s) and the load generator in one JVM%n",
          Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"), db);
      int perRound = count / ROUNDS;
      double[] rates = new double[ROUNDS];
      try (TimedProfile profile = TimedProfile.start()) {
        for (int round = 0; round < ROUNDS; round++) {
          int from = WARM_UP + round * perRound;
          long start = System.nanoTime();
          int accepted = fire(client, requests.subList(from, from + perRound), bodies.subList(from, from + perRound), inFlight);
          rates[round] = accepted / ((System.nanoTime() - start) / 1e9);
          if (accepted != perRound) {
            throw new IllegalStateException("B accepted " + accepted + " of " + perRound);
          }
        }
      }
      Arrays.sort(rates);
      System.out.printf("B ingest of individually signed requests: median of %d rounds of %d = %.0f requests/s (rounds %.0f to %.0f; %d in flight)%n",
          ROUNDS, perRound, rates[ROUNDS / 2], rates[0], rates[ROUNDS - 1], inFlight);
    } finally {
      TestNodes.await(vertx.close());
      TestNodes.await(b.close());
      sender.close();
      TestNodes.deleteRecursively(dir);
      if (postgres != null) {
        TestNodes.dropPostgresSchema(postgres);
      }
    }
  }

  private static int fire(HttpClientAgent client, List<RequestOptions> requests, List<Buffer> bodies, int inFlight) {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger accepted = new AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < inFlight; lane++) {
      lanes.add(lane(client, requests, bodies, next, accepted));
    }
    TestNodes.await(Future.all(lanes));
    return accepted.get();
  }

  private static Future<Void> lane(HttpClientAgent client, List<RequestOptions> requests, List<Buffer> bodies,
                                   AtomicInteger next, AtomicInteger accepted) {
    int i = next.getAndIncrement();
    if (i >= requests.size()) {
      return Future.succeededFuture();
    }
    return client.request(requests.get(i)).compose(request -> request.send(bodies.get(i)))
        .compose(response -> response.body().map(response.statusCode()))
        .compose(status -> {
          if (status == 202) {
            accepted.incrementAndGet();
          }
          return lane(client, requests, bodies, next, accepted);
        });
  }
}
