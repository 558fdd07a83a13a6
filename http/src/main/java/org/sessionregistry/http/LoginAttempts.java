package org.sessionregistry.http;

import java.time.Duration;

/**
 * Counts failed logins, per key, within a window that starts with a key's first count: where the failed-login limits
 * live. Give every node the same one (the runnable server uses its Redis or its database) so that the limits hold
 * across nodes and restarts; {@link #inProcess()} suits a single node.
 *
 * <p>A login {@link #acquire acquires} its slot before its password is checked, so that parallel attempts cannot all
 * pass a check made before any of them failed: the count goes up first, the password is checked only if the count is
 * within the limit, and a login that succeeds {@link #release releases} its slot. Implementations must make each
 * operation atomic, and be thread-safe.
 */
public interface LoginAttempts {

  /**
   * Counts one more attempt under {@code key} and returns the count, this one included. A key's count starts at 1
   * with a window of {@code window}; when the window has passed, the key starts again.
   */
  long acquire(String key, Duration window);

  /** Takes back one attempt counted under {@code key} (a login that succeeded, or was refused before its check). */
  void release(String key);

  /** Forgets every attempt counted under {@code key} (the user logged in: Mattermost starts again). */
  void reset(String key);

  /** Counts in this JVM, for one node: up to a million keys, each kept for its window. */
  static LoginAttempts inProcess() {
    return new InProcessLoginAttempts();
  }
}
