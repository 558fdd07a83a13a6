package org.sessionregistry.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.cache.FrontCache;
import org.sessionregistry.cache.InProcessInvalidationChannel;
import org.sessionregistry.memory.InMemorySessionStore;
import org.sessionregistry.spi.PoolStatus;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.ForwardingSessionStore;

/**
 * docs/prometheus-alerts.yml is a rule file Prometheus can load, whose rules name only meters the binding registers;
 * docs/operations.md names every meter the binding registers.
 */
class OperationsDocumentationTest {
  private static final Path DOCS = Path.of("..", "docs");
  private static final Pattern NAME = Pattern.compile("sessionregistry_[a-z_]+");

  @Test
  void theAlertRulesParseAndNameRealMeters() throws Exception {
    JsonNode rules =
        new ObjectMapper(new YAMLFactory())
            .readTree(DOCS.resolve("prometheus-alerts.yml").toFile());
    Set<String> registered = scrapedNames();
    Set<String> alerts = new TreeSet<>();
    for (JsonNode group : rules.path("groups")) {
      assertThat(group.path("name").asText()).isNotEmpty();
      for (JsonNode rule : group.path("rules")) {
        String alert = rule.path("alert").asText();
        assertThat(alert).matches("SessionRegistry[A-Za-z]+");
        assertThat(alerts.add(alert)).as("alert names are unique: " + alert).isTrue();
        assertThat(rule.path("for").asText()).as(alert).matches("\\d+[smh]");
        assertThat(rule.path("labels").path("severity").asText())
            .as(alert)
            .isIn("warning", "critical");
        assertThat(rule.path("annotations").path("summary").asText()).as(alert).isNotEmpty();
        Matcher m = NAME.matcher(rule.path("expr").asText());
        int named = 0;
        while (m.find()) {
          named++;
          assertThat(registered).as(alert + " names " + m.group()).contains(m.group());
        }
        assertThat(named).as(alert + " names a meter").isPositive();
      }
    }
    assertThat(alerts)
        .contains(
            "SessionRegistryChannelDown",
            "SessionRegistryStoreErrors",
            "SessionRegistryCacheHitRatioLow",
            "SessionRegistryCapRefusalsRising",
            "SessionRegistryPoolExhausted",
            "SessionRegistryLiveSessionsDropped");
  }

  @Test
  void operationsMdNamesEveryMeter() throws Exception {
    String doc = Files.readString(DOCS.resolve("operations.md"));
    assertThat(scrapedNames())
        .allSatisfy(name -> assertThat(doc).as("operations.md").contains(name));
  }

  /** The names Prometheus shows once every part is bound and used. */
  private static Set<String> scrapedNames() {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    InProcessInvalidationChannel channel = InProcessInvalidationChannel.create();
    FrontCache cache = FrontCache.builder().channel(channel).recordStats().build();
    FrontCacheMetrics.bind(meters, cache);
    ChannelMetrics.bind(meters, channel);
    SessionStore store = cache.over(pooled(InMemorySessionStore.create()));
    SessionStoreMetrics.bind(meters, store, Duration.ZERO, Tags.of("store", "memory"));
    SessionRegistry registry =
        SessionRegistry.builder()
            .store(store)
            .maxSessionsPerUser(1, SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE)
            .observer(SessionRegistryMetrics.create(meters, "memory"))
            .build();
    String user = Ids.newId();
    registry.create(user);
    IssuedSession second = registry.create(user);
    registry.authenticate(second.token());
    registry.revokeAll(user);
    registry.credentialsChanged(user);
    Set<String> names = new TreeSet<>();
    for (String line : meters.scrape().split("\n")) {
      Matcher m = NAME.matcher(line);
      if (!line.startsWith("#") && m.lookingAt()) {
        names.add(m.group());
      }
    }
    assertThat(names)
        .contains(
            "sessionregistry_channel_connected",
            "sessionregistry_operations_seconds_count",
            "sessionregistry_revocations_bulk_total",
            "sessionregistry_sessions_ended_total",
            "sessionregistry_sessions_live",
            "sessionregistry_pool_connections",
            "sessionregistry_pool_waiters",
            "sessionregistry_credentials_changes_total");
    return names;
  }

  /** The store, reporting a pool as the Redis store does, so that the pool's meters show too. */
  private static SessionStore pooled(SessionStore store) {
    return new ForwardingSessionStore(store) {
      @Override
      public PoolStatus poolStatus() {
        return new PoolStatus(1, 2, 0);
      }
    };
  }
}
