package org.sessionregistry.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.SessionAccessRule;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.UserRoles;
import org.sessionregistry.jdbc.JdbcSessionStore;
import org.sessionregistry.memory.InMemorySessionStore;
import org.sessionregistry.redis.RedisInvalidationChannel;
import org.sessionregistry.redis.RedisSessionStore;
import org.sessionregistry.spi.InvalidationChannel;
import org.sessionregistry.spi.SessionStore;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The registry the properties describe, over the real stores; every property checked at start-up. */
class SessionRegistryAutoConfigurationTest {
  static final String PG_SCHEMA = "sr_spring_starter";
  static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + PG_SCHEMA;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SessionRegistryAutoConfiguration.class));

  /** A schema of this test's own, new each run: other modules' tests use the database's default one. */
  @BeforeAll
  static void freshSchema() throws SQLException {
    try (Connection c =
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + PG_SCHEMA + " CASCADE");
      s.execute("CREATE SCHEMA " + PG_SCHEMA);
    }
  }

  @Test
  void withoutPropertiesSessionsLiveInMemory() {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(SessionRegistry.class);
          assertThat(context.getBean(SessionStore.class)).isInstanceOf(InMemorySessionStore.class);
          SessionRegistry registry = context.getBean(SessionRegistry.class);
          IssuedSession issued = registry.create("alice");
          assertThat(registry.authenticate(issued.token())).isPresent();
        });
  }

  @Test
  void aNegativeDurationFailsTheStartNamingTheProperty() {
    assertStartFails(
        List.of("session-registry.idle-timeout=-1s"),
        "session-registry.idle-timeout",
        "PT-1S",
        "must be positive");
    assertStartFails(
        List.of("session-registry.session-lifetime=0s"),
        "session-registry.session-lifetime",
        "PT0S");
  }

  @Test
  void anUnknownStoreOrPolicyFailsTheStartNamingTheProperty() {
    assertStartFails(List.of("session-registry.store=mongo"), "session-registry.store", "mongo");
    assertStartFails(
        List.of("session-registry.max-sessions-policy=maybe"),
        "session-registry.max-sessions-policy",
        "maybe");
  }

  @Test
  void aCapBelowOneFailsTheStartNamingTheProperty() {
    assertStartFails(
        List.of("session-registry.max-sessions-per-user=0"),
        "session-registry.max-sessions-per-user",
        "at least 1, was 0");
  }

  @Test
  void aRuleBetweenPropertiesNamesBoth() {
    assertStartFails(
        List.of("session-registry.idle-timeout=5m", "session-registry.touch-interval=10m"),
        "session-registry.touch-interval (PT10M) must be shorter than session-registry.idle-timeout (PT5M)");
  }

  @Test
  void aBadRedisSettingFailsTheStartNamingTheProperty() {
    assertStartFails(
        List.of("session-registry.store=redis", "session-registry.redis.port=70000"),
        "session-registry.redis.port",
        "70000");
    assertStartFails(
        List.of("session-registry.store=redis", "session-registry.redis.namespace={x}"),
        "session-registry.redis.namespace");
  }

  @Test
  void theJdbcStoreWithoutADataSourceSaysWhatToAdd() {
    assertStartFails(
        List.of("session-registry.store=jdbc"), "session-registry.store", "DataSource");
  }

  @Test
  void theApplicationsOwnRegistryOrStoreWins() {
    runner
        .withUserConfiguration(OwnRegistry.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(SessionRegistry.class);
              assertThat(context.getBean(SessionRegistry.class))
                  .isSameAs(context.getBean(OwnRegistry.class).registry);
            });
    runner
        .withUserConfiguration(OwnStore.class)
        .withPropertyValues("session-registry.store=redis")
        .run(
            context -> {
              assertThat(context).hasSingleBean(SessionStore.class);
              SessionStore own = context.getBean(OwnStore.class).store;
              assertThat(context.getBean(SessionStore.class)).isSameAs(own);
              context.getBean(SessionRegistry.class).create("bob");
              assertThat(own.findByUser("bob")).hasSize(1);
            });
  }

  @Test
  void theApplicationsRolesAndRuleAreTheRegistrys() {
    runner
        .withUserConfiguration(Directory.class)
        .run(
            context -> {
              SessionRegistry registry = context.getBean(SessionRegistry.class);
              IssuedSession admin = registry.create("root");
              assertThat(registry.currentRoles(admin.session())).containsExactly("ADMIN");
              assertThat(registry.mayManageSessionsOf(admin.session(), "someone")).isTrue();
              assertThat(registry.mayManageSessionsOf(registry.create("someone").session(), "root"))
                  .isFalse();
            });
  }

  @Test
  void theJdbcStoreUsesTheApplicationsDataSourceAndCreatesItsSchemaWhenAsked() {
    runner
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
        .withPropertyValues(
            "spring.datasource.url=" + PG_URL,
            "spring.datasource.username=postgres",
            "session-registry.store=jdbc",
            "session-registry.jdbc.initialize-schema=always")
        .run(
            context -> {
              assertThat(context.getBean(SessionStore.class)).isInstanceOf(JdbcSessionStore.class);
              SessionRegistry registry = context.getBean(SessionRegistry.class);
              String user = "u-" + UUID.randomUUID();
              IssuedSession issued = registry.create(user);
              assertThat(registry.authenticate(issued.token())).isPresent();
              assertThat(registry.list(user)).hasSize(1);
            });
  }

  @Test
  void theRedisStoreFallsBackToSpringBootsRedisProperties() {
    runner
        .withPropertyValues(
            "session-registry.store=redis",
            "spring.data.redis.host=127.0.0.1",
            "spring.data.redis.port=6379",
            "session-registry.redis.namespace=sr-starter-" + UUID.randomUUID())
        .run(
            context -> {
              assertThat(context.getBean(SessionStore.class)).isInstanceOf(RedisSessionStore.class);
              SessionRegistry registry = context.getBean(SessionRegistry.class);
              IssuedSession issued = registry.create("carol");
              assertThat(registry.authenticate(issued.token())).isPresent();
              registry.revokeAll("carol");
            });
    // Its own settings come first: nothing listens on port 1.
    runner
        .withPropertyValues(
            "session-registry.store=redis",
            "spring.data.redis.port=6379",
            "session-registry.redis.port=1",
            "session-registry.redis.timeout=200ms")
        .run(
            context ->
                assertThatThrownBy(() -> context.getBean(SessionRegistry.class).create("dave"))
                    .hasMessageContaining("localhost:1")
                    .hasMessageNotContaining("6379"));
  }

  @Test
  void theStoreAndItsChannelCloseWithTheContext() {
    List<SessionStore> stores = new ArrayList<>();
    List<RedisInvalidationChannel> channels = new ArrayList<>();
    runner
        .withPropertyValues(
            "session-registry.store=redis",
            "session-registry.redis.host=127.0.0.1",
            "session-registry.front-cache.enabled=true",
            "session-registry.redis.namespace=sr-starter-" + UUID.randomUUID())
        .run(
            context -> {
              RedisInvalidationChannel channel =
                  (RedisInvalidationChannel) context.getBean(InvalidationChannel.class);
              assertThat(channel).isInstanceOf(RedisInvalidationChannel.class);
              SessionRegistry registry = context.getBean(SessionRegistry.class);
              IssuedSession issued = registry.create("erin");
              assertThat(registry.authenticate(issued.token())).isPresent();
              registry.revokeAll("erin");
              stores.add(context.getBean(SessionStore.class));
              channels.add(channel);
            });
    assertThatThrownBy(() -> stores.get(0).findByUser("erin")).isInstanceOf(RuntimeException.class);
    assertThat(channels.get(0).isConnected()).isFalse();
  }

  private void assertStartFails(List<String> properties, String... messageParts) {
    runner
        .withPropertyValues(properties.toArray(String[]::new))
        .run(
            context -> {
              assertThat(context).hasFailed();
              StringBuilder messages = new StringBuilder();
              for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
              }
              assertThat(messages.toString()).contains(messageParts);
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnRegistry {
    final SessionRegistry registry =
        SessionRegistry.builder().store(InMemorySessionStore.create()).build();

    @Bean
    SessionRegistry mine() {
      return registry;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnStore {
    final SessionStore store = InMemorySessionStore.create();

    @Bean
    SessionStore mine() {
      return store;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Directory {
    @Bean
    UserRoles roles() {
      return userId -> userId.equals("root") ? Set.of("ADMIN") : Set.of();
    }

    @Bean
    SessionAccessRule rule() {
      return SessionAccessRule.administeredBy("ADMIN");
    }
  }
}
