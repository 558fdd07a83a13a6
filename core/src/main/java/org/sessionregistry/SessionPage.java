package org.sessionregistry;

import java.util.List;

/**
 * One page of a walk over every session ({@link SessionRegistry#listAll}): the sessions, and the cursor of the next
 * page, empty when the walk is done.
 *
 * @param sessions the page's sessions (sanitized when the registry returns them)
 * @param nextCursor opaque: give it to the next call as it is; empty when there is nothing more
 */
public record SessionPage(List<Session> sessions, String nextCursor) {
  public SessionPage {
    sessions = List.copyOf(sessions);
    if (nextCursor == null) {
      throw new IllegalArgumentException("nextCursor must not be null (empty when done)");
    }
  }

  /** Whether this is the last page. */
  public boolean isLast() {
    return nextCursor.isEmpty();
  }
}
