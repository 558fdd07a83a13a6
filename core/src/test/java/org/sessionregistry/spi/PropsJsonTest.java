package org.sessionregistry.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PropsJsonTest {

  @Test
  void roundTripsAnyStrings() {
    Map<String, String> props =
        new TreeMap<>(
            Map.of(
                "platform",
                "Linux",
                "quote\"back\\slash",
                "new\nline\ttab\u0001",
                "unicode",
                "é漢字😀",
                "empty",
                ""));
    String json = PropsJson.write(props);

    assertThat(PropsJson.read(json)).isEqualTo(props);
    assertThat(PropsJson.write(Map.of())).isEqualTo("{}");
    assertThat(PropsJson.read(" { } ")).isEmpty();
    assertThat(PropsJson.write(new TreeMap<>(Map.of("a", "1", "b", "2"))))
        .isEqualTo("{\"a\":\"1\",\"b\":\"2\"}");
    assertThat(PropsJson.read("{\"a\" : \"\\u0041\\/\"}")).containsEntry("a", "A/");
  }

  @Test
  void refusesAnythingButAnObjectOfStrings() {
    for (String bad :
        new String[] {
          "",
          "[]",
          "{\"a\":1}",
          "{\"a\":\"b\"",
          "{\"a\":\"b\"} x",
          "{a:\"b\"}",
          "{\"a\":\"\\q\"}",
          "{\"a\":\"\\u00zz\"}",
          "{\"a\":\"b\",}"
        }) {
      assertThatThrownBy(() -> PropsJson.read(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("props JSON: expected");
    }
  }
}
