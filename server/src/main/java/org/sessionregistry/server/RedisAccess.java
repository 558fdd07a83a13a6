package org.sessionregistry.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.redis.RedisInvalidationChannel;
import org.sessionregistry.redis.RedisSessionStore;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * How the server reaches its Redis: the nodes, the ACL user and password (the password from the environment only),
 * TLS with the JVM's trust store or a CA file. The same for the store, the channel and the failed-login counts.
 */
final class RedisAccess {
  private final ServerConfig config;
  private final @Nullable SSLContext tls;

  RedisAccess(ServerConfig config) throws SessionServer.StartupException {
    this.config = config;
    this.tls = config.redisTls ? sslContext(config) : null;
  }

  Set<HostAndPort> nodes() {
    return Arrays.stream(config.redis.split(","))
        .map(String::trim)
        .map(HostAndPort::from)
        .collect(Collectors.toUnmodifiableSet());
  }

  HostAndPort first() {
    return HostAndPort.from(config.redis.split(",")[0].trim());
  }

  RedisSessionStore.Builder store(RedisSessionStore.Builder b) {
    b.namespace(config.redisNamespace)
        .timeout(config.redisTimeout)
        .waitForReplicas(config.redisWaitReplicas, config.redisWaitTimeout);
    if (config.redisPassword != null) {
      b.credentials(config.redisUser, config.redisPassword);
    }
    if (tls != null) {
      b.tls(tls);
    }
    return b;
  }

  RedisInvalidationChannel.Builder channel() {
    HostAndPort hp = first();
    RedisInvalidationChannel.Builder b =
        RedisInvalidationChannel.builder()
            .redis(hp.getHost(), hp.getPort())
            .namespace(config.redisNamespace)
            .timeout(config.redisTimeout);
    if (config.redisPassword != null) {
      b.credentials(config.redisUser, config.redisPassword);
    }
    if (tls != null) {
      b.tls(tls);
    }
    return b;
  }

  /** A client of its own, for the failed-login counts: standalone or Cluster as the store. */
  UnifiedJedis client(boolean cluster) {
    DefaultJedisClientConfig.Builder c =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis((int) config.redisTimeout.toMillis())
            .socketTimeoutMillis((int) config.redisTimeout.toMillis())
            .clientName("session-registry-logins");
    if (config.redisPassword != null) {
      c.user(config.redisUser).password(config.redisPassword);
    }
    if (tls != null) {
      SSLParameters p = new SSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      c.ssl(true).sslSocketFactory(tls.getSocketFactory()).sslParameters(p);
    }
    return cluster
        ? RedisClusterClient.builder().nodes(nodes()).clientConfig(c.build()).build()
        : RedisClient.builder().hostAndPort(first()).clientConfig(c.build()).build();
  }

  private static SSLContext sslContext(ServerConfig config) throws SessionServer.StartupException {
    try {
      if (config.redisTlsCa == null) {
        return SSLContext.getDefault();
      }
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      try (InputStream in = Files.newInputStream(config.redisTlsCa)) {
        int i = 0;
        for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          trust.setCertificateEntry("ca-" + i++, cert);
        }
        if (i == 0) {
          throw new SessionServer.StartupException(
              "--redis-tls-ca " + config.redisTlsCa + " holds no certificate");
        }
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new SessionServer.StartupException(
          "--redis-tls-ca " + config.redisTlsCa + " cannot be used: " + e.getMessage());
    }
  }
}
