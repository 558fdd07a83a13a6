package org.sessionregistry.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.sessionregistry.SessionRegistry;
import org.springframework.context.ConfigurableApplicationContext;

/** The sessions endpoint and the health indicator, through Actuator's own web exposure and the application's security. */
class SessionsActuatorTest {

  @Test
  void anAdminListsAndRevokesAUsersSessionsThroughTheExposedEndpoint() {
    try (ConfigurableApplicationContext app =
        TestApplication.start(
            "management.endpoints.web.exposure.include=sessions,health",
            "management.endpoint.health.show-details=always",
            "session-registry.store=redis",
            "session-registry.redis.host=127.0.0.1",
            "session-registry.redis.namespace=sr-actuator-" + UUID.randomUUID(),
            "session-registry.front-cache.enabled=true")) {
      int port = TestApplication.port(app);
      String admin = Http.token(Http.login(port, "alice", "alice-pw"));
      String phone = Http.token(Http.login(port, "bob", "bob-pw"));
      String laptop = Http.token(Http.login(port, "bob", "bob-pw"));

      HttpResponse<String> list = Http.get(port, "/actuator/sessions?username=bob", admin);
      assertThat(list.statusCode()).isEqualTo(200);
      assertThat(list.body()).contains("\"sessions\"").doesNotContain(phone, laptop, "csrf");
      assertThat(Http.get(port, "/actuator/sessions?username=bob", phone).statusCode())
          .isEqualTo(403);

      String phoneId = app.getBean(SessionRegistry.class).authenticate(phone).orElseThrow().id();
      assertThat(
              Http.send(
                      Http.to(port, "/actuator/sessions/" + phoneId + "?username=bob")
                          .header("Authorization", "Bearer " + admin)
                          .DELETE())
                  .statusCode())
          .isEqualTo(204);
      assertThat(Http.get(port, "/me", phone).statusCode()).isEqualTo(401);
      assertThat(Http.get(port, "/me", laptop).statusCode()).isEqualTo(200);

      assertThat(
              Http.send(
                      Http.to(port, "/actuator/sessions?username=bob")
                          .header("Authorization", "Bearer " + admin)
                          .DELETE())
                  .statusCode())
          .isEqualTo(204);
      assertThat(Http.get(port, "/me", laptop).statusCode()).isEqualTo(401);

      assertThat(Http.get(port, "/actuator/sessions?username=%20bob", admin).statusCode())
          .isEqualTo(400);

      HttpResponse<String> health = Http.get(port, "/actuator/health", admin);
      assertThat(health.body())
          .contains("\"sessionRegistry\"", "\"status\":\"UP\"", "\"channel\":\"connected\"");
    }
  }

  @Test
  void theEndpointIsOffUnlessExposedAndTheHealthIndicatorTurnsOff() {
    try (ConfigurableApplicationContext app =
        TestApplication.start(
            "management.endpoints.web.exposure.include=health",
            "management.endpoint.health.show-details=always",
            "management.health.session-registry.enabled=false")) {
      int port = TestApplication.port(app);
      String admin = Http.token(Http.login(port, "alice", "alice-pw"));
      assertThat(Http.get(port, "/actuator/sessions?username=bob", admin).statusCode())
          .isEqualTo(404);
      HttpResponse<String> health = Http.get(port, "/actuator/health", admin);
      assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain("sessionRegistry");
    }
  }
}
