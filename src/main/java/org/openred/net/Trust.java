package org.openred.net;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/** The system's trusted CAs plus the ones of {@code --trust-ca}: both, not one instead of the other. */
final class Trust {
  private Trust() {
  }

  /** One trust manager over one store: the system's anchors copied in, the extra CAs added beside them. */
  static TrustManager systemPlus(Path extraCaPem) {
    try {
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      int i = 0;
      for (X509Certificate system : x509(null).getAcceptedIssuers()) {
        anchors.setCertificateEntry("system-" + i++, system);
      }
      try (InputStream in = Files.newInputStream(extraCaPem)) {
        for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          anchors.setCertificateEntry("extra-" + i++, cert);
        }
      }
      return x509(anchors);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("--trust-ca: cannot read the CA certificates: " + e.getMessage());
    }
  }

  private static X509TrustManager x509(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }
}
