package dev.confide.cas.client;

import dev.confide.cas.common.KeyDigests;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one CAS key, named by its fingerprint, as SSH trusts a known host key; the system's
 * certificate authorities play no part. With no pin it only records what the server presented and
 * refuses, so the user can be shown the fingerprint before anything is sent.
 */
final class PinnedTrustManager extends X509ExtendedTrustManager {
  private final String pinned;
  private volatile String presented;
  private volatile java.security.PublicKey presentedKey;

  PinnedTrustManager(String pinned) {
    this.pinned = pinned;
  }

  /** What the server presented in the last handshake, if any. */
  String presented() {
    return presented;
  }

  /** The key the server presented in the last handshake, if any. */
  java.security.PublicKey presentedKey() {
    return presentedKey;
  }

  /** A server whose key does not match the pin. */
  static final class PinMismatch extends CertificateException {
    final String presented;

    PinMismatch(String presented) {
      super("the CAS presented key " + presented);
      this.presented = presented;
    }
  }

  private void check(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the CAS presented no certificate");
    }
    presented = KeyDigests.fingerprint(chain[0].getPublicKey());
    presentedKey = chain[0].getPublicKey();
    if (pinned == null || !pinned.equals(presented)) {
      throw new PinMismatch(presented);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("a client does not accept connections");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    throw new CertificateException("a client does not accept connections");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("a client does not accept connections");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
