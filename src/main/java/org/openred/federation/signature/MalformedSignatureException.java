package org.openred.federation.signature;

/** A Signature, Signature-Input or Content-Digest header that does not parse. */
public final class MalformedSignatureException extends RuntimeException {
  public MalformedSignatureException(String message) {
    super(message, null, false, false);
  }
}
