package org.openred.crypto;

import org.junit.jupiter.params.provider.Arguments;

import java.util.List;
import java.util.stream.Stream;

/** RFC 8032 section 7.1, tests 1 to 3, and the malleable form of a signature, for the Ed25519 tests. */
final class Rfc8032 {
  record Vector(String secret, String publicKey, String message, String signature) {
  }

  static final List<Vector> VECTORS = List.of(
      new Vector("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
          "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
          "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
      new Vector("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
          "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
          "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
      new Vector("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
          "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
          "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"));

  private Rfc8032() {
  }

  /** For {@code @MethodSource("org.openred.crypto.Rfc8032#vectors")}: secret, public key, message, signature. */
  static Stream<Arguments> vectors() {
    return VECTORS.stream().map(v -> Arguments.of(v.secret(), v.publicKey(), v.message(), v.signature()));
  }

  /** S + L: the same signature made malleable; RFC 8032 section 5.1.7 requires S < L. */
  static byte[] plusOrder(byte[] signature) {
    byte[] malleable = signature.clone();
    byte[] l = Hex.bytes("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
    int carry = 0;
    for (int i = 0; i < 32; i++) {
      int sum = (malleable[32 + i] & 0xff) + (l[i] & 0xff) + carry;
      malleable[32 + i] = (byte) sum;
      carry = sum >> 8;
    }
    return malleable;
  }
}
