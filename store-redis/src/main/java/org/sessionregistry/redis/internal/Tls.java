package org.sessionregistry.redis.internal;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.DefaultJedisClientConfig;

/** TLS for the store's and the channel's connections: the server's certificate checked, its host name included. */
public final class Tls {
  private Tls() {}

  /** Turns TLS on in {@code config} with {@code context}'s trust, unless {@code context} is null. */
  public static DefaultJedisClientConfig.Builder apply(
      DefaultJedisClientConfig.Builder config, @Nullable SSLContext context) {
    if (context == null) {
      return config;
    }
    SSLParameters parameters = new SSLParameters();
    // JSSE checks the certificate's names against the host connected to only when asked to.
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    return config.ssl(true).sslSocketFactory(context.getSocketFactory()).sslParameters(parameters);
  }
}
