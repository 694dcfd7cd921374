package org.openred.federation;

import io.vertx.core.json.JsonObject;
import org.openred.crypto.B64u;
import io.vertx.core.Future;
import org.openred.crypto.SignatureChecks;
import org.openred.crypto.Jcs;
import org.openred.kernel.Problem;
import org.openred.kernel.UserId;

import java.util.List;

/** ORF envelopes (PROTOCOL.md section 5.1): their shape and their signature; the types are {@link EnvelopeTypes}. */
public final class Envelope {
  private Envelope() {
  }

  private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /**
   * Checks an envelope's shape and addressing before anything is stored: version, id, a known
   * type, sender and recipient, timestamp, payload, signature. {@code origin} is the domain that
   * signed the HTTP request, or null when the envelope was routed (then only its own signature,
   * checked by the caller, vouches for it).
   */
  public static void validate(JsonObject envelope, String origin, String ourDomain, EnvelopeTypes types) {
    if (!"1".equals(envelope.getValue("version"))) {
      throw new Problem(400, "invalid-envelope", "version must be \"1\"");
    }
    if (!(envelope.getValue("id") instanceof String id) || !ID.matcher(id).matches()) {
      throw new Problem(400, "invalid-envelope", "id must be 1 to 128 characters of [A-Za-z0-9._:-]");
    }
    types.route(envelope);
    JsonObject from = envelope.getValue("from") instanceof JsonObject f ? f : null;
    JsonObject to = envelope.getValue("to") instanceof JsonObject t ? t : null;
    if (from == null || !(from.getValue("domain") instanceof String fromDomain)
        || org.openred.config.FederationDomain.normalise(fromDomain) == null) {
      throw new Problem(400, "invalid-envelope", "from.domain is required");
    }
    if (to == null || !(to.getValue("domain") instanceof String toDomain)) {
      throw new Problem(400, "invalid-envelope", "to.domain is required");
    }
    for (JsonObject party : new JsonObject[] {from, to}) {
      Object username = party.getValue("username");
      if (username != null && !(username instanceof String name && UserId.USERNAME.matcher(name).matches())) {
        throw new Problem(400, "invalid-envelope", "username is not a valid user name");
      }
    }
    if (origin != null && !fromDomain.toLowerCase(java.util.Locale.ROOT).equals(origin)) {
      throw new Problem(403, "origin-mismatch", "from.domain " + fromDomain + " is not the signing domain " + origin);
    }
    if (!toDomain.toLowerCase(java.util.Locale.ROOT).equals(ourDomain)) {
      throw new Problem(400, "wrong-destination", "the envelope is addressed to " + toDomain);
    }
    if (!(envelope.getValue("timestamp") instanceof String timestamp)) {
      throw new Problem(400, "invalid-envelope", "timestamp is required");
    }
    try {
      java.time.Instant.parse(timestamp);
    } catch (java.time.format.DateTimeParseException e) {
      throw new Problem(400, "invalid-envelope", "timestamp is not an RFC 3339 UTC time");
    }
    if (!(envelope.getValue("payload") instanceof JsonObject)) {
      throw new Problem(400, "invalid-envelope", "payload must be an object");
    }
    if (!(envelope.getValue("signature") instanceof String)) {
      throw new Problem(400, "invalid-envelope", "signature is required");
    }
    types.appliedBy(envelope.getString("type"));
  }

  /** The bytes the sending node signs: JCS of the envelope without its signature. */
  public static byte[] signingInput(JsonObject envelope) {
    JsonObject unsigned = envelope.copy();
    unsigned.remove("signature");
    return Jcs.canonicalize(unsigned);
  }

  /** The first of the sender's keys that signed this envelope, or null; checked off the event loop. */
  public static Future<byte[]> signedBy(SignatureChecks checks, JsonObject envelope, List<byte[]> senderKeys) {
    byte[] signature;
    try {
      signature = envelope.getValue("signature") instanceof String text ? B64u.decode(text) : null;
    } catch (IllegalArgumentException e) {
      signature = null;
    }
    return signature == null ? Future.succeededFuture(null)
        : checks.keyThatSigned(senderKeys, () -> signingInput(envelope), signature);
  }
}
