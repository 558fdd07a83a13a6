package org.sessionregistry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {

  /** Vectors from Go's base32 with Mattermost's alphabet and no padding, as model.NewId encodes 16 bytes. */
  @Test
  void encodesSixteenBytesAsMattermostDoes() {
    assertThat(Ids.encode(hex("00000000000000000000000000000000"))).isEqualTo("yyyyyyyyyyyyyyyyyyyyyyyyyy");
    assertThat(Ids.encode(hex("000102030405060708090a0b0c0d0e0f"))).isEqualTo("yyyoryarywdyqnyjbefoadeqbh");
    assertThat(Ids.encode(hex("ffffffffffffffffffffffffffffffff"))).isEqualTo("9999999999999999999999999h");
  }

  @Test
  void newIdsAreValidTokenShapedAndDistinct() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = Ids.newId();
      assertThat(Ids.isValidId(id)).isTrue();
      assertThat(Ids.isTokenShaped(id)).isTrue();
      assertThat(seen.add(id)).isTrue();
    }
  }

  @Test
  void validIdsAreTwentySixAsciiLettersOrDigits() {
    assertThat(Ids.isValidId("ABCDEFGHIJKLMNOPQRSTUVWXY0")).isTrue();
    assertThat(Ids.isValidId("abcdefghijklmnopqrstuvwxy")).isFalse();
    assertThat(Ids.isValidId("abcdefghijklmnopqrstuvwxyz0")).isFalse();
    assertThat(Ids.isValidId("abcdefghijklmnopqrstuvwxy-")).isFalse();
    assertThat(Ids.isValidId("abcdefghijklmnopqrstuvwxyé")).isFalse();
    assertThat(Ids.isTokenShaped("abcdefghijklmnopqrstuvwxy0")).as("0, l, v are not in the alphabet").isFalse();
    assertThat(Ids.isTokenShaped("YBNDRFG8EJKMCPQXOT1UWISZA3")).isFalse();
  }

  @Test
  void tokensAreTheStoresPrefixThenTwentySixRandomCharacters() {
    assertThat(Ids.newToken("")).hasSize(26);
    String token = Ids.newToken("User0042");
    assertThat(token).hasSize(34).startsWith("User0042");
    assertThat(Ids.isTokenShaped(token)).isTrue();
    assertThat(Ids.isTokenShaped(Ids.newToken("a".repeat(64)))).isTrue();
    assertThatThrownBy(() -> Ids.newToken("a".repeat(65))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("up to 64 ASCII letters or digits");
    assertThatThrownBy(() -> Ids.newToken("a-b")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void tokenShapeChecksThePrefixAndTheRandomPart() {
    String random = Ids.newId();
    assertThat(Ids.isTokenShaped("AZaz09" + random)).isTrue();
    assertThat(Ids.isTokenShaped("a-b" + random)).as("prefix not alphanumeric").isFalse();
    assertThat(Ids.isTokenShaped("ab" + random.substring(1) + "0")).as("0 ends the random part").isFalse();
    assertThat(Ids.isTokenShaped("a".repeat(65) + random)).as("prefix too long").isFalse();
    assertThat(Ids.isTokenShaped(random.substring(1))).isFalse();
    assertThat(Ids.isTokenShaped("")).isFalse();
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }
}
