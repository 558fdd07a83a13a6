package org.sessionregistry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdCodecTest {

  /** Vectors from Go's base32 with Mattermost's alphabet and no padding, as model.NewId encodes 16 bytes. */
  @Test
  void encodesSixteenBytesAsMattermostDoes() {
    assertThat(base32(hex("000102030405060708090a0b0c0d0e0f")))
        .isEqualTo("yyyoryarywdyqnyjbefoadeqbh");
    assertThat(IdCodec.encode(hex("00000000000000000000000000000000")))
        .isEqualTo("yyyyyyyyyyyyyyyyyyyyyyyyyy");
    assertThat(IdCodec.encode(hex("000102030405060708090a0b0c0d0e0f")))
        .isEqualTo("yyyoryarywdyqnyjbefoadeqbh");
    assertThat(IdCodec.encode(hex("ffffffffffffffffffffffffffffffff")))
        .isEqualTo("9999999999999999999999999h");
  }

  @Test
  void encodesTwoLongsAsTheirSixteenBigEndianBytes() {
    assertThat(IdCodec.encode(0x0001020304050607L, 0x08090a0b0c0d0e0fL))
        .isEqualTo("yyyoryarywdyqnyjbefoadeqbh");
    assertThat(IdCodec.encode(-1L, -1L)).isEqualTo("9999999999999999999999999h");
    java.util.SplittableRandom random = new java.util.SplittableRandom(42);
    for (int i = 0; i < 10_000; i++) {
      long high = random.nextLong();
      long low = random.nextLong();
      byte[] bytes = java.nio.ByteBuffer.allocate(16).putLong(high).putLong(low).array();
      assertThat(IdCodec.encode(high, low))
          .isEqualTo(base32(bytes))
          .isEqualTo(IdCodec.encode(bytes));
    }
    for (int bit = 0; bit < 128; bit++) { // every bit lands in its place
      long high = bit < 64 ? 1L << (63 - bit) : 0;
      long low = bit < 64 ? 0 : 1L << (127 - bit);
      byte[] bytes = java.nio.ByteBuffer.allocate(16).putLong(high).putLong(low).array();
      assertThat(IdCodec.encode(high, low))
          .as("bit %d", bit)
          .isEqualTo(base32(bytes))
          .isEqualTo(IdCodec.encode(bytes));
    }
  }

  /** The reference: Go's base32 without padding, bit by bit, most significant first, in Mattermost's alphabet. */
  private static String base32(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(IdCodec.ALPHABET.charAt((buffer >>> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(IdCodec.ALPHABET.charAt((buffer << (5 - bits)) & 31));
    }
    return out.toString();
  }

  @Test
  void newIdsAreValidTokenShapedAndDistinct() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = IdCodec.newId();
      assertThat(IdCodec.isValidId(id)).isTrue();
      assertThat(IdCodec.isTokenShaped(id)).isTrue();
      assertThat(seen.add(id)).isTrue();
    }
  }

  @Test
  void validIdsAreTwentySixAsciiLettersOrDigits() {
    assertThat(IdCodec.isValidId("ABCDEFGHIJKLMNOPQRSTUVWXY0")).isTrue();
    assertThat(IdCodec.isValidId("abcdefghijklmnopqrstuvwxy")).isFalse();
    assertThat(IdCodec.isValidId("abcdefghijklmnopqrstuvwxyz0")).isFalse();
    assertThat(IdCodec.isValidId("abcdefghijklmnopqrstuvwxy-")).isFalse();
    assertThat(IdCodec.isValidId("abcdefghijklmnopqrstuvwxyé")).isFalse();
    assertThat(IdCodec.isTokenShaped("abcdefghijklmnopqrstuvwxy0"))
        .as("0, l, v are not in the alphabet")
        .isFalse();
    assertThat(IdCodec.isTokenShaped("YBNDRFG8EJKMCPQXOT1UWISZA3")).isFalse();
  }

  @Test
  void tokensAreTheStoresPrefixThenTwentySixRandomCharacters() {
    assertThat(IdCodec.newToken("")).hasSize(26);
    String token = IdCodec.newToken("User0042");
    assertThat(token).hasSize(34).startsWith("User0042");
    assertThat(IdCodec.isTokenShaped(token)).isTrue();
    assertThat(IdCodec.isTokenShaped(IdCodec.newToken("a".repeat(64)))).isTrue();
    assertThatThrownBy(() -> IdCodec.newToken("a".repeat(65)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("up to 64 ASCII letters or digits");
    assertThatThrownBy(() -> IdCodec.newToken("a-b")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void tokenShapeChecksThePrefixAndTheRandomPart() {
    String random = IdCodec.newId();
    assertThat(IdCodec.isTokenShaped("AZaz09" + random)).isTrue();
    assertThat(IdCodec.isTokenShaped("a-b" + random)).as("prefix not alphanumeric").isFalse();
    assertThat(IdCodec.isTokenShaped("ab" + random.substring(1) + "0"))
        .as("0 ends the random part")
        .isFalse();
    assertThat(IdCodec.isTokenShaped("a".repeat(65) + random)).as("prefix too long").isFalse();
    assertThat(IdCodec.isTokenShaped(random.substring(1))).isFalse();
    assertThat(IdCodec.isTokenShaped("")).isFalse();
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }
}
