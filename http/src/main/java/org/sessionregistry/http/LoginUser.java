package org.sessionregistry.http;

import java.util.Set;

/**
 * A user whose credentials checked out, as login returns it (Mattermost's user object, the fields this API knows).
 *
 * @param id the user id: the application's own, as the registry takes it ({@link org.sessionregistry.Ids#isValidUserId})
 * @param username the login name
 * @param email the email address, possibly empty
 * @param roles the user's roles, e.g. {@code system_user}; the new session records them, and Mattermost's JSON shows
 *     them joined by spaces
 */
public record LoginUser(String id, String username, String email, Set<String> roles) {

  public LoginUser {
    roles = Set.copyOf(roles);
  }
}
