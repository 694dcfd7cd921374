package org.openred.crypto;

import org.bouncycastle.math.ec.rfc7748.X25519Field;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ed25519 batch verification: n signatures checked with one multi-scalar multiplication instead of
 * n separate ones, about three times cheaper per signature once a batch holds a few dozen (federation
 * receives many signatures from few keys: every request and every envelope a node sends carries its
 * one node key).
 *
 * <p>With random 128-bit z_i, the batch holds when
 * {@code [8]([Σ z_i·s_i]B − Σ [z_i]R_i − Σ_keys [Σ z_i·k_i]A) = O}; a batch with a bad signature
 * passes with probability at most 2^-128. The equation is the cofactored one (RFC 8032 section
 * 5.1.7 allows either): a signature that only its own key's owner could craft, with a small-order
 * component in R, may pass here and fail BouncyCastle's single check; it proves nothing about
 * anyone else's key. When a batch fails, {@link #verifyEach} checks every signature of it on its own
 * with BouncyCastle, so which one is bad is always BouncyCastle's answer.
 *
 * <p>Field arithmetic is BouncyCastle's {@link X25519Field} (10 limbs of 25.5 bits); point
 * arithmetic is extended twisted Edwards coordinates (Hisil, Wong, Carter, Dawson 2008).
 */
public final class Ed25519Batch {
  /** One signature to check. */
  public record Check(byte[] publicKey, byte[] message, byte[] signature) {
  }

  /** Below this many, single checks cost less than a batch's shared work. */
  static final int MIN_BATCH = 2;
  private static final BigInteger L = BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));
  private static final int[] D = field(new BigInteger("37095705934669439343138083508754565189542113879843219016388785533085940283555"));
  private static final int[] D2 = field(new BigInteger("16295367250680780974490674513165176452449235426866156013048779062215315747161"));
  private static final int R_WINDOW = 5;
  private static final int BASE_WINDOW = 7;
  private static final BigInteger LOW_128 = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
  /** B's scalar is split in halves of 128 bits (c = lo + 2^128·hi), so the chain of doublings is 128 long, not 253. */
  private static final Halves BASE = halves(basePoint(), BASE_WINDOW);
  private static final int KEYS_MAX = 4096;
  /** Each public key's tables, made once: a peer's key is in every batch it sends. */
  private static final ConcurrentHashMap<ByteBuffer, Halves> KEYS = new ConcurrentHashMap<>();
  private static final ThreadLocal<MessageDigest> SHA512 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ed25519Batch() {
  }

  /** Each signature's verdict; a batch where all are good costs one multi-scalar multiplication. */
  public static boolean[] verifyEach(List<Check> checks) {
    boolean[] valid = new boolean[checks.size()];
    if (checks.size() >= MIN_BATCH && allValid(checks)) {
      Arrays.fill(valid, true);
      return valid;
    }
    for (int i = 0; i < valid.length; i++) {
      Check check = checks.get(i);
      valid[i] = Ed25519.verify(check.publicKey(), check.message(), check.signature());
    }
    return valid;
  }

  /** True when (with probability 1 − 2^-128) every signature is valid; false when any is not, or any input is malformed. */
  public static boolean allValid(List<Check> checks) {
    int n = checks.size();
    MessageDigest sha512 = SHA512.get();
    byte[] randomness = new byte[16 * n];
    RANDOM.nextBytes(randomness);
    BigInteger baseScalar = BigInteger.ZERO;
    Map<ByteBuffer, KeyTerm> keys = new LinkedHashMap<>();
    List<Term> terms = new ArrayList<>(n + 8);
    for (int i = 0; i < n; i++) {
      Check check = checks.get(i);
      byte[] signature = check.signature();
      byte[] publicKey = check.publicKey();
      if (signature == null || signature.length != 64 || publicKey == null || publicKey.length != 32 || check.message() == null) {
        return false;
      }
      BigInteger s = littleEndian(signature, 32, 32);
      if (s.compareTo(L) >= 0) {
        return false;
      }
      Point minusR = decodeNegated(signature, 0);
      if (minusR == null) {
        return false;
      }
      KeyTerm key = keys.get(ByteBuffer.wrap(publicKey));
      if (key == null) {
        Halves keyTables = keyTables(publicKey);
        if (keyTables == null) {
          return false;
        }
        key = new KeyTerm(keyTables);
        keys.put(ByteBuffer.wrap(publicKey), key);
      }
      sha512.update(signature, 0, 32);
      sha512.update(publicKey);
      sha512.update(check.message());
      BigInteger k = littleEndian(sha512.digest(), 0, 64).mod(L);
      BigInteger z = littleEndian(randomness, 16 * i, 16);
      baseScalar = baseScalar.add(z.multiply(s));
      key.scalar = key.scalar.add(z.multiply(k));
      terms.add(new Term(wnaf(z, R_WINDOW), oddMultiples(minusR, R_WINDOW)));
    }
    BASE.add(baseScalar.mod(L), terms);
    for (KeyTerm key : keys.values()) {
      key.tables.add(key.scalar.mod(L), terms);
    }
    Point sum = multiScalar(terms);
    for (int i = 0; i < 3; i++) {
      sum = twice(sum);
    }
    return isIdentity(sum);
  }

  private static final class KeyTerm {
    final Halves tables;
    BigInteger scalar = BigInteger.ZERO;

    KeyTerm(Halves tables) {
      this.tables = tables;
    }
  }

  /** Odd multiples of P and of [2^128]P, for a scalar below 2^256 split in two halves. */
  private record Halves(Cached[] low, Cached[] high, int width) {
    void add(BigInteger scalar, List<Term> terms) {
      terms.add(new Term(wnaf(scalar.and(LOW_128), width), low));
      terms.add(new Term(wnaf(scalar.shiftRight(128), width), high));
    }
  }

  private static Halves halves(Point p, int width) {
    Point high = p;
    for (int i = 0; i < 128; i++) {
      high = twice(high);
    }
    return new Halves(oddMultiples(p, width), oddMultiples(high, width), width);
  }

  /** The tables of −A, or null when the key is no point or of small order (such a key would vouch for anything). */
  private static Halves keyTables(byte[] publicKey) {
    Halves known = KEYS.get(ByteBuffer.wrap(publicKey));
    if (known != null) {
      return known;
    }
    Point minusA = decodeNegated(publicKey, 0);
    if (minusA == null || isSmallOrder(minusA)) {
      return null;
    }
    Halves fresh = halves(minusA, R_WINDOW);
    if (KEYS.size() >= KEYS_MAX) {
      KEYS.clear();
    }
    KEYS.put(ByteBuffer.wrap(publicKey.clone()), fresh);
    return fresh;
  }

  /** One point of the sum: its scalar's wNAF digits and its odd multiples. */
  private record Term(byte[] naf, Cached[] table) {
  }

  /** Extended coordinates: x = X/Z, y = Y/Z, x·y = T/Z. */
  static final class Point {
    final int[] x = X25519Field.create();
    final int[] y = X25519Field.create();
    final int[] z = X25519Field.create();
    final int[] t = X25519Field.create();
  }

  /** A point ready to be added: (Y+X, Y−X, 2Z, 2d·T). */
  static final class Cached {
    final int[] yPlusX = X25519Field.create();
    final int[] yMinusX = X25519Field.create();
    final int[] z2 = X25519Field.create();
    final int[] t2d = X25519Field.create();
  }

  /** Straus' interleaved method: one shared chain of doublings, each point added at its own non-zero wNAF digits. */
  private static Point multiScalar(List<Term> terms) {
    int top = -1;
    for (Term term : terms) {
      byte[] naf = term.naf();
      for (int bit = naf.length - 1; bit > top; bit--) {
        if (naf[bit] != 0) {
          top = bit;
          break;
        }
      }
    }
    Point acc = identity();
    Scratch scratch = new Scratch();
    for (int bit = top; bit >= 0; bit--) {
      doubleInPlace(acc, scratch);
      for (Term term : terms) {
        int digit = bit < term.naf().length ? term.naf()[bit] : 0;
        if (digit > 0) {
          add(acc, term.table()[digit >> 1], false, scratch);
        } else if (digit < 0) {
          add(acc, term.table()[(-digit) >> 1], true, scratch);
        }
      }
    }
    return acc;
  }

  private static final class Scratch {
    final int[] a = X25519Field.create();
    final int[] b = X25519Field.create();
    final int[] c = X25519Field.create();
    final int[] d = X25519Field.create();
    final int[] e = X25519Field.create();
    final int[] f = X25519Field.create();
    final int[] g = X25519Field.create();
    final int[] h = X25519Field.create();
  }

  /** p ← p + q (or p − q): add-2008-hwcd-3 with k = 2d, 8 multiplications. */
  private static void add(Point p, Cached q, boolean subtract, Scratch s) {
    X25519Field.sub(p.y, p.x, s.a);
    X25519Field.carry(s.a);
    X25519Field.add(p.y, p.x, s.b);
    X25519Field.carry(s.b);
    // −q = (−x, y): Y+X and Y−X swap, T changes sign.
    X25519Field.mul(s.a, subtract ? q.yPlusX : q.yMinusX, s.e);
    X25519Field.mul(s.b, subtract ? q.yMinusX : q.yPlusX, s.f);
    X25519Field.mul(p.t, q.t2d, s.c);
    if (subtract) {
      X25519Field.negate(s.c, s.c);
    }
    X25519Field.mul(p.z, q.z2, s.d);
    // e = B − A, h = B + A, f = D − C, g = D + C
    X25519Field.sub(s.f, s.e, s.a);
    X25519Field.carry(s.a);
    X25519Field.add(s.f, s.e, s.h);
    X25519Field.carry(s.h);
    X25519Field.sub(s.d, s.c, s.b);
    X25519Field.carry(s.b);
    X25519Field.add(s.d, s.c, s.g);
    X25519Field.carry(s.g);
    setFromEfgh(p, s.a, s.b, s.g, s.h);
  }

  /** Both formulas end the same way: X = E·F, Y = G·H, T = E·H, Z = F·G. */
  private static void setFromEfgh(Point p, int[] e, int[] f, int[] g, int[] h) {
    X25519Field.mul(e, f, p.x);
    X25519Field.mul(g, h, p.y);
    X25519Field.mul(e, h, p.t);
    X25519Field.mul(f, g, p.z);
  }

  private static Point twice(Point p) {
    Point r = copy(p);
    doubleInPlace(r, new Scratch());
    return r;
  }

  /** p ← 2p: dbl-2008-hwcd with a = −1. */
  private static void doubleInPlace(Point p, Scratch s) {
    int[] a = s.a;
    int[] b = s.b;
    int[] c = s.c;
    int[] e = s.e;
    int[] f = s.f;
    int[] g = s.g;
    int[] h = s.h;
    X25519Field.sqr(p.x, a);
    X25519Field.sqr(p.y, b);
    X25519Field.sqr(p.z, c);
    X25519Field.add(c, c, c);
    X25519Field.carry(c);
    X25519Field.add(p.x, p.y, e);
    X25519Field.carry(e);
    X25519Field.sqr(e, e);
    // E = (X+Y)² − A − B, G = B − A, F = G − C, H = −A − B
    X25519Field.add(a, b, h);
    X25519Field.sub(e, h, e);
    X25519Field.carry(e);
    X25519Field.negate(h, h);
    X25519Field.carry(h);
    X25519Field.sub(b, a, g);
    X25519Field.carry(g);
    X25519Field.sub(g, c, f);
    X25519Field.carry(f);
    setFromEfgh(p, e, f, g, h);
  }

  private static Cached cached(Point p) {
    Cached c = new Cached();
    X25519Field.add(p.y, p.x, c.yPlusX);
    X25519Field.carry(c.yPlusX);
    X25519Field.sub(p.y, p.x, c.yMinusX);
    X25519Field.carry(c.yMinusX);
    X25519Field.add(p.z, p.z, c.z2);
    X25519Field.carry(c.z2);
    X25519Field.mul(p.t, D2, c.t2d);
    return c;
  }

  /** P, 3P, 5P, … (2^(w−1) − 1)P, for wNAF digits of width w. */
  private static Cached[] oddMultiples(Point p, int width) {
    Cached[] table = new Cached[1 << (width - 2)];
    table[0] = cached(p);
    Cached doubled = cached(twice(p));
    Point current = copy(p);
    Scratch scratch = new Scratch();
    for (int i = 1; i < table.length; i++) {
      add(current, doubled, false, scratch);
      table[i] = cached(current);
    }
    return table;
  }

  private static Point copy(Point p) {
    Point r = new Point();
    X25519Field.copy(p.x, 0, r.x, 0);
    X25519Field.copy(p.y, 0, r.y, 0);
    X25519Field.copy(p.z, 0, r.z, 0);
    X25519Field.copy(p.t, 0, r.t, 0);
    return r;
  }

  private static Point identity() {
    Point r = new Point();
    X25519Field.one(r.y);
    X25519Field.one(r.z);
    return r;
  }

  private static boolean isIdentity(Point p) {
    int[] x = X25519Field.create();
    int[] yMinusZ = X25519Field.create();
    X25519Field.copy(p.x, 0, x, 0);
    X25519Field.normalize(x);
    X25519Field.sub(p.y, p.z, yMinusZ);
    X25519Field.normalize(yMinusZ);
    return X25519Field.isZeroVar(x) && X25519Field.isZeroVar(yMinusZ);
  }

  private static boolean isSmallOrder(Point p) {
    Point q = p;
    for (int i = 0; i < 3; i++) {
      q = twice(q);
    }
    return isIdentity(q);
  }

  /**
   * The negation of the point RFC 8032 section 5.1.3 decodes from 32 bytes, or null when they are
   * no point: y not below p, x² = (y² − 1)/(d·y² + 1) not a square, or x = 0 with its sign bit set.
   */
  static Point decodeNegated(byte[] bytes, int offset) {
    if (!canonicalY(bytes, offset)) {
      return null;
    }
    int[] y = X25519Field.create();
    X25519Field.decode(bytes, offset, y);
    int[] u = X25519Field.create();
    int[] v = X25519Field.create();
    X25519Field.sqr(y, u);
    X25519Field.mul(D, u, v);
    X25519Field.subOne(u);
    X25519Field.addOne(v);
    X25519Field.carry(u);
    X25519Field.carry(v);
    int[] x = X25519Field.create();
    if (!X25519Field.sqrtRatioVar(u, v, x)) {
      return null;
    }
    X25519Field.normalize(x);
    int sign = (bytes[offset + 31] & 0x80) >>> 7;
    boolean zero = X25519Field.isZeroVar(x);
    if (zero && sign == 1) {
      return null;
    }
    byte[] encoded = new byte[32];
    X25519Field.encode(x, encoded, 0);
    // The negation has the opposite sign bit (for x ≠ 0).
    if (!zero && (encoded[0] & 1) == sign) {
      X25519Field.negate(x, x);
      X25519Field.normalize(x);
    }
    Point p = new Point();
    X25519Field.copy(x, 0, p.x, 0);
    X25519Field.copy(y, 0, p.y, 0);
    X25519Field.one(p.z);
    X25519Field.mul(x, y, p.t);
    return p;
  }

  /** The 255-bit y is below p = 2^255 − 19. */
  private static boolean canonicalY(byte[] bytes, int offset) {
    if ((bytes[offset + 31] & 0x7F) != 0x7F) {
      return true;
    }
    for (int i = 30; i >= 1; i--) {
      if ((bytes[offset + i] & 0xFF) != 0xFF) {
        return true;
      }
    }
    return (bytes[offset] & 0xFF) < 0xED;
  }

  /** Width-w non-adjacent form, least significant digit first: odd digits in (−2^(w−1), 2^(w−1)), at least w−1 zeros between. */
  static byte[] wnaf(BigInteger scalar, int width) {
    byte[] naf = new byte[scalar.bitLength() + 1];
    int windowSize = 1 << width;
    long[] words = new long[6];
    byte[] be = scalar.toByteArray();
    for (int i = 0; i < be.length && i < 40; i++) {
      words[i >>> 3] |= (be[be.length - 1 - i] & 0xFFL) << ((i & 7) * 8);
    }
    int carry = 0;
    int pos = 0;
    while (pos < naf.length) {
      int window = carry + (int) (bits(words, pos) & (windowSize - 1));
      if ((window & 1) == 0) {
        pos++;
        continue;
      }
      if (window < windowSize / 2) {
        carry = 0;
        naf[pos] = (byte) window;
      } else {
        carry = 1;
        naf[pos] = (byte) (window - windowSize);
      }
      pos += width;
    }
    return naf;
  }

  /** 64 bits of the little-endian words starting at bit {@code pos}. */
  private static long bits(long[] words, int pos) {
    int index = pos >>> 6;
    int shift = pos & 63;
    long low = words[index] >>> shift;
    return shift == 0 ? low : low | (words[index + 1] << (64 - shift));
  }

  private static BigInteger littleEndian(byte[] bytes, int offset, int length) {
    byte[] be = new byte[length];
    for (int i = 0; i < length; i++) {
      be[i] = bytes[offset + length - 1 - i];
    }
    return new BigInteger(1, be);
  }

  private static int[] field(BigInteger value) {
    byte[] le = new byte[32];
    byte[] be = value.toByteArray();
    for (int i = 0; i < be.length && i < 32; i++) {
      le[i] = be[be.length - 1 - i];
    }
    int[] f = X25519Field.create();
    X25519Field.decode(le, 0, f);
    return f;
  }

  private static Point basePoint() {
    Point b = new Point();
    X25519Field.copy(field(new BigInteger("15112221349535400772501151409588531511454012693041857206046113283949847762202")), 0, b.x, 0);
    X25519Field.copy(field(new BigInteger("46316835694926478169428394003475163141307993866256225615783033603165251855960")), 0, b.y, 0);
    X25519Field.one(b.z);
    X25519Field.mul(b.x, b.y, b.t);
    return b;
  }
}
