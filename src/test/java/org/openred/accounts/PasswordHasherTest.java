package org.openred.accounts;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHasherTest {

  @Test
  @DisplayName("Argon2id reproduces RFC 9106 section 5.3")
  void rfc9106() {
    byte[] password = new byte[32];
    Arrays.fill(password, (byte) 1);
    byte[] salt = new byte[16];
    Arrays.fill(salt, (byte) 2);
    byte[] secret = new byte[8];
    Arrays.fill(secret, (byte) 3);
    byte[] associated = new byte[12];
    Arrays.fill(associated, (byte) 4);
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(32).withIterations(3).withParallelism(4).withSalt(salt).withSecret(secret).withAdditional(associated).build());
    byte[] tag = new byte[32];
    generator.generateBytes(password, tag);
    assertEquals("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", HexFormat.of().formatHex(tag));
  }

  @Test
  @DisplayName("Hashes are salted PHC strings that verify only the right password; malformed ones verify nothing")
  void hashAndVerify() {
    PasswordHasher hasher = new PasswordHasher();
    String first = hasher.hash("correct horse battery");
    String second = hasher.hash("correct horse battery");
    assertTrue(first.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"));
    assertNotEquals(first, second);
    assertTrue(hasher.verify("correct horse battery", first));
    assertFalse(hasher.verify("correct horse batterY", first));
    assertFalse(hasher.verify("x", "$argon2i$v=19$m=8,t=1,p=1$AAAA$AAAA"));
    assertFalse(hasher.verify("x", "not a hash"));
  }
}
