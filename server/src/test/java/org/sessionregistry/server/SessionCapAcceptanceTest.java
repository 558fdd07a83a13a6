package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The session cap through Mattermost's official JavaScript client, unchanged (e2e/session-cap.js): with the cap at 4,
 * a user logs in 7 times, then 12 times at once from one address; every login succeeds, the cap holds, and the
 * oldest sessions are the ones that ended. On every store.
 */
class SessionCapAcceptanceTest {
  private static final String POSTGRES =
      "--jdbc-url jdbc:postgresql://127.0.0.1:5432/test --jdbc-user postgres";
  private static final String MARIADB =
      "--jdbc-url jdbc:mariadb://127.0.0.1:3306/test --jdbc-user root";

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "memory",
        "h2 --cache local",
        "postgresql " + POSTGRES,
        "mariadb " + MARIADB,
        "redis --cache redis"
      })
  void everyLoginSucceedsAndTheOldestSessionsEnd(String setup, @TempDir Path data)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--port",
                "0",
                "--data",
                data.toString(),
                "--max-sessions-per-user",
                "4",
                "--store"));
    args.addAll(List.of(setup.split(" ")));
    String namespace = "sr-cap-" + UUID.randomUUID();
    if (setup.startsWith("redis")) {
      args.addAll(List.of("--redis-namespace", namespace));
    }
    ServerConfig config = ServerConfig.parse(args, Map.of());
    Map<String, String> passwords =
        UsersFile.createWithDemoUsers(data.resolve("users.json"), Map.of("user1", "system_user"));
    try (SessionServer server =
        SessionServer.start(
            config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      String output =
          OfficialClientAcceptanceTest.runScript(
              "session-cap.js",
              setup,
              Map.of(
                  "SR_URL",
                  "http://127.0.0.1:" + server.port(),
                  "SR_USER",
                  "user1:" + passwords.get("user1")));
      assertThat(output).contains("3 passed, 0 failed");
    } finally {
      if (setup.startsWith("redis")) {
        OfficialClientAcceptanceTest.deleteNamespace(namespace);
      }
    }
  }
}
