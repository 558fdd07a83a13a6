package org.sessionregistry.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenHashTest {
  private static final String TOKEN = "ybndrfg8ejkmcpqxot1uwisza3";
  private static final String SHA_256 =
      "11a88aaa4184f29068c6f73b612de567694374d10e5c9887f33a7569d5405a5f";

  @Test
  void isTheSha256OfTheToken() {
    assertThat(TokenHash.of(TOKEN).toHex()).isEqualTo(SHA_256);
    assertThat(TokenHash.of(TOKEN))
        .isEqualTo(TokenHash.fromHex(SHA_256))
        .hasSameHashCodeAs(TokenHash.fromHex(SHA_256));
    assertThat(TokenHash.fromBytes(TokenHash.of(TOKEN).toBytes())).isEqualTo(TokenHash.of(TOKEN));
    assertThat(TokenHash.fromHex(SHA_256.toUpperCase())).isEqualTo(TokenHash.of(TOKEN));
    assertThat(TokenHash.of(TOKEN)).isNotEqualTo(TokenHash.of("ybndrfg8ejkmcpqxot1uwisza4"));
  }

  @Test
  void keepsWhatPrecedesTheRandomPartForRouting() {
    assertThat(TokenHash.of(TOKEN).routingPrefix()).isEmpty();
    assertThat(TokenHash.of("User42" + TOKEN).routingPrefix()).isEqualTo("User42");
    assertThat(TokenHash.of("User42" + TOKEN)).isNotEqualTo(TokenHash.of(TOKEN));
    assertThat(TokenHash.of("short").routingPrefix()).isEmpty();
    assertThat(TokenHash.fromHex(SHA_256).routingPrefix()).isEmpty();
  }

  /** The last 16 bytes of the hash, 694374d1...d5405a5f, in Mattermost's base32: an id like any other. */
  @Test
  void derivesTheSessionIdFromTheSecondHalfOfTheHash() {
    assertThat(TokenHash.of(TOKEN).sessionId()).isEqualTo("pfbzjweqm1cexh34qiw7kon4mh");
    assertThat(TokenHash.fromHex(SHA_256).sessionId()).isEqualTo("pfbzjweqm1cexh34qiw7kon4mh");
  }

  @Test
  void showsOnlyAPrefix() {
    assertThat(TokenHash.of(TOKEN)).hasToString("TokenHash[11a88aaa...]");
  }

  @Test
  void refusesWrongLengths() {
    assertThatThrownBy(() -> TokenHash.fromBytes(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a token hash must be 32 bytes, was 31 bytes");
    assertThatThrownBy(() -> TokenHash.fromHex("abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a token hash must be 64 hex digits, was 3 characters");
    assertThatThrownBy(() -> TokenHash.fromHex(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
