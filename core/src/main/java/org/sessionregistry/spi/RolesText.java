package org.sessionregistry.spi;

import java.util.Set;

/**
 * A session's roles as one string, the column or field format of the remote stores: the role names joined by single
 * spaces (role names hold no whitespace), at most {@value org.sessionregistry.Session#MAX_ROLES_LENGTH} characters.
 */
public final class RolesText {
  private RolesText() {}

  /** The roles, in the set's order, joined by single spaces; empty for none. */
  public static String write(Set<String> roles) {
    return roles.isEmpty() ? "" : String.join(" ", roles);
  }

  /** The roles {@link #write} wrote; the session's constructor checks them. */
  public static Set<String> read(String text) {
    if (text.isEmpty()) {
      return Set.of();
    }
    return Set.of(text.split(" ", -1));
  }
}
