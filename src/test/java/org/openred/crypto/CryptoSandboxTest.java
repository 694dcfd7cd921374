package org.openred.crypto;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openred.kernel.Addresses;
import org.openred.config.Option;
import org.openred.config.StartupFailure;
import org.openred.app.OpenRedNode;
import org.openred.testing.StorageEngines;
import org.openred.testing.TestNodes;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;

/** The sandbox as other verticles see it: over local event-bus addresses of a real node. */
class CryptoSandboxTest {
  @TempDir
  Path dir;
  private final List<OpenRedNode> started = new ArrayList<>();
  private final List<String> databases = new ArrayList<>();

  private OpenRedNode start(TestNodes.Spec spec) {
    OpenRedNode node = spec.start();
    started.add(node);
    return node;
  }

  private TestNodes.Spec spec(String db) {
    databases.add(db);
    return new TestNodes.Spec().dataDir(dir.resolve("data")).flag(Option.DB, db);
  }

  @AfterEach
  void stop() {
    started.forEach(node -> await(node.close()));
    databases.forEach(StorageEngines::dropFlag);
  }

  private static JsonObject call(OpenRedNode node, String address, JsonObject body) {
    return await(node.vertx().eventBus().<JsonObject>request(address, body)).body();
  }

  private static ReplyException refusal(OpenRedNode node, String address, JsonObject body) {
    Throwable failure = assertThrows(RuntimeException.class, () -> call(node, address, body));
    return assertInstanceOf(ReplyException.class, failure);
  }

  @ParameterizedTest
  @MethodSource("org.openred.testing.StorageEngines#both")
  @DisplayName("Keys persist encrypted: a restart keeps the node_id, and no private key is stored in clear")
  void keysPersistAcrossRestart(StorageEngines engine) {
    String db = engine.dbFlag(dir);
    OpenRedNode first = start(spec(db));
    String nodeId = first.keys().nodeId();
    assertEquals(NodeId.of(B64u.decode(first.keys().signingPublicKey())), nodeId);
    var rows = await(SqlTemplate.forQuery(first.database().pool(), "SELECT key_id, sealed_private FROM node_keys").execute(Map.of()));
    assertEquals(2, rows.size());
    await(first.close());
    started.clear();
    OpenRedNode second = start(spec(db));
    assertEquals(nodeId, second.keys().nodeId());
    assertEquals(first.keys().agreementPublicKey(), second.keys().agreementPublicKey());
    assertTrue(Files.exists(dir.resolve("data").resolve("master.key")));
  }

  @Test
  @DisplayName("sign verifies with the published key; verify refuses a changed message")
  void signAndVerify() {
    OpenRedNode node = start(spec(StorageEngines.SQLITE.dbFlag(dir)));
    byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
    JsonObject signed = call(node, Addresses.CRYPTO_SIGN, new JsonObject().put("data", B64u.encode(data)));
    byte[] signature = B64u.decode(signed.getString("signature"));
    assertTrue(Ed25519.verify(B64u.decode(node.keys().signingPublicKey()), data, signature));
    assertTrue(call(node, Addresses.CRYPTO_VERIFY, new JsonObject().put("public_key", node.keys().signingPublicKey())
        .put("data", B64u.encode(data)).put("signature", signed.getString("signature"))).getBoolean("valid"));
    assertFalse(call(node, Addresses.CRYPTO_VERIFY, new JsonObject().put("public_key", node.keys().signingPublicKey())
        .put("data", B64u.encode("hellO".getBytes(StandardCharsets.UTF_8))).put("signature", signed.getString("signature"))).getBoolean("valid"));
    assertArrayEquals(signature, await(new CryptoClient(node.vertx()).sign(data)));
  }

  @Test
  @DisplayName("seal/open round-trips; another aad, another purpose or a flipped bit does not open")
  void sealAndOpen() {
    OpenRedNode node = start(spec(StorageEngines.SQLITE.dbFlag(dir)));
    CryptoClient crypto = new CryptoClient(node.vertx());
    byte[] aad = "refresh_tokens|42".getBytes(StandardCharsets.UTF_8);
    String sealed = await(crypto.seal("refresh-tokens", "secret".getBytes(StandardCharsets.UTF_8), aad));
    assertEquals("secret", new String(await(crypto.open("refresh-tokens", sealed, aad)), StandardCharsets.UTF_8));
    assertEquals(400, refusal(node, Addresses.CRYPTO_OPEN, new JsonObject().put("purpose", "refresh-tokens").put("sealed", sealed)
        .put("aad", B64u.encode("refresh_tokens|43".getBytes(StandardCharsets.UTF_8)))).failureCode());
    assertEquals(400, refusal(node, Addresses.CRYPTO_OPEN, new JsonObject().put("purpose", "session-keys").put("sealed", sealed)
        .put("aad", B64u.encode(aad))).failureCode());
    byte[] flipped = B64u.decode(sealed);
    flipped[20] ^= 1;
    assertTrue(refusal(node, Addresses.CRYPTO_OPEN, new JsonObject().put("purpose", "refresh-tokens").put("sealed", B64u.encode(flipped))
        .put("aad", B64u.encode(aad))).getMessage().startsWith("unsealable"));
    // The node-keys subkey is the sandbox's own: nobody may seal or open with it through the bus.
    assertEquals(400, refusal(node, Addresses.CRYPTO_SEAL, new JsonObject().put("purpose", "node-keys")
        .put("plaintext", "AA")).failureCode());
  }

  @Test
  @DisplayName("agree derives the same key as the peer's X25519 + HKDF, and refuses small-order keys")
  void agree() {
    OpenRedNode node = start(spec(StorageEngines.SQLITE.dbFlag(dir)));
    byte[] peerPrivate = X25519.generatePrivateKey(new SecureRandom());
    byte[] salt = "salt".getBytes(StandardCharsets.UTF_8);
    byte[] info = "openred/v1/test".getBytes(StandardCharsets.UTF_8);
    byte[] nodeSide = await(new CryptoClient(node.vertx()).agree(X25519.publicKey(peerPrivate), salt, info, 32));
    byte[] peerSide = Hkdf.sha256(X25519.agree(peerPrivate, B64u.decode(node.keys().agreementPublicKey())), salt, info, 32);
    assertArrayEquals(peerSide, nodeSide);
    assertEquals(400, refusal(node, Addresses.CRYPTO_AGREE, new JsonObject().put("public_key", B64u.encode(new byte[32]))).failureCode());
    assertEquals(400, refusal(node, Addresses.CRYPTO_HKDF, new JsonObject().put("ikm", "AA").put("length", 9000)).failureCode());
    assertEquals(400, refusal(node, Addresses.CRYPTO_SIGN, new JsonObject().put("data", "not base64!")).failureCode());
  }

  @Test
  @DisplayName("The sandbox answers only locally: a HKDF vector through the bus, and no clustered consumer")
  void hkdfOverBus() {
    OpenRedNode node = start(spec(StorageEngines.SQLITE.dbFlag(dir)));
    JsonObject okm = call(node, Addresses.CRYPTO_HKDF, new JsonObject()
        .put("ikm", B64u.encode(Hex.bytes("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b")))
        .put("salt", B64u.encode(Hex.bytes("000102030405060708090a0b0c")))
        .put("info", B64u.encode(Hex.bytes("f0f1f2f3f4f5f6f7f8f9"))).put("length", 42));
    assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
        Hex.of(B64u.decode(okm.getString("okm"))));
  }

  @Test
  @DisplayName("A different master key cannot open the stored keys: start-up stops with a clear reason")
  void wrongMasterKey() {
    String db = StorageEngines.SQLITE.dbFlag(dir);
    String secret = B64u.encode(new byte[32]);
    OpenRedNode node = start(spec(db).env(Option.MASTER_KEY, secret));
    await(node.close());
    started.clear();
    byte[] other = new byte[32];
    other[0] = 1;
    Throwable failure = assertThrows(RuntimeException.class, () -> spec(db).env(Option.MASTER_KEY, B64u.encode(other)).start());
    assertInstanceOf(StartupFailure.class, failure);
    assertTrue(failure.getMessage().contains("master key does not match"), failure.getMessage());
  }

  @Test
  @DisplayName("A sealed private key copied into another row does not open (the aad binds the row)")
  void rowSwapRefused() {
    String db = StorageEngines.SQLITE.dbFlag(dir);
    OpenRedNode node = start(spec(db));
    var pool = node.database().pool();
    String dhSealed = await(SqlTemplate.forQuery(pool, "SELECT sealed_private FROM node_keys WHERE key_id = 'dh-1'")
        .execute(Map.of())).iterator().next().getString(0);
    await(SqlTemplate.forUpdate(pool, "UPDATE node_keys SET sealed_private = #{s} WHERE key_id = 'sig-1'").execute(Map.of("s", dhSealed)));
    await(node.close());
    started.clear();
    Throwable failure = assertThrows(RuntimeException.class, () -> spec(db).start());
    assertInstanceOf(StartupFailure.class, failure);
    assertTrue(failure.getMessage().contains("sig-1"), failure.getMessage());
  }

  @Test
  @DisplayName("A master.key readable by others is refused")
  void masterKeyPermissions() throws Exception {
    String db = StorageEngines.SQLITE.dbFlag(dir);
    await(start(spec(db)).close());
    started.clear();
    Files.setPosixFilePermissions(dir.resolve("data").resolve("master.key"), PosixFilePermissions.fromString("rw-r--r--"));
    Throwable failure = assertThrows(RuntimeException.class, () -> spec(db).start());
    assertTrue(failure.getMessage().contains("readable by others"), failure.getMessage());
  }
}
