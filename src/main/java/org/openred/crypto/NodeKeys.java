package org.openred.crypto;

import io.vertx.core.Future;
import org.openred.config.StartupFailure;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Optional;

/**
 * The node's current key pairs with their private halves in memory. Held only by the crypto
 * sandbox; what leaves it is {@link NodePublicKeys}.
 */
final class NodeKeys {
  static final Duration KEY_LIFETIME = Duration.ofDays(365);

  final NodeKeyRepository.StoredKey signing;
  final Ed25519.SigningKey signer;
  final NodeKeyRepository.StoredKey agreement;
  final byte[] agreementPrivate;

  private NodeKeys(NodeKeyRepository.StoredKey signing, byte[] signingPrivate,
                   NodeKeyRepository.StoredKey agreement, byte[] agreementPrivate) {
    this.signing = signing;
    this.signer = new Ed25519.SigningKey(signingPrivate);
    this.agreement = agreement;
    this.agreementPrivate = agreementPrivate;
  }

  NodePublicKeys publicKeys() {
    return new NodePublicKeys(NodeId.of(B64u.decode(signing.publicKey())), signing.keyId(), signing.publicKey(),
        signing.validUntil(), agreement.publicKey());
  }

  /** Loads the current keys, making and storing them on first start (race-safe across instances). */
  static Future<NodeKeys> loadOrCreate(NodeKeyRepository repository, byte[] sealingKey, SecureRandom random) {
    return ensure(repository, "sig", sealingKey, random)
        .compose(ignored -> ensure(repository, "dh", sealingKey, random))
        .compose(ignored -> Future.all(repository.current("sig"), repository.current("dh")))
        .map(both -> {
          NodeKeyRepository.StoredKey sig = both.<Optional<NodeKeyRepository.StoredKey>>resultAt(0).orElseThrow();
          NodeKeyRepository.StoredKey dh = both.<Optional<NodeKeyRepository.StoredKey>>resultAt(1).orElseThrow();
          return new NodeKeys(sig, unseal(sig, sealingKey), dh, unseal(dh, sealingKey));
        });
  }

  private static Future<Void> ensure(NodeKeyRepository repository, String purpose, byte[] sealingKey, SecureRandom random) {
    return repository.current(purpose).compose(existing -> {
      if (existing.isPresent()) {
        return Future.succeededFuture();
      }
      byte[] privateKey = purpose.equals("sig") ? Ed25519.generatePrivateKey(random) : X25519.generatePrivateKey(random);
      byte[] publicKey = purpose.equals("sig") ? Ed25519.publicKey(privateKey) : X25519.publicKey(privateKey);
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      String keyId = purpose + "-1";
      String publicText = B64u.encode(publicKey);
      String sealed = B64u.encode(Aead.AES_256_GCM.sealWithNonce(sealingKey, privateKey, aad(keyId, purpose, publicText), random));
      Arrays.fill(privateKey, (byte) 0);
      return repository.insertIfAbsent(new NodeKeyRepository.StoredKey(keyId, purpose, publicText, sealed,
              now.toString(), now.plus(KEY_LIFETIME).toString(), null))
          .mapEmpty();
    });
  }

  /** Binds a sealed private key to its row: copied into another row, it does not open. */
  static byte[] aad(String keyId, String purpose, String publicKey) {
    return ("openred/v1/node_keys|" + keyId + "|" + purpose + "|" + publicKey).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] unseal(NodeKeyRepository.StoredKey key, byte[] sealingKey) {
    byte[] privateKey;
    try {
      privateKey = Aead.AES_256_GCM.openWithNonce(sealingKey, B64u.decode(key.sealedPrivate()),
          aad(key.keyId(), key.purpose(), key.publicKey()));
    } catch (Aead.AeadFailure | IllegalArgumentException e) {
      throw new StartupFailure("cannot open the node's private key " + key.keyId()
          + ": the master key does not match the one it was sealed with (was master.key or OPENRED_MASTER_KEY changed?)"
          + " or the row was tampered with");
    }
    byte[] derived = key.purpose().equals("sig") ? Ed25519.publicKey(privateKey) : X25519.publicKey(privateKey);
    if (!B64u.encode(derived).equals(key.publicKey())) {
      throw new StartupFailure("node key " + key.keyId() + ": the private key does not match its stored public key");
    }
    return privateKey;
  }
}
