package org.sessionregistry.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.memory.InMemorySessionStore;
import org.sessionregistry.testing.UnreachableStore;

/** Mattermost's {@code GET /api/v4/system/ping}, as {@code Client4.ping} calls it. */
class SystemPingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aPlainPingIsOkWithoutAskingTheStore() throws Exception {
    HttpResponse r = api(new UnreachableStore()).handle(ping(""));
    assertThat(r.status()).isEqualTo(200);
    assertThat(JSON.readTree(r.body())).isEqualTo(JSON.readTree("{\"status\":\"OK\"}"));
    assertThat(r.headers()).contains(Map.entry("Content-Type", "application/json"));
  }

  @Test
  void askedForTheServerStatusItReadsTheStore() throws Exception {
    HttpResponse healthy =
        api(InMemorySessionStore.create()).handle(ping("time=1&get_server_status=true"));
    assertThat(healthy.status()).isEqualTo(200);
    assertThat(JSON.readTree(healthy.body()))
        .isEqualTo(JSON.readTree("{\"status\":\"OK\",\"database_status\":\"OK\"}"));
    assertThat(healthy.headers()).contains(Map.entry("database_status", "OK"));

    MattermostSessionApi down = api(new UnreachableStore());
    HttpResponse unhealthy = down.handle(ping("get_server_status=true"));
    assertThat(unhealthy.status()).isEqualTo(500);
    assertThat(JSON.readTree(unhealthy.body()))
        .isEqualTo(JSON.readTree("{\"status\":\"UNHEALTHY\",\"database_status\":\"UNHEALTHY\"}"));
    assertThat(unhealthy.headers()).contains(Map.entry("status", "UNHEALTHY"));
    assertThat(down.handle(ping("get_server_status=true&use_rest_semantics=true")).status())
        .isEqualTo(200);
  }

  @Test
  void onlyGet() {
    HttpResponse r =
        api(InMemorySessionStore.create())
            .handle(new HttpRequest("POST", "/api/v4/system/ping", Map.of(), new byte[0]));
    assertThat(r.status()).isEqualTo(405);
  }

  private static MattermostSessionApi api(org.sessionregistry.spi.SessionStore store) {
    SessionRegistry registry = SessionRegistry.builder().store(store).build();
    return MattermostSessionApi.builder(registry, (login, password) -> Optional.empty()).build();
  }

  private static HttpRequest ping(String query) {
    return new HttpRequest(
        "GET",
        "/api/v4/system/ping",
        Map.of("Accept", List.of("application/json")),
        new byte[0],
        "127.0.0.1",
        query);
  }
}
