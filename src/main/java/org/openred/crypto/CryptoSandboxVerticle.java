package org.openred.crypto;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.openred.kernel.Addresses;
import org.openred.kernel.Failures;
import org.openred.config.OpenRedConfig;
import org.openred.store.Database;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The crypto sandbox (PROTOCOL.md section 9): the only holder of the node's private keys and of
 * the at-rest master key. It answers on local event-bus addresses only (never clustered, never
 * bridged), and does every operation on a worker pool so no event loop waits on crypto.
 * Binary values travel as base64url strings.
 */
public final class CryptoSandboxVerticle extends VerticleBase {
  private static final Pattern PURPOSE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final int MAX_INPUT = 4 * 1024 * 1024;

  private final OpenRedConfig config;
  private final Database database;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, byte[]> atRestKeys = new ConcurrentHashMap<>();
  private WorkerExecutor workers;
  private byte[] masterKey;
  private NodeKeys keys;

  public CryptoSandboxVerticle(OpenRedConfig config, Database database) {
    this.config = config;
    this.database = database;
  }

  @Override
  public Future<?> start() {
    workers = vertx.createSharedWorkerExecutor("openred-crypto", Math.max(2, Runtime.getRuntime().availableProcessors()));
    return workers.executeBlocking(() -> MasterKey.load(config, random))
        .compose(master -> {
          masterKey = master;
          return NodeKeys.loadOrCreate(new NodeKeyRepository(database.pool()), atRestKey("node-keys"), random);
        })
        .compose(loaded -> {
          keys = loaded;
          List<MessageConsumer<JsonObject>> consumers = List.of(
              serve(Addresses.CRYPTO_PUBLIC_KEYS, body -> keys.publicKeys().toJson()),
              serve(Addresses.CRYPTO_SIGN, this::sign),
              serve(Addresses.CRYPTO_VERIFY, this::verify),
              serve(Addresses.CRYPTO_SEAL, this::seal),
              serve(Addresses.CRYPTO_OPEN, this::open),
              serve(Addresses.CRYPTO_HKDF, this::hkdf),
              serve(Addresses.CRYPTO_AGREE, this::agree));
          return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
        });
  }

  @Override
  public Future<?> stop() {
    return workers == null ? Future.succeededFuture() : workers.close();
  }

  private MessageConsumer<JsonObject> serve(String address, Function<JsonObject, JsonObject> operation) {
    return vertx.eventBus().localConsumer(address, message -> run(message, () -> operation.apply(bodyOf(message))));
  }

  private void run(Message<JsonObject> message, Callable<JsonObject> work) {
    workers.executeBlocking(work, false).onComplete(result -> {
      if (result.succeeded()) {
        message.reply(result.result());
      } else if (result.cause() instanceof IllegalArgumentException bad) {
        Failures.fail(message, 400, "bad-crypto-input", bad.getMessage());
      } else if (result.cause() instanceof Aead.AeadFailure failure) {
        Failures.fail(message, 400, "unsealable", failure.getMessage());
      } else {
        Failures.fail(message, 500, "internal-error", "crypto operation failed");
      }
    });
  }

  private static JsonObject bodyOf(Message<JsonObject> message) {
    if (message.body() == null) {
      throw new IllegalArgumentException("empty request");
    }
    return message.body();
  }

  private JsonObject sign(JsonObject body) {
    if (body.getValue("batch") instanceof io.vertx.core.json.JsonArray batch) {
      // Many signatures for one hop to the worker pool: the outbox signs its envelopes this way.
      if (batch.size() > 10_000) {
        throw new IllegalArgumentException("at most 10000 items per batch");
      }
      io.vertx.core.json.JsonArray signatures = new io.vertx.core.json.JsonArray();
      for (int i = 0; i < batch.size(); i++) {
        if (!(batch.getValue(i) instanceof String item)) {
          throw new IllegalArgumentException("batch items must be base64url strings");
        }
        signatures.add(B64u.encode(keys.signer.sign(decode(item, "batch"))));
      }
      return new JsonObject().put("signatures", signatures).put("key_id", keys.signing.keyId());
    }
    byte[] data = bytes(body, "data");
    return new JsonObject()
        .put("signature", B64u.encode(keys.signer.sign(data)))
        .put("key_id", keys.signing.keyId())
        .put("public_key", keys.signing.publicKey());
  }

  private JsonObject verify(JsonObject body) {
    byte[] publicKey = B64u.decode(required(body, "public_key"), Ed25519.PUBLIC_KEY_SIZE, "public_key");
    byte[] signature = B64u.decode(required(body, "signature"));
    return new JsonObject().put("valid", Ed25519.verify(publicKey, bytes(body, "data"), signature));
  }

  private JsonObject seal(JsonObject body) {
    byte[] sealed = Aead.AES_256_GCM.sealWithNonce(atRestKey(purpose(body)), bytes(body, "plaintext"), optionalBytes(body, "aad"), random);
    return new JsonObject().put("sealed", B64u.encode(sealed));
  }

  private JsonObject open(JsonObject body) {
    byte[] plaintext = Aead.AES_256_GCM.openWithNonce(atRestKey(purpose(body)), bytes(body, "sealed"), optionalBytes(body, "aad"));
    return new JsonObject().put("plaintext", B64u.encode(plaintext));
  }

  private JsonObject hkdf(JsonObject body) {
    return new JsonObject().put("okm", B64u.encode(
        Hkdf.sha256(bytes(body, "ikm"), optionalBytes(body, "salt"), optionalBytes(body, "info"), length(body))));
  }

  /** HKDF over X25519(node agreement key, peer key): the raw shared secret never leaves the sandbox. */
  private JsonObject agree(JsonObject body) {
    byte[] peer = B64u.decode(required(body, "public_key"), X25519.KEY_SIZE, "public_key");
    byte[] shared = X25519.agree(keys.agreementPrivate, peer);
    return new JsonObject().put("key", B64u.encode(
        Hkdf.sha256(shared, optionalBytes(body, "salt"), optionalBytes(body, "info"), length(body))));
  }

  /** One at-rest subkey per purpose, so a value sealed for one purpose never opens as another. */
  private byte[] atRestKey(String purpose) {
    return atRestKeys.computeIfAbsent(purpose,
        p -> Hkdf.sha256(masterKey, null, ("openred/v1/at-rest/" + p).getBytes(StandardCharsets.UTF_8), 32));
  }

  private static String purpose(JsonObject body) {
    String purpose = required(body, "purpose");
    if (!PURPOSE.matcher(purpose).matches() || purpose.equals("node-keys")) {
      throw new IllegalArgumentException("purpose must match " + PURPOSE.pattern() + " and not be reserved");
    }
    return purpose;
  }

  private static int length(JsonObject body) {
    Object value = body.getValue("length", 32);
    if (!(value instanceof Integer length) || length < 1 || length > 255 * 32) {
      throw new IllegalArgumentException("length must be a whole number from 1 to 8160");
    }
    return length;
  }

  private static String required(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException("missing string field " + field);
    }
    if (text.length() > MAX_INPUT) {
      throw new IllegalArgumentException(field + " is too large");
    }
    return text;
  }

  private static byte[] bytes(JsonObject body, String field) {
    return decode(required(body, field), field);
  }

  private static byte[] optionalBytes(JsonObject body, String field) {
    return body.getValue(field) == null ? new byte[0] : bytes(body, field);
  }

  private static byte[] decode(String text, String field) {
    try {
      return B64u.decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage());
    }
  }
}
