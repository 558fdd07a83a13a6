package org.sessionregistry.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.Session;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.spi.TokenHash;

/**
 * A database made by schema version 2 ({@code user_id VARCHAR(26)}, ASCII on MariaDB, Mattermost's {@code is_oauth}
 * and {@code expired_notify}) keeps its sessions and takes user ids of any shape once a store has created its schema
 * over it; creating the schema again changes nothing. Each
 * database gets a schema of its own for this, apart from the one the other tests share.
 */
class SchemaMigrationTest {

  @Test
  void h2() throws Exception {
    migrates(TestDatabase.H2, "jdbc:h2:mem:sr-migration;DB_CLOSE_DELAY=-1", null);
  }

  @Test
  void postgresql() throws Exception {
    migrates(
        TestDatabase.POSTGRESQL,
        TestDatabase.POSTGRESQL.url + "?currentSchema=sr_migration",
        "CREATE SCHEMA IF NOT EXISTS sr_migration");
  }

  @Test
  void mariadb() throws Exception {
    migrates(
        TestDatabase.MARIADB,
        TestDatabase.MARIADB.url.replaceFirst("/test$", "/sr_migration"),
        "CREATE DATABASE IF NOT EXISTS sr_migration");
  }

  private static void migrates(TestDatabase db, String url, String createNamespace)
      throws Exception {
    if (createNamespace != null) {
      try (Connection c = db.connect(new Properties());
          Statement s = c.createStatement()) {
        s.execute(createNamespace);
      }
    }
    try (HikariDataSource pool = pool(db, url)) {
      Jdbi jdbi = Jdbi.create(pool);
      jdbi.useHandle(h -> h.createScript(JdbcSchema.dropScript(db.dialect)).execute());
      jdbi.useHandle(h -> h.createScript(versionTwo(db)).execute());

      // Sessions as version 2 wrote them, Mattermost's two flags included: one live, one revoked by
      // a revoke-all.
      String mattermostUser = Ids.newId();
      long now = System.currentTimeMillis();
      String beforeToken = Ids.newId();
      Session before =
          new Session(
              TokenHash.of(beforeToken).sessionId(),
              mattermostUser,
              Instant.ofEpochMilli(now),
              Instant.ofEpochMilli(now + 3_600_000),
              Instant.ofEpochMilli(now),
              "",
              Set.of("system_user"),
              Map.of());
      String revokedToken = Ids.newId();
      jdbi.useHandle(
          h -> {
            insertVersionTwo(h, beforeToken, mattermostUser, now, 0);
            insertVersionTwo(h, revokedToken, mattermostUser, now, 0);
            h.execute(
                "INSERT INTO sr_users (user_id, generation, purge_pending) VALUES (?, 1, FALSE)",
                mattermostUser);
            h.execute(
                "UPDATE sr_sessions SET generation = 1 WHERE token_hash = ?",
                TokenHash.of(beforeToken).toBytes());
          });

      for (int run = 0; run < 2; run++) { // the second run finds the schema migrated already
        try (JdbcSessionStore store =
            JdbcSessionStore.builder().dataSource(pool).createSchemaIfMissing(true).build()) {
          SessionRegistry registry = SessionRegistry.builder().store(store).build();
          assertThat(registry.authenticate(beforeToken)).as("run %d", run).contains(before);
          assertThat(registry.authenticate(revokedToken)).as("revoked in version 2").isEmpty();
          assertThat(registry.list(mattermostUser)).containsExactly(before);

          String email = "zoë.ångström+" + run + "@example.com";
          String longest = ("🦊" + run).repeat(100).substring(0, Ids.MAX_USER_ID_LENGTH);
          for (String user : new String[] {email, email.toUpperCase(), longest}) {
            IssuedSession kept = registry.create(user);
            IssuedSession other = registry.create(user);
            assertThat(registry.authenticate(kept.token())).contains(kept.session());
            registry.revokeAllExcept(user, kept.session().id());
            assertThat(registry.list(user)).containsExactly(kept.session());
            assertThat(registry.authenticate(other.token())).isEmpty();
            registry.revokeAll(user);
            assertThat(registry.authenticate(kept.token())).isEmpty();
          }
        }
      }
      jdbi.useHandle(h -> h.createScript(JdbcSchema.dropScript(db.dialect)).execute());
    }
  }

  private static void insertVersionTwo(
      org.jdbi.v3.core.Handle h, String token, String userId, long now, long generation) {
    h.execute(
        "INSERT INTO sr_sessions (id, token_hash, user_id, create_at, expires_at, last_activity_at, retain_until,"
            + " device_id, roles, is_oauth, expired_notify, props, generation) VALUES (?, ?, ?, ?, ?, ?, ?, '', 'system_user',"
            + " FALSE, FALSE, '{}', ?)",
        TokenHash.of(token).sessionId(),
        TokenHash.of(token).toBytes(),
        userId,
        now,
        now + 3_600_000,
        now,
        now + 3_600_000,
        generation);
  }

  private static HikariDataSource pool(TestDatabase db, String url) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(db.user);
    config.setPassword(db.password);
    config.setMaximumPoolSize(2);
    config.setPoolName("tests-migration-" + db.name().toLowerCase());
    return new HikariDataSource(config);
  }

  /** The schema as version 2 made it, as shipped until user ids of any shape. */
  private static String versionTwo(TestDatabase db) throws IOException {
    String resource = "schema-v2-" + db.name().toLowerCase() + ".sql";
    try (InputStream in = SchemaMigrationTest.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
