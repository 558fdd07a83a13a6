package org.sessionregistry.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.jdbc.JdbcSessionStore;
import org.sessionregistry.redis.RedisSessionStore;
import org.sessionregistry.spi.SessionStore;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Every store works under Spring Boot 4.0.7's dependency management (this module's parent), with the one version the
 * README names: H2 2.4 and PostgreSQL's driver through HikariCP 7 as Boot has them, Redis with jedis.version 8.0.2.
 */
class StoresUnderBootVersionsTest {

  @Test
  void theVersionsAreBootsButJedis() throws Exception {
    assertThat(version("com.zaxxer", "HikariCP")).isEqualTo("7.0.2");
    assertThat(org.h2.engine.Constants.FULL_VERSION).startsWith("2.4.240");
    assertThat(org.postgresql.util.DriverInfo.DRIVER_VERSION).isEqualTo("42.7.11");
    assertThat(version("com.fasterxml.jackson.core", "jackson-databind")).isEqualTo("2.21.4");
    assertThat(version("redis.clients", "jedis")).isEqualTo("8.0.2");
  }

  /** The version of the jar on the class path, from the Maven metadata it carries. */
  private static String version(String groupId, String artifactId) throws Exception {
    String resource = "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
    try (InputStream in =
        StoresUnderBootVersionsTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    }
  }

  @Test
  void h2() {
    assertWorks(SessionStore.class, "spring.datasource.url=jdbc:h2:mem:boot-versions");
  }

  @Test
  void postgresql() throws Exception {
    String schema = "sr_spring_example";
    try (Connection c =
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      s.execute("CREATE SCHEMA " + schema);
    }
    assertWorks(
        JdbcSessionStore.class,
        "spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema,
        "spring.datasource.username=postgres",
        "session-registry.jdbc.initialize-schema=always");
  }

  @Test
  void redis() {
    assertWorks(
        RedisSessionStore.class,
        "spring.datasource.url=jdbc:h2:mem:boot-versions-redis",
        "session-registry.store=redis",
        "spring.data.redis.host=127.0.0.1",
        "session-registry.redis.namespace=sr-example-" + UUID.randomUUID());
  }

  private static void assertWorks(Class<?> storeType, String... properties) {
    try (ConfigurableApplicationContext app =
        new SpringApplicationBuilder(ExampleApplication.class)
            .run(
                Stream.concat(
                        Stream.of("server.port=0", "spring.main.banner-mode=off"),
                        Stream.of(properties))
                    .map(p -> "--" + p)
                    .toArray(String[]::new))) {
      SessionRegistry registry = app.getBean(SessionRegistry.class);
      if (storeType != SessionStore.class) {
        assertThat(app.getBean(SessionStore.class).toString())
            .contains(storeType == JdbcSessionStore.class ? "PostgreSQL" : "Redis");
      }
      String user =
          "bob"; // a user the application knows: sessions of unknown users never authenticate
      IssuedSession issued = registry.create(user);
      assertThat(registry.authenticate(issued.token())).isPresent();
      assertThat(registry.list(user)).hasSize(1);
      registry.revokeAll(user);
      assertThat(registry.authenticate(issued.token())).isEmpty();
    }
  }
}
