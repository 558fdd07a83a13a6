package org.sessionregistry.redis.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script of the store's, run with {@code EVALSHA}, and with {@code EVAL} when the server does not have it cached
 * ({@code NOSCRIPT}): one round trip either way. Its source is the shared prelude members.lua, then its own resource.
 */
public final class LuaScript {
  private static final String PRELUDE = "members.lua";

  private final String source;
  private final String sha1;

  /** @param resource a script beside {@code RedisSessionStore}, e.g. {@code insert.lua} */
  public LuaScript(String resource) {
    StringBuilder text = new StringBuilder();
    for (String part : List.of(PRELUDE, resource)) {
      try (InputStream in =
          LuaScript.class.getResourceAsStream("/org/sessionregistry/redis/" + part)) {
        if (in == null) {
          throw new IllegalStateException("the jar lacks " + part);
        }
        text.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + part, e);
      }
    }
    this.source = text.toString();
    this.sha1 = HexFormat.of().formatHex(sha1(source));
  }

  public Object run(UnifiedJedis redis, List<String> keys, List<String> args) {
    try {
      return redis.evalsha(sha1, keys, args);
    } catch (JedisNoScriptException e) {
      return redis.eval(source, keys, args);
    }
  }

  /**
   * Queues the script on a pipeline: {@code EVALSHA}, or {@code EVAL} when {@code sendSource} (after a pipeline's
   * {@code EVALSHA} answered {@code NOSCRIPT}: its {@code get()} throws {@link JedisNoScriptException}).
   */
  public Response<Object> queue(
      AbstractPipeline pipeline, List<String> keys, List<String> args, boolean sendSource) {
    return sendSource ? pipeline.eval(source, keys, args) : pipeline.evalsha(sha1, keys, args);
  }

  private static byte[] sha1(String s) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is not available", e);
    }
  }
}
