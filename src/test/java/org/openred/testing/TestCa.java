package org.openred.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/** A throwaway certificate authority for TLS tests, made with BouncyCastle: PEM files in a folder. */
public final class TestCa {
  private final KeyPair caKeys = keyPair();
  private final X509CertificateHolder caCert;
  private final Path dir;
  private long serial = 2;

  public TestCa(Path dir) throws Exception {
    this.dir = dir;
    X500Name name = new X500Name("CN=OpenRed Test CA");
    Instant now = Instant.now();
    caCert = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(2))), name, caKeys.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
        .build(signer(caKeys.getPrivate()));
    Files.writeString(caPem(), pem(caCert));
  }

  public Path caPem() {
    return dir.resolve("ca.pem");
  }

  /** Issues a server certificate for 127.0.0.1, localhost and the given names; answers {certificate PEM, key PEM}. */
  public Path[] issue(String name, String... dnsNames) throws Exception {
    java.util.List<GeneralName> names = new java.util.ArrayList<>(java.util.List.of(
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")));
    for (String dnsName : dnsNames) {
      names.add(new GeneralName(GeneralName.dNSName, dnsName));
    }
    KeyPair keys = keyPair();
    Instant now = Instant.now();
    X509CertificateHolder cert = new JcaX509v3CertificateBuilder(caCert.getSubject(), BigInteger.valueOf(serial++),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), new X500Name("CN=" + name), keys.getPublic())
        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])))
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .build(signer(caKeys.getPrivate()));
    Path certFile = dir.resolve(name + ".crt.pem");
    Path keyFile = dir.resolve(name + ".key.pem");
    Files.writeString(certFile, pem(cert) + pem(caCert));
    Files.writeString(keyFile, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(keys.getPrivate(), null).generate()));
    return new Path[] {certFile, keyFile};
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static org.bouncycastle.operator.ContentSigner signer(PrivateKey key) throws Exception {
    return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
  }

  private static String pem(Object object) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }
}
