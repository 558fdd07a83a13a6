package org.sessionregistry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The props of a login, as Mattermost's server derives them from the User-Agent: on its own test cases and more. */
class UserAgentInfoTest {

  @Test
  void derivesWhatMattermostDerives() throws IOException {
    List<String> mismatches = new ArrayList<>();
    int cases = 0;
    try (InputStream in = UserAgentInfoTest.class.getResourceAsStream("/user-agents.tsv")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        UserAgentInfo expected = new UserAgentInfo(f[1], f[2], f[3] + "/" + f[4]);
        UserAgentInfo actual = UserAgentInfo.parse(f[0]);
        cases++;
        if (!actual.equals(expected)) {
          mismatches.add(f[0] + "\n    expected " + expected + "\n    was      " + actual);
        }
      }
    }
    assertThat(cases).isGreaterThanOrEqualTo(45);
    assertThat(mismatches).isEmpty();
  }

  @Test
  void anyInputIsAnUnknownClientAtWorst() {
    assertThat(UserAgentInfo.parse(null))
        .isEqualTo(new UserAgentInfo("Unknown", "", "Unknown/0.0"));
    assertThat(UserAgentInfo.parse("Mattermost/" + "9".repeat(500)).browser())
        .hasSize("Desktop App/".length() + 128);
    assertThat(UserAgentInfo.parse("Chrome/99999999999999999999.1").browser())
        .startsWith("Chrome/");
    assertThat(UserAgentInfo.parse("Mozilla/5.0 (Windows NT 10.0) Chrome/1.2.3").props())
        .containsEntry("platform", "Windows")
        .containsEntry("os", "Windows 10")
        .containsEntry("browser", "Chrome/1.2.3");
  }
}
