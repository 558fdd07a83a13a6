package org.sessionregistry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.NewSession;
import org.sessionregistry.Session;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.memory.InMemorySessionStore;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.spi.TokenHash;

/**
 * Each request costs one authentication (one store read of the token) and one permission decision (the caller's roles
 * looked up once, and the target's only for a holder of {@code edit_other_users} alone), whatever the credential.
 */
class OneDecisionPerRequestTest {
  private static final String MANAGER_ROLE = "system_user_manager";
  private final String adminId = Ids.newId();
  private final String managerId = Ids.newId();
  private final String userId = Ids.newId();
  private final Map<String, Set<String>> roles =
      Map.of(
          adminId,
          Set.of("system_admin", "system_user"),
          managerId,
          Set.of(MANAGER_ROLE, "system_user"),
          userId,
          Set.of("system_user"));
  private final AtomicInteger roleLookups = new AtomicInteger();
  private final CountingStore store = new CountingStore(InMemorySessionStore.create());
  private final SessionRegistry registry =
      SessionRegistry.builder()
          .store(store)
          .accessRule(
              MattermostAccessRule.standard()
                  .withRole(MANAGER_ROLE, Set.of(MattermostAccessRule.Permission.EDIT_OTHER_USERS)))
          .userRoles(
              id -> {
                roleLookups.incrementAndGet();
                return roles.get(id);
              })
          .build();
  private final MattermostSessionApi api =
      MattermostSessionApi.builder(registry, (login, password) -> Optional.empty()).build();

  @Test
  void anAdminListingAnotherUsersSessions() {
    IssuedSession admin =
        registry.create(NewSession.forUser(adminId).withRoles(roles.get(adminId)));
    registry.create(userId);

    HttpResponse r = request("GET", "/api/v4/users/" + userId + "/sessions", bearer(admin), "");

    assertThat(r.status()).isEqualTo(200);
    assertThat(store.calls)
        .containsExactlyInAnyOrderEntriesOf(Map.of("findByToken", 1, "findByUser", 1));
    assertThat(roleLookups).as("the admin's roles, once").hasValue(1);
  }

  @Test
  void aUserManagerRevokingAllOfAUserWithItsCookieAndCsrfToken() {
    IssuedSession manager =
        registry.create(
            NewSession.forUser(managerId)
                .withRoles(roles.get(managerId))
                .withProps(Map.of("csrf", "the-csrf-token")));
    registry.create(userId);
    Map<String, List<String>> cookie =
        Map.of(
            "Cookie",
            List.of("MMAUTHTOKEN=" + manager.token()),
            "X-CSRF-Token",
            List.of("the-csrf-token"));

    HttpResponse r =
        request("POST", "/api/v4/users/" + userId + "/sessions/revoke/all", cookie, "");

    assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    assertThat(store.calls)
        .as("the CSRF check reads the session the authentication read")
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("findByToken", 1, "deleteAllOfUserWithoutReading", 1));
    assertThat(roleLookups).as("the manager's roles and the target's, once each").hasValue(2);
    assertThat(registry.list(userId)).isEmpty();
  }

  @Test
  void aUserRevokingItsOwnSessionById() {
    IssuedSession user = registry.create(userId);

    HttpResponse r =
        request(
            "POST",
            "/api/v4/users/me/sessions/revoke",
            bearer(user),
            "{\"session_id\":\"" + user.session().id() + "\"}");

    assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    assertThat(store.calls)
        .containsExactlyInAnyOrderEntriesOf(Map.of("findByToken", 1, "delete", 1));
    assertThat(roleLookups).as("its own sessions: no role is needed").hasValue(0);
    assertThat(registry.authenticate(user.token())).isEmpty();
  }

  @Test
  void aRefusedRequestStopsAtTheDecision() {
    IssuedSession user = registry.create(userId);
    registry.create(adminId);

    HttpResponse r =
        request("POST", "/api/v4/users/" + adminId + "/sessions/revoke/all", bearer(user), "");

    assertThat(r.status()).isEqualTo(403);
    assertThat(store.calls).containsExactlyInAnyOrderEntriesOf(Map.of("findByToken", 1));
    assertThat(roleLookups).hasValue(1);
  }

  private HttpResponse request(
      String method, String path, Map<String, List<String>> headers, String body) {
    store.calls.clear();
    roleLookups.set(0);
    return api.handle(
        new HttpRequest(
            method,
            path,
            MattermostSessionApiTest.json(headers, body),
            body.getBytes(StandardCharsets.UTF_8)));
  }

  private static Map<String, List<String>> bearer(IssuedSession s) {
    return Map.of("Authorization", List.of("Bearer " + s.token()));
  }

  /** Counts the registry's calls into the store, by SPI method. */
  private static final class CountingStore implements SessionStore {
    final Map<String, Integer> calls = new ConcurrentHashMap<>();
    private final SessionStore delegate;

    CountingStore(SessionStore delegate) {
      this.delegate = delegate;
    }

    private void count(String method) {
      calls.merge(method, 1, Integer::sum);
    }

    @Override
    public List<Session> insert(
        Session session,
        TokenHash tokenHash,
        Instant retainUntil,
        SessionLimit limit,
        boolean endSameDevice) {
      count("insert");
      return delegate.insert(session, tokenHash, retainUntil, limit, endSameDevice);
    }

    @Override
    public void deleteEveryone() {
      count("deleteEveryone");
      delegate.deleteEveryone();
    }

    @Override
    public Optional<Session> findByToken(TokenHash tokenHash) {
      count("findByToken");
      return delegate.findByToken(tokenHash);
    }

    @Override
    public List<Session> findByUser(String userId) {
      count("findByUser");
      return delegate.findByUser(userId);
    }

    @Override
    public boolean touch(
        String userId,
        String sessionId,
        Instant lastActivityAt,
        @Nullable Instant expiresAt,
        Instant retainUntil) {
      count("touch");
      return delegate.touch(userId, sessionId, lastActivityAt, expiresAt, retainUntil);
    }

    @Override
    public Optional<Session> delete(String userId, String sessionId) {
      count("delete");
      return delegate.delete(userId, sessionId);
    }

    @Override
    public List<Session> deleteAllOfUser(String userId, @Nullable String keepSessionId) {
      count("deleteAllOfUser");
      return delegate.deleteAllOfUser(userId, keepSessionId);
    }

    @Override
    public void deleteAllOfUserWithoutReading(String userId, @Nullable String keepSessionId) {
      count("deleteAllOfUserWithoutReading");
      delegate.deleteAllOfUserWithoutReading(userId, keepSessionId);
    }

    @Override
    public List<Session> purgeExpired(Instant now, int limit) {
      count("purgeExpired");
      return delegate.purgeExpired(now, limit);
    }

    @Override
    public String tokenPrefix(String userId) {
      return delegate.tokenPrefix(userId);
    }
  }
}
