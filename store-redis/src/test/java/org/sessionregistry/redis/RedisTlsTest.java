package org.sessionregistry.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.cache.FrontCache;

/** A Redis that wants a password and speaks TLS, as managed ones do: the store and the channel reach it. */
class RedisTlsTest {
  private static final String PASSWORD = "a password for the test's Redis";

  @Test
  void theStoreAndTheChannelReachARedisWithAPasswordOverTls() throws Exception {
    try (OwnedRedis server = OwnedRedis.withPasswordAndTls(PASSWORD)) {
      SSLContext trusting = trusting(server.certificate());
      try (RedisSessionStore store =
              RedisSessionStore.builder()
                  .standalone("127.0.0.1", server.tlsPort())
                  .credentials("default", PASSWORD)
                  .tls(trusting)
                  .build();
          RedisInvalidationChannel channel =
              RedisInvalidationChannel.builder()
                  .redis("127.0.0.1", server.tlsPort())
                  .credentials("default", PASSWORD)
                  .tls(trusting)
                  .pingInterval(Duration.ofMillis(100))
                  .build()) {
        SessionRegistry a =
            SessionRegistry.builder()
                .store(FrontCache.builder().channel(channel).build().over(store))
                .build();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!channel.isConnected()) {
          assertThat(System.nanoTime()).as("subscribed over TLS").isLessThan(deadline);
          Thread.sleep(10);
        }
        java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        channel.subscribe(
            new org.sessionregistry.spi.InvalidationChannel.Listener() {
              @Override
              public void invalidate(org.sessionregistry.spi.Invalidation invalidation) {
                heard.add(invalidation.toText());
              }

              @Override
              public void connected() {}

              @Override
              public void disconnected() {}
            });
        String user = Ids.newId();
        IssuedSession issued = a.create(user);
        assertThat(a.authenticate(issued.token())).isPresent();
        a.revokeAll(user);
        assertThat(a.authenticate(issued.token())).isEmpty();
        String published = org.sessionregistry.spi.Invalidation.user(user).toText();
        while (!heard.contains(published)) {
          assertThat(System.nanoTime()).as("its publish came back over TLS").isLessThan(deadline);
          Thread.sleep(5);
        }
        assertThat(channel.isConnected()).isTrue();
      }
    }
  }

  @Test
  void aWrongPasswordAnUntrustedCertificateOrPlainTextFailTypedWithoutThePassword()
      throws Exception {
    try (OwnedRedis server = OwnedRedis.withPasswordAndTls(PASSWORD)) {
      SSLContext trusting = trusting(server.certificate());
      assertRefused(
          RedisSessionStore.builder()
              .standalone("127.0.0.1", server.tlsPort())
              .credentials("default", "wrong")
              .tls(trusting)
              .timeout(Duration.ofMillis(500))
              .build());
      assertRefused(
          RedisSessionStore.builder()
              .standalone("127.0.0.1", server.tlsPort())
              .credentials("default", PASSWORD)
              .tls(SSLContext.getDefault())
              .timeout(Duration.ofMillis(500))
              .build());
      assertRefused(
          RedisSessionStore.builder()
              .standalone("127.0.0.1", server.tlsPort())
              .credentials("default", PASSWORD)
              .timeout(Duration.ofMillis(500))
              .build());
    }
  }

  private static void assertRefused(RedisSessionStore store) {
    try (store) {
      SessionRegistry registry = SessionRegistry.builder().store(store).build();
      assertThatThrownBy(() -> registry.create(Ids.newId()))
          .isInstanceOf(SessionStoreException.class)
          .satisfies(
              e -> assertThat(e.getMessage()).doesNotContain(PASSWORD).doesNotContain("wrong"));
    }
  }

  /** An SSL context that trusts the one certificate in a PEM file. */
  static SSLContext trusting(Path pem) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      trust.setCertificateEntry(
          "redis", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
