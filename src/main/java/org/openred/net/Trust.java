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
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.stream.Stream;

/** The system's trusted CAs plus the ones of {@code --trust-ca}: both, not one instead of the other. */
final class Trust {
  private Trust() {
  }

  static TrustManager systemPlus(Path extraCaPem) {
    try {
      X509TrustManager system = x509(null);
      KeyStore extra = KeyStore.getInstance(KeyStore.getDefaultType());
      extra.load(null, null);
      try (InputStream in = Files.newInputStream(extraCaPem)) {
        int i = 0;
        for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          extra.setCertificateEntry("extra-" + i++, cert);
        }
      }
      X509TrustManager added = x509(extra);
      return new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
          try {
            system.checkClientTrusted(chain, authType);
          } catch (CertificateException e) {
            added.checkClientTrusted(chain, authType);
          }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
          try {
            system.checkServerTrusted(chain, authType);
          } catch (CertificateException e) {
            added.checkServerTrusted(chain, authType);
          }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return Stream.concat(Arrays.stream(system.getAcceptedIssuers()), Arrays.stream(added.getAcceptedIssuers()))
              .toArray(X509Certificate[]::new);
        }
      };
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
