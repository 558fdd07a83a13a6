package org.sessionregistry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.NewSession;
import org.sessionregistry.RevocationReason;
import org.sessionregistry.Session;
import org.sessionregistry.SessionAccessRule;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.memory.InMemorySessionStore;
import org.sessionregistry.spi.SessionStore;

/**
 * What the registry itself decides, whatever its store: who may manage whose sessions, current roles, sessions that
 * die with their credentials, and the checks of arguments and settings. Runs once, over the in-memory store; what a
 * store must do is {@link SessionStoreContract}'s.
 */
class SessionRegistryTest {
  private static final Duration LIFETIME = Duration.ofDays(30);

  private final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final SessionStoreContract.Events events = new SessionStoreContract.Events();

  /** The application's directory: user id to current roles. */
  private final Map<String, Set<String>> directory = new ConcurrentHashMap<>();

  private final SessionStore store = InMemorySessionStore.builder().clock(clock).build();
  private final SessionRegistry registry = registry(b -> b.userRoles(directory::get));

  private SessionRegistry registry(Consumer<SessionRegistry.Builder> settings) {
    SessionRegistry.Builder b =
        SessionRegistry.builder()
            .store(store)
            .clock(clock)
            .sessionLifetime(LIFETIME)
            .idleTimeout(Duration.ofHours(8))
            .touchInterval(Duration.ofMinutes(5))
            .listener(events);
    settings.accept(b);
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Who may manage whose sessions

  @Test
  void byDefaultAUserManagesItsOwnSessionsOnlyAndNoOneRevokesEveryone() {
    String user = Ids.newId();
    String other = Ids.newId();
    directory.put(user, Set.of("admin"));
    directory.put(other, Set.of());
    Session mine = registry.create(user).session();

    assertThat(registry.mayManageSessionsOf(mine, user)).isTrue();
    assertThat(registry.mayManageSessionsOf(mine, other)).as("whatever its roles").isFalse();
    assertThat(registry.mayManageSessionsOf(mine, Ids.newId())).isFalse();
    assertThat(registry.mayRevokeEveryone(mine)).isFalse();
  }

  @Test
  void aUserManagesItsOwnSessionsWhateverTheRuleSays() {
    SessionAccessRule nobody =
        (caller, target) -> {
          throw new AssertionError("asked about the caller's own sessions");
        };
    SessionRegistry strict = registry(b -> b.accessRule(nobody));
    String user = Ids.newId();
    Session mine = strict.create(user).session();

    assertThat(strict.mayManageSessionsOf(mine, user)).isTrue();
  }

  @Test
  void theRuleIsNeverAskedAboutACallerWhoseCredentialsAreNoLongerValid() {
    SessionAccessRule everyone =
        new SessionAccessRule() {
          @Override
          public boolean mayManageSessionsOf(Subject caller, Subject target) {
            throw new AssertionError("asked about " + caller);
          }

          @Override
          public boolean mayRevokeEveryone(Subject caller) {
            throw new AssertionError("asked about " + caller);
          }
        };
    Map<String, Instant> validSince = new ConcurrentHashMap<>();
    SessionRegistry checked =
        registry(b -> b.accessRule(everyone).userCredentials(validSince::get));
    String changed = Ids.newId();
    String deleted = Ids.newId();
    validSince.put(changed, Instant.EPOCH);
    validSince.put(deleted, Instant.EPOCH);
    Session beforeTheChange = checked.create(changed).session();
    Session ofADeletedUser = checked.create(deleted).session();
    clock.advance(Duration.ofSeconds(1));
    validSince.put(changed, clock.instant()); // a new password: earlier sessions are dead
    validSince.remove(deleted);

    for (Session caller : List.of(beforeTheChange, ofADeletedUser)) {
      assertThat(checked.mayManageSessionsOf(caller, Ids.newId())).isFalse();
      assertThat(checked.mayManageSessionsOf(caller, caller.userId()))
          .as("not even its own, with dead credentials")
          .isFalse();
      assertThat(checked.mayRevokeEveryone(caller)).isFalse();
      assertThat(checked.currentRoles(caller)).isEmpty();
    }
  }

  @Test
  void theRuleSeesTheCurrentRolesOfBothUsersAndWhetherTheyAreKnown() {
    List<String> asked = new ArrayList<>();
    SessionAccessRule recording =
        (caller, target) -> {
          asked.add(
              caller + " -> "
                  + target); // toString reads each one's roles and whether they are known
          return true;
        };
    SessionRegistry withDirectory =
        registry(b -> b.userRoles(directory::get).accessRule(recording));
    String caller = Ids.newId();
    String known = Ids.newId();
    String unknown = Ids.newId();
    directory.put(caller, Set.of("support"));
    directory.put(known, Set.of("admin", "staff"));
    Session session =
        withDirectory.create(NewSession.forUser(caller).withRoles(Set.of("issued"))).session();

    assertThat(withDirectory.mayManageSessionsOf(session, known)).isTrue();
    assertThat(withDirectory.mayManageSessionsOf(session, unknown)).isTrue();
    assertThat(asked)
        .containsExactly(
            subject(caller, "[support]", true) + " -> " + subject(known, "[admin, staff]", true),
            subject(caller, "[support]", true) + " -> " + subject(unknown, "[]", false));

    // Without a directory, the caller's roles are those its session was issued with; no target's
    // are known.
    asked.clear();
    SessionRegistry withoutDirectory = registry(b -> b.accessRule(recording));
    Session issued =
        withoutDirectory.create(NewSession.forUser(caller).withRoles(Set.of("issued"))).session();
    assertThat(withoutDirectory.mayManageSessionsOf(issued, known)).isTrue();
    assertThat(asked)
        .containsExactly(subject(caller, "[issued]", true) + " -> " + subject(known, "[]", false));
  }

  @Test
  void administeredByGivesTheRoleEveryonesSessionsByItsCurrentRoles() {
    SessionRegistry admins =
        registry(
            b -> b.userRoles(directory::get).accessRule(SessionAccessRule.administeredBy("admin")));
    String adminId = Ids.newId();
    String user = Ids.newId();
    directory.put(adminId, Set.of("admin", "staff"));
    directory.put(user, Set.of("staff"));
    Session admin = admins.create(NewSession.forUser(adminId).withRoles(Set.of("admin"))).session();
    Session regular = admins.create(user).session();

    assertThat(admins.mayManageSessionsOf(admin, user)).isTrue();
    assertThat(admins.mayManageSessionsOf(admin, Ids.newId())).isTrue();
    assertThat(admins.mayRevokeEveryone(admin)).isTrue();
    assertThat(admins.mayManageSessionsOf(regular, adminId)).isFalse();
    assertThat(admins.mayRevokeEveryone(regular)).isFalse();

    directory.put(adminId, Set.of("staff")); // demoted: its session still says "admin"
    assertThat(admins.mayManageSessionsOf(admin, user))
        .as("current roles, not the session's")
        .isFalse();
    assertThat(admins.mayRevokeEveryone(admin)).isFalse();
    assertThat(admins.currentRoles(admin)).containsExactly("staff");
    assertThat(admin.roles()).containsExactly("admin");
    assertThat(SessionAccessRule.administeredBy("admin"))
        .hasToString("SessionAccessRule.administeredBy(admin)");
  }

  /** Regression: an admin removed from the directory kept its power on the sessions it had. */
  @Test
  void aCallerTheDirectoryDoesNotKnowHoldsNoRole() {
    SessionRegistry admins =
        registry(
            b -> b.userRoles(directory::get).accessRule(SessionAccessRule.administeredBy("admin")));
    Session formerAdmin =
        admins.create(NewSession.forUser(Ids.newId()).withRoles(Set.of("admin"))).session();
    String other = Ids.newId();
    directory.put(other, Set.of());

    assertThat(admins.currentRoles(formerAdmin)).isEmpty();
    assertThat(admins.mayManageSessionsOf(formerAdmin, other)).isFalse();
    assertThat(admins.mayRevokeEveryone(formerAdmin)).isFalse();
  }

  @Test
  void sessionsOlderThanTheirUsersCredentialsAndThoseOfRemovedUsersAreDead() {
    Map<String, Instant> validSince = new ConcurrentHashMap<>();
    SessionRegistry checked =
        registry(
            b ->
                b.userRoles(directory::get)
                    .userCredentials(validSince::get)
                    .accessRule(SessionAccessRule.administeredBy("admin")));
    String user = Ids.newId();
    directory.put(user, Set.of("admin"));
    validSince.put(user, Instant.EPOCH);
    IssuedSession before = checked.create(user);
    clock.advance(Duration.ofSeconds(1));

    validSince.put(user, clock.instant()); // the password changed now
    IssuedSession after = checked.create(user);

    assertThat(checked.authenticate(before.token())).as("created before the change").isEmpty();
    assertThat(checked.mayManageSessionsOf(before.session(), user))
        .as("and it may do nothing")
        .isFalse();
    assertThat(checked.mayRevokeEveryone(before.session())).isFalse();
    assertThat(checked.currentRoles(before.session())).isEmpty();
    assertThat(events.revoked(RevocationReason.CREDENTIALS_CHANGED, user))
        .containsExactly(before.session().id());
    assertThat(checked.authenticate(after.token())).isPresent();
    assertThat(checked.mayManageSessionsOf(after.session(), user)).isTrue();
    assertThat(checked.mayRevokeEveryone(after.session())).isTrue();

    validSince.remove(user); // the user is gone
    assertThat(checked.authenticate(after.token())).isEmpty();
    assertThat(checked.mayManageSessionsOf(after.session(), user)).isFalse();
    assertThat(checked.currentRoles(after.session())).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Bad input: a clear IllegalArgumentException, nothing changed

  @Test
  void badIdsAreRefusedByName() {
    String user = Ids.newId();
    IssuedSession issued = registry.create(user);
    String sid = issued.session().id();
    List<Session> before = registry.list(user);

    assertBadArgument(() -> registry.create((String) null), "userId must not be null");
    assertBadArgument(
        () -> registry.create(""), "userId must be 1 to 255 characters, was 0 characters");
    assertBadArgument(
        () -> registry.create("x".repeat(256)),
        "userId must be 1 to 255 characters, was 256 characters");
    assertBadArgument(
        () -> registry.create("a\nb"),
        "userId must not contain control characters, found U+000A at index 1");
    assertBadArgument(
        () -> registry.create("a\0b"), "userId must not contain NUL, found U+0000 at index 1");
    assertBadArgument(
        () -> registry.create("a\ud800"), "userId must not contain an unpaired surrogate");
    assertBadArgument(() -> registry.list(null), "userId must not be null");
    assertBadArgument(
        () -> registry.list(user + " "),
        "userId must not begin or end with whitespace, found U+0020 at index 26");
    assertBadArgument(
        () -> registry.revokeAll(" " + user),
        "userId must not begin or end with whitespace, found U+0020 at index 0");
    assertBadArgument(
        () -> registry.revokeAll(" ".repeat(26)), "userId must not begin or end with whitespace");
    assertBadArgument(() -> registry.revoke(user, null), "sessionId must not be null");
    assertBadArgument(
        () -> registry.revoke(user, sid + "x"), "sessionId must be 26 ASCII letters or digits");
    assertBadArgument(() -> registry.revoke(null, sid), "userId must not be null");
    assertBadArgument(
        () -> registry.revokeAllExcept(user, "abc"),
        "keepSessionId must be 26 ASCII letters or digits");
    assertBadArgument(() -> registry.revokeAllExcept(user, null), "keepSessionId must not be null");
    assertBadArgument(
        () -> registry.mayManageSessionsOf(issued.session(), ""), "userId must be 1 to 255");
    assertBadArgument(() -> registry.mayManageSessionsOf(null, user), "caller must not be null");
    assertBadArgument(() -> registry.mayRevokeEveryone(null), "caller must not be null");
    assertBadArgument(() -> registry.currentRoles(null), "session must not be null");
    assertBadArgument(() -> registry.authenticate(null), "token must not be null");
    assertBadArgument(() -> registry.touch(null), "session must not be null");
    assertBadArgument(() -> registry.logout(null), "session must not be null");
    assertBadArgument(() -> registry.purgeExpired(0), "limit must be positive, was 0");

    assertThat(registry.list(user)).isEqualTo(before);
    assertThat(registry.authenticate(issued.token())).isPresent();
  }

  @Test
  void oversizedOrMalformedDetailsAreRefusedByName() {
    String user = Ids.newId();
    NewSession ok = NewSession.forUser(user);
    Map<String, String> tooMany = new HashMap<>();
    for (int i = 0; i <= Session.MAX_PROPS; i++) {
      tooMany.put("k" + i, "v");
    }
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("os", null);
    Set<String> nullRole = new HashSet<>();
    nullRole.add(null);
    Set<String> tooLongJoined = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      tooLongJoined.add(i + "r".repeat(Session.MAX_ROLE_LENGTH - 1));
    }

    assertBadArgument(() -> registry.create((NewSession) null), "request must not be null");
    assertBadArgument(
        () -> registry.create(ok.withDeviceId("d".repeat(513))),
        "deviceId must be at most 512 characters, was 513 characters");
    assertBadArgument(() -> registry.create(ok.withDeviceId(null)), "deviceId must not be null");
    assertBadArgument(() -> registry.create(ok.withRoles(null)), "roles must not be null");
    assertBadArgument(
        () -> registry.create(ok.withRoles(nullRole)), "a role in roles must not be null");
    assertBadArgument(
        () -> registry.create(ok.withRoles(Set.of(""))),
        "a role in roles must be 1 to 64 characters, was 0 characters");
    assertBadArgument(
        () -> registry.create(ok.withRoles(Set.of("r".repeat(65)))),
        "a role in roles must be 1 to 64 characters, was 65 characters");
    assertBadArgument(
        () -> registry.create(ok.withRoles(Set.of("system_admin system_user"))),
        "a role in roles must not contain whitespace or control characters, found U+0020 at index 12");
    assertBadArgument(
        () -> registry.create(ok.withRoles(Set.of("a\tb"))),
        "a role in roles must not contain whitespace or control characters, found U+0009 at index 1");
    assertBadArgument(
        () -> registry.create(ok.withRoles(Set.of("a\u00a0b"))),
        "a role in roles must not contain whitespace or control characters, found U+00A0 at index 1");
    assertBadArgument(
        () -> registry.create(ok.withRoles(tooLongJoined)),
        "roles joined by spaces must be at most 256 characters, was 259 characters");
    assertBadArgument(
        () -> registry.create(ok.withProps(tooMany)), "props must have at most 32 entries, had 33");
    assertBadArgument(
        () -> registry.create(ok.withProps(Map.of("", "v"))),
        "props keys must be 1 to 64 characters");
    assertBadArgument(
        () -> registry.create(ok.withProps(Map.of("k".repeat(65), "v"))),
        "props keys must be 1 to 64 characters, had one of 65");
    assertBadArgument(
        () -> registry.create(ok.withProps(Map.of("os", "v".repeat(1025)))),
        "props[os] must be at most 1024 characters, was 1025 characters");
    assertBadArgument(() -> registry.create(ok.withProps(nullValue)), "props[os] must not be null");
    assertBadArgument(() -> registry.create(ok.withProps(null)), "props must not be null");

    assertThat(registry.list(user)).isEmpty();
    assertThat(events.created).isEmpty();
  }

  /** NUL and unpaired surrogates are refused at the API, so no store has to keep what it cannot. */
  @Test
  void valuesNoStoreCanKeepAreRefusedAtTheApi() {
    String user = Ids.newId();
    NewSession ok = NewSession.forUser(user);
    for (String bad :
        List.of("a\u0000b", "\u0000", "a\uD83Db", "\uDE00a", "a\uD83D", "\uDE00\uD83D")) {
      assertBadArgument(() -> registry.create(ok.withDeviceId(bad)), "deviceId must not contain");
      assertBadArgument(
          () -> registry.create(ok.withRoles(Set.of(bad))), "a role in roles must not contain");
      assertBadArgument(
          () -> registry.create(ok.withProps(Map.of("os", bad))), "props[os] must not contain");
      assertBadArgument(
          () -> registry.create(ok.withProps(Map.of(bad, "v"))), "a props key must not contain");
    }
    assertBadArgument(
        () -> registry.create(ok.withDeviceId("ab\u0000")),
        "deviceId must not contain NUL, found U+0000 at index 2");
    assertBadArgument(
        () -> registry.create(ok.withDeviceId("ab\uDE00")),
        "deviceId must not contain an unpaired surrogate, found U+DE00 at index 2");
    assertThat(registry.list(user)).isEmpty();
    assertThat(events.created).isEmpty();
  }

  /**
   * A token passed where an id belongs never reaches a message (at most 4 characters and a length), and no message
   * carries a line break or other control character from a caller's value (a forged log line).
   */
  @Test
  void argumentErrorsShowNoTokenAndNoControlCharacter() {
    String user = Ids.newId();
    IssuedSession issued = registry.create(user);
    String token = issued.token();
    String sid = issued.session().id();
    for (Runnable misuse :
        List.<Runnable>of(
            () -> registry.revoke(user, token + "x"),
            () -> registry.revokeAllExcept(user, token + "x"))) {
      assertThatThrownBy(misuse::run)
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(
              e ->
                  assertThat(e.getMessage())
                      .doesNotContain(token.substring(0, 5))
                      .doesNotContain(token.substring(token.length() - 5))
                      .contains("(" + (token.length() + 1) + " characters)")
                      .hasSizeLessThan(200));
    }
    // A user id may be any text, a token's shape too: one the rule refuses is never shown either.
    for (Runnable misuse :
        List.<Runnable>of(
            () -> registry.revoke(token + " ", sid),
            () -> registry.list(token + " "),
            () -> registry.revokeAll(token + "\n"),
            () -> registry.create(token + "\t"),
            () -> registry.mayManageSessionsOf(issued.session(), " " + token))) {
      assertThatThrownBy(misuse::run)
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(
              e ->
                  assertThat(e.getMessage())
                      .doesNotContain(token.substring(0, 5))
                      .doesNotContain(token.substring(token.length() - 5))
                      .hasSizeLessThan(200));
    }
    String forged = "x\r\n2026-12-01 INFO admin logged in\u001b[0m\u0085";
    for (Runnable misuse :
        List.<Runnable>of(
            () -> registry.revokeAll(forged),
            () -> registry.revoke(user, forged),
            () ->
                registry.create(
                    NewSession.forUser(user).withProps(Map.of(forged, "v".repeat(2000)))),
            () -> registry.create(NewSession.forUser(user).withRoles(Set.of(forged))))) {
      assertThatThrownBy(misuse::run)
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(
              e ->
                  assertThat(e.getMessage())
                      .doesNotContain("\r")
                      .doesNotContain("\n")
                      .doesNotContain("\u001b")
                      .doesNotContain("\u0085")
                      .doesNotContain("INFO"));
    }
    assertThat(registry.list(user)).containsExactly(issued.session());
  }

  @Test
  void badBuilderSettingsAreRefusedByName() {
    assertBadArgument(
        () -> SessionRegistry.builder().sessionLifetime(Duration.ZERO),
        "sessionLifetime must be positive, was PT0S");
    assertBadArgument(
        () -> SessionRegistry.builder().idleTimeout(Duration.ofSeconds(-1)),
        "idleTimeout must be positive, was PT-1S");
    assertBadArgument(
        () -> SessionRegistry.builder().sessionLifetime(ChronoUnit.FOREVER.getDuration()),
        "sessionLifetime must be at most 100 years, was PT");
    assertBadArgument(
        () -> SessionRegistry.builder().idleTimeout(Duration.ofNanos(1_500_000)),
        "idleTimeout must be whole milliseconds, was PT0.0015S");
    assertBadArgument(
        () -> SessionRegistry.builder().touchInterval(Duration.ofSeconds(-1)),
        "touchInterval must not be negative, was PT-1S");
    assertBadArgument(() -> SessionRegistry.builder().store(null), "store must not be null");
    assertBadArgument(() -> SessionRegistry.builder().clock(null), "clock must not be null");
    assertBadArgument(
        () -> SessionRegistry.builder().accessRule(null), "accessRule must not be null");
    assertBadArgument(
        () -> SessionRegistry.builder().userRoles(null), "userRoles must not be null");
    assertBadArgument(() -> SessionAccessRule.administeredBy(""), "role must not be empty");
    assertThatThrownBy(() -> SessionRegistry.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("store must be set");
    assertThatThrownBy(
            () ->
                SessionRegistry.builder()
                    .store(store)
                    .idleTimeout(Duration.ofMinutes(5))
                    .touchInterval(Duration.ofMinutes(5))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "touchInterval (PT5M) must be shorter than idleTimeout (PT5M), or active sessions would time out"
                + " between two writes of their activity");
    assertBadArgument(
        () -> SessionRegistry.builder().maxSessionLifetime(Duration.ZERO),
        "maxSessionLifetime must be positive, was PT0S");
    assertThatThrownBy(
            () ->
                SessionRegistry.builder()
                    .store(store)
                    .sessionLifetime(Duration.ofDays(30))
                    .maxSessionLifetime(Duration.ofDays(29))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "maxSessionLifetime (PT696H) must not be shorter than sessionLifetime (PT720H)");
    assertThatThrownBy(
            () ->
                SessionRegistry.builder()
                    .store(store)
                    .extendWithActivity(true)
                    .sessionLifetime(Duration.ofMinutes(5))
                    .touchInterval(Duration.ofMinutes(5))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "touchInterval (PT5M) must be shorter than sessionLifetime (PT5M) when sessions"
                + " extend with activity");
  }

  @Test
  void rolesAreASortedSetAndTheSessionsToStringShowsNoPropValue() {
    Session s =
        registry
            .create(
                NewSession.forUser(Ids.newId())
                    .withRoles(Set.of("b", "a", "c"))
                    .withProps(Map.of("csrf", "secret-value")))
            .session();

    assertThat(s.roles()).containsExactly("a", "b", "c");
    assertThatThrownBy(() -> s.roles().add("d")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(s.toString()).contains("roles=[a, b, c]").doesNotContain("secret-value");
  }

  /** The rule's subject as its toString shows it; roles sorted, as a one-element or sorted set prints them. */
  private static String subject(String userId, String roles, boolean known) {
    return "Subject[userId=" + userId + ", roles=" + roles + ", known=" + known + "]";
  }

  private static void assertBadArgument(Runnable call, String messageStart) {
    assertThatThrownBy(call::run)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(messageStart);
  }
}
