package org.sessionregistry.redis.internal;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.SessionStoreUnavailableException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/** Runs one command or script and says, typed, what its failure means for the caller. */
public final class RedisErrors {
  private static final List<String> UNAVAILABLE_REPLIES =
      List.of(
          "TRYAGAIN", "CLUSTERDOWN", "LOADING", "BUSY", "READONLY", "MASTERDOWN", "MOVED", "ASK");

  private RedisErrors() {}

  /**
   * The command's answer; a failure as {@link SessionStoreUnavailableException} when Redis is down, timing out or
   * cannot serve now, else {@link SessionStoreException}.
   *
   * @param description names the store in messages
   * @param operation what the caller was doing, for messages: "revoke a session"
   */
  public static <T> T call(String description, String operation, Supplier<T> command) {
    try {
      return command.get();
    } catch (JedisException e) {
      if (isUnavailable(e)) {
        throw new SessionStoreUnavailableException(
            description
                + " is unavailable, could not "
                + operation
                + ": "
                + sentence(e.getMessage())
                + " The outcome is unknown; the client reconnects when Redis is back.",
            e);
      }
      throw new SessionStoreException(
          description + " failed to " + operation + ": " + e.getMessage(), e);
    }
  }

  /**
   * Down, timing out, out of pooled connections, or answering that it cannot serve now (a Cluster resharding or
   * failing over, a replica, a server loading its data or busy with a script).
   */
  static boolean isUnavailable(JedisException e) {
    if (e instanceof JedisConnectionException
        || e instanceof JedisClusterOperationException
        || e.getCause() instanceof NoSuchElementException) {
      return true;
    }
    String m = String.valueOf(e.getMessage());
    for (String state : UNAVAILABLE_REPLIES) {
      if (m.startsWith(state) || m.contains(" " + state + " ")) {
        return true;
      }
    }
    return false;
  }

  /** A message as a sentence: one final period. */
  private static String sentence(@Nullable String message) {
    String m = message == null ? "no detail" : message.strip();
    return m.endsWith(".") ? m : m + ".";
  }
}
