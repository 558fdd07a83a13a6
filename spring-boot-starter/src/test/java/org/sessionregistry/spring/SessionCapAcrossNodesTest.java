package org.sessionregistry.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sessionregistry.Session;
import org.sessionregistry.SessionRegistry;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Spring Security's {@code maximumSessions} is per JVM and check-then-act: simultaneous logins all pass it. Here the cap
 * is the registry's, counted in the same store operation as each login: two applications over one PostgreSQL (then
 * one Redis), 32 simultaneous logins of one user, a cap of 3, set by the property or by the configurer's
 * {@code maximumSessions(3).maxSessionsPreventsLogin(...)}.
 */
class SessionCapAcrossNodesTest {
  private static final int LOGINS = 32;
  private static final int CAP = 3;

  @BeforeAll
  static void freshSchema() throws Exception {
    SessionRegistryAutoConfigurationTest.freshSchema();
  }

  /** Where the cap is set: the registry's property, or the configurer's {@code maximumSessions}. */
  enum CapFrom {
    PROPERTY,
    CONFIGURER
  }

  static Stream<Arguments> setups() {
    return Stream.of("postgresql", "redis")
        .flatMap(store -> Stream.of(CapFrom.values()).map(from -> Arguments.of(store, from)));
  }

  @ParameterizedTest(name = "{0}, cap from the {1}")
  @MethodSource("setups")
  void policyEndEndsTheSessionsFromBeforeTheBurst(String store, CapFrom from) throws Exception {
    endPolicy(store(store), from);
  }

  @ParameterizedTest(name = "{0}, cap from the {1}")
  @MethodSource("setups")
  void policyRefuseRefusesTheExtraLogins(String store, CapFrom from) throws Exception {
    refusePolicy(store(store), from);
  }

  private static List<String> store(String name) {
    return name.equals("postgresql") ? postgresql() : redis();
  }

  private static List<String> postgresql() {
    return List.of(
        "spring.datasource.url=" + SessionRegistryAutoConfigurationTest.PG_URL,
        "spring.datasource.username=postgres",
        "session-registry.store=jdbc",
        "session-registry.jdbc.initialize-schema=always");
  }

  private static List<String> redis() {
    return List.of(
        "spring.autoconfigure.exclude="
            + "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "session-registry.store=redis",
        "spring.data.redis.host=127.0.0.1",
        "session-registry.redis.namespace=sr-cap-" + UUID.randomUUID());
  }

  private void endPolicy(List<String> store, CapFrom from) throws Exception {
    try (Nodes nodes = new Nodes(store, "end", from)) {
      String user = nodes.newUser();
      List<String> before = new ArrayList<>();
      for (int i = 0; i < CAP; i++) {
        before.add(Http.token(Http.login(nodes.port(i % 2), user, "pw")));
      }
      List<HttpResponse<String>> burst = nodes.burst(user);
      assertThat(burst).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
      List<Session> live = nodes.registry().list(user);
      assertThat(live).hasSize(CAP);
      for (String token : before) {
        assertThat(Http.get(nodes.port(0), "/me", token).statusCode()).isEqualTo(401);
        assertThat(Http.get(nodes.port(1), "/me", token).statusCode()).isEqualTo(401);
      }
      long liveTokens =
          burst.stream()
              .map(Http::token)
              .filter(t -> Http.get(nodes.port(0), "/me", t).statusCode() == 200)
              .count();
      assertThat(liveTokens).isEqualTo(CAP);
    }
  }

  private void refusePolicy(List<String> store, CapFrom from) throws Exception {
    try (Nodes nodes = new Nodes(store, "refuse", from)) {
      String user = nodes.newUser();
      List<HttpResponse<String>> burst = nodes.burst(user);
      assertThat(burst.stream().filter(r -> r.statusCode() == 200)).hasSize(CAP);
      assertThat(burst.stream().filter(r -> r.statusCode() == 409)).hasSize(LOGINS - CAP);
      assertThat(nodes.registry().list(user)).hasSize(CAP);
      assertThat(burst.stream().filter(r -> r.statusCode() == 200).map(Http::token))
          .allSatisfy(
              t -> assertThat(Http.get(nodes.port(1), "/me", t).statusCode()).isEqualTo(200));
    }
  }

  /** Two applications over one store, with one user each test creates. */
  private static final class Nodes implements AutoCloseable {
    private final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    Nodes(List<String> store, String policy, CapFrom from) {
      List<String> properties = new ArrayList<>(store);
      if (from == CapFrom.PROPERTY) {
        properties.add("session-registry.max-sessions-per-user=" + CAP);
        properties.add("session-registry.max-sessions-policy=" + policy);
      } else {
        // The registry's own cap is looser, with the other policy: the configurer's replaces it for
        // its logins.
        properties.add("session-registry.max-sessions-per-user=" + 10 * CAP);
        properties.add(
            "session-registry.max-sessions-policy=" + (policy.equals("end") ? "refuse" : "end"));
        properties.add("test.maximum-sessions=" + CAP);
        properties.add("test.max-sessions-prevents-login=" + policy.equals("refuse"));
      }
      for (int i = 0; i < 2; i++) {
        apps.add(TestApplication.start(properties.toArray(String[]::new)));
      }
    }

    String newUser() {
      String user = "u-" + UUID.randomUUID();
      for (ConfigurableApplicationContext app : apps) {
        app.getBean(org.springframework.security.provisioning.InMemoryUserDetailsManager.class)
            .createUser(
                org.springframework.security.core.userdetails.User.withUsername(user)
                    .password("{noop}pw")
                    .roles("USER")
                    .build());
      }
      return user;
    }

    int port(int node) {
      return TestApplication.port(apps.get(node));
    }

    SessionRegistry registry() {
      return apps.get(0).getBean(SessionRegistry.class);
    }

    /** {@value #LOGINS} logins at once, alternating between the two nodes, released together. */
    List<HttpResponse<String>> burst(String user) throws Exception {
      ExecutorService threads = Executors.newFixedThreadPool(LOGINS);
      try {
        CountDownLatch ready = new CountDownLatch(LOGINS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < LOGINS; i++) {
          int node = i % 2;
          answers.add(
              threads.submit(
                  () -> {
                    ready.countDown();
                    go.await();
                    return Http.login(port(node), user, "pw");
                  }));
        }
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        go.countDown();
        List<HttpResponse<String>> all = new ArrayList<>();
        for (Future<HttpResponse<String>> a : answers) {
          all.add(a.get(30, TimeUnit.SECONDS));
        }
        return all;
      } finally {
        threads.shutdownNow();
      }
    }

    @Override
    public void close() {
      apps.forEach(ConfigurableApplicationContext::close);
    }
  }
}
