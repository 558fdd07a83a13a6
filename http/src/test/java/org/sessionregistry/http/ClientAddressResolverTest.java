package org.sessionregistry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sessionregistry.http.ClientAddressResolver.Client;

/** Who the client is, behind proxies we trust and in front of headers anyone can forge. */
class ClientAddressResolverTest {
  /** The proxy tier: one IPv4 network, one IPv6 network, and a single load balancer. */
  private final ClientAddressResolver proxies =
      ClientAddressResolver.trustedProxies(
          List.of("10.0.0.0/8", "2001:db8:cafe::/48", "192.0.2.10"));

  @Test
  void directIsThePeerAndReadsNoHeader() {
    Client c =
        ClientAddressResolver.direct()
            .resolve(
                request(
                    "10.1.2.3",
                    "X-Forwarded-For",
                    "198.51.100.7",
                    "Forwarded",
                    "for=198.51.100.8;proto=https",
                    "X-Forwarded-Proto",
                    "https"));
    assertThat(c).isEqualTo(new Client("10.1.2.3", false));
  }

  @Test
  void headersFromAnUntrustedPeerAreIgnored() {
    for (String header : List.of("X-Forwarded-For", "Forwarded")) {
      String value = header.equals("Forwarded") ? "for=198.51.100.7;proto=https" : "198.51.100.7";
      Client c =
          proxies.resolve(request("203.0.113.5", header, value, "X-Forwarded-Proto", "https"));
      assertThat(c).as(header).isEqualTo(new Client("203.0.113.5", false));
    }
  }

  /** The client sends {@code X-Forwarded-For: 1.2.3.4}; the trusted proxy appends the real address, which wins. */
  @Test
  void aSpoofedLeftMostEntryIsNotTheClient() {
    Client c = proxies.resolve(request("10.0.0.1", "X-Forwarded-For", "1.2.3.4, 198.51.100.7"));
    assertThat(c.address()).isEqualTo("198.51.100.7");
  }

  @Test
  void aChainOfTrustedProxiesIsWalkedToTheFirstUntrustedHop() {
    // client -> 192.0.2.10 (load balancer) -> 10.0.0.9 -> 10.0.0.1 (peer); the client prepended two
    // lies.
    Client c =
        proxies.resolve(
            request(
                "10.0.0.1",
                "X-Forwarded-For",
                "6.6.6.6, 7.7.7.7",
                "X-Forwarded-For",
                "198.51.100.7, 192.0.2.10",
                "X-Forwarded-For",
                "10.0.0.9"));
    assertThat(c.address()).as("several header lines are one list").isEqualTo("198.51.100.7");
  }

  @Test
  void whenEveryHopIsTrustedTheLeftMostIsTheClient() {
    assertThat(
            proxies.resolve(request("10.0.0.1", "X-Forwarded-For", "10.0.0.3, 10.0.0.2")).address())
        .isEqualTo("10.0.0.3");
  }

  @Test
  void noHeaderFromATrustedPeerLeavesThePeer() {
    assertThat(proxies.resolve(request("10.0.0.1"))).isEqualTo(new Client("10.0.0.1", false));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "2001:db8:cafe::1 | 2001:DB8:0:0:0:0:0:7                      | 2001:db8::7",
        "2001:db8:cafe::1 | [2001:db8::7]:4711                        | 2001:db8::7",
        "10.0.0.1         | ::ffff:198.51.100.7                       | 198.51.100.7",
        "10.0.0.1         | 198.51.100.7:4711                         | 198.51.100.7",
        "10.0.0.1         | 2001:db8::7, 2001:db8:cafe:0:0:0:0:2      | 2001:db8::7",
        "[2001:db8:cafe::1] | 2001:0db8:0000:0000:0001:0000:0000:0001 | 2001:db8::1:0:0:1",
        "10.0.0.1         | fe80:0:0:0:1:0:0:0                        | fe80::1:0:0:0",
      })
  void ipv6IsReadAndEveryAddressComesOutInOneForm(String peer, String xff, String client) {
    assertThat(proxies.resolve(request(peer, "X-Forwarded-For", xff)).address()).isEqualTo(client);
  }

  @Test
  void peerAddressesAreCanonicalTooSoOneClientHasOneKey() {
    assertThat(ClientAddressResolver.direct().resolve(request("0:0:0:0:0:0:0:1")).address())
        .isEqualTo("::1");
    assertThat(ClientAddressResolver.direct().resolve(request("fe80::1%eth0")).address())
        .isEqualTo("fe80::1");
    assertThat(ClientAddressResolver.direct().resolve(request("")).address()).isEmpty();
    assertThat(
            proxies
                .resolve(request("[2001:db8:cafe::1]", "X-Forwarded-For", "198.51.100.7"))
                .address())
        .as("a bracketed trusted peer")
        .isEqualTo("198.51.100.7");
  }

  /** What the trusted peer reports is not an address: the client is the hop that reported it, never a guess. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "unknown",
        "evil.example.com",
        "localhost",
        "198.51.100.7 x",
        "01.2.3.4",
        "1.2.3",
        "1.2.3.4.5",
        "256.1.1.1",
        "",
        "2001:db8::1%eth0",
        "[198.51.100.7]",
        "1.2.3.4:http",
        "[2001:db8::1",
        "１.２.３.４",
        "0x7f.1.1.1"
      })
  void anEntryThatIsNoIpLiteralEndsTheWalkAtTheLastTrustedHop(String garbage) {
    assertThat(
            proxies
                .resolve(request("10.0.0.1", "X-Forwarded-For", "198.51.100.9, " + garbage))
                .address())
        .isEqualTo("10.0.0.1");
    assertThat(
            proxies
                .resolve(request("10.0.0.1", "X-Forwarded-For", garbage + ", 10.0.0.2"))
                .address())
        .isEqualTo("10.0.0.2");
  }

  @Test
  void whatTheClientPutsLeftOfItsAddressDoesNotMatter() {
    String junk = "x".repeat(20_000) + ", \"unbalanced, ;;==";
    assertThat(
            proxies
                .resolve(request("10.0.0.1", "X-Forwarded-For", junk + ", 198.51.100.7"))
                .address())
        .isEqualTo("198.51.100.7");
    assertThat(
            proxies
                .resolve(request("10.0.0.1", "Forwarded", junk + ", for=198.51.100.7"))
                .address())
        .isEqualTo("198.51.100.7");
  }

  @Test
  void atMost32EntriesOfAtMost256CharactersAreRead() {
    List<String> hops = new ArrayList<>(Collections.nCopies(40, "10.0.0.2"));
    hops.set(0, "198.51.100.7");
    hops.set(40 - 32, "10.0.0.3");
    assertThat(
            proxies
                .resolve(request("10.0.0.1", "X-Forwarded-For", String.join(", ", hops)))
                .address())
        .as("the 32nd from the right, all trusted; the client 40 hops away is never read")
        .isEqualTo("10.0.0.3");

    String longEntry = "for=\"[2001:db8::7]:4711\";" + "a=b;".repeat(60);
    assertThat(proxies.resolve(request("10.0.0.1", "Forwarded", longEntry)).address())
        .as("an entry over 256 characters names no one")
        .isEqualTo("10.0.0.1");
  }

  @Test
  void forwardedIsReadAsRfc7239Says() {
    assertThat(
            proxies.resolve(
                request(
                    "10.0.0.1",
                    "Forwarded",
                    "for=1.2.3.4, For=\"[2001:db8::7]:4711\";Proto=https;by=10.0.0.1")))
        .isEqualTo(new Client("2001:db8::7", true));
    assertThat(
            proxies.resolve(
                request("10.0.0.1", "Forwarded", "for=198.51.100.7;proto=http, for=10.0.0.2")))
        .isEqualTo(new Client("198.51.100.7", false));
    assertThat(
            proxies.resolve(
                request("10.0.0.1", "Forwarded", "for=198.51.100.7:4711 ; proto=\"https\"")))
        .isEqualTo(new Client("198.51.100.7", true));
    assertThat(
            proxies
                .resolve(request("10.0.0.1", "Forwarded", "for=192.0.2.1, for=\"198.51.100.7,x\""))
                .address())
        .as("a comma inside quotes separates nothing (and this is no address)")
        .isEqualTo("10.0.0.1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "for=unknown",
        "for=_hidden",
        "for=\"_hidden:_port\"",
        "for=2001:db8::7",
        "for=198.51.100.7;for=198.51.100.8",
        "for=\"198.51.100.7",
        "proto=https",
        "for",
        "for=198.51.100.7 junk",
        "for=[2001:db8::7]x"
      })
  void anObfuscatedUnknownOrMalformedForwardedHopNamesNoOne(String element) {
    assertThat(
            proxies
                .resolve(
                    request(
                        "10.0.0.1", "Forwarded", "for=198.51.100.9, " + element + ", for=10.0.0.2"))
                .address())
        .isEqualTo("10.0.0.2");
  }

  /** When a request has both, {@code Forwarded} decides, and {@code X-Forwarded-*} is not read at all. */
  @Test
  void forwardedTakesPrecedenceOverXForwardedFor() {
    Client c =
        proxies.resolve(
            request(
                "10.0.0.1",
                "X-Forwarded-For",
                "203.0.113.9",
                "X-Forwarded-Proto",
                "https",
                "Forwarded",
                "for=198.51.100.7"));
    assertThat(c).isEqualTo(new Client("198.51.100.7", false));
    assertThat(
            proxies
                .resolve(
                    request(
                        "10.0.0.1", "X-Forwarded-For", "203.0.113.9", "Forwarded", "for=garbage"))
                .address())
        .as("a Forwarded that names no one falls back to the peer, never to X-Forwarded-For")
        .isEqualTo("10.0.0.1");
  }

  @Test
  void xForwardedProtoCountsFromATrustedPeerOnlyAndItsRightMostValue() {
    assertThat(
            proxies
                .resolve(
                    request(
                        "10.0.0.1",
                        "X-Forwarded-For",
                        "198.51.100.7",
                        "X-Forwarded-Proto",
                        "HTTPS"))
                .https())
        .isTrue();
    assertThat(proxies.resolve(request("10.0.0.1", "X-Forwarded-Proto", "https")))
        .as("no address header: the peer, over HTTPS")
        .isEqualTo(new Client("10.0.0.1", true));
    assertThat(proxies.resolve(request("10.0.0.1", "X-Forwarded-Proto", "https, http")).https())
        .as("the peer says http")
        .isFalse();
    assertThat(proxies.resolve(request("203.0.113.5", "X-Forwarded-Proto", "https")).https())
        .isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.1/8       | has bits set past its /8 prefix; write its network's first address (10.0.0.0/8)",
        "2001:db8::1/32   | has bits set past its /32 prefix; write its network's first address (2001:db8::/32)",
        "10.0.0.0/33      | is not a CIDR such as 10.0.0.0/8 or 2001:db8::/32, nor an IP address",
        "2001:db8::/129   | is not a CIDR such as 10.0.0.0/8 or 2001:db8::/32, nor an IP address",
        "proxy.internal   | is not a CIDR such as 10.0.0.0/8 or 2001:db8::/32, nor an IP address",
        "10.0.0.0/-1      | is not a CIDR such as 10.0.0.0/8 or 2001:db8::/32, nor an IP address",
        "' 10.0.0.0/8'    | is not a CIDR such as 10.0.0.0/8 or 2001:db8::/32, nor an IP address",
      })
  void aBadCidrIsRefusedWithItsValue(String cidr, String rule) {
    assertThatThrownBy(() -> ClientAddressResolver.trustedProxies(List.of(cidr)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cidrs: \"" + cidr + "\" " + rule);
  }

  @Test
  void aCidrMatchesItsWholeNetworkAndNothingElse() {
    ClientAddressResolver r =
        ClientAddressResolver.trustedProxies(List.of("172.16.0.0/12", "fd00::/8"));
    assertThat(r.resolve(request("172.31.255.255", "X-Forwarded-For", "198.51.100.7")).address())
        .isEqualTo("198.51.100.7");
    assertThat(r.resolve(request("172.32.0.0", "X-Forwarded-For", "198.51.100.7")).address())
        .isEqualTo("172.32.0.0");
    assertThat(r.resolve(request("fdff:ffff::1", "X-Forwarded-For", "198.51.100.7")).address())
        .isEqualTo("198.51.100.7");
    assertThat(r.resolve(request("fe00::1", "X-Forwarded-For", "198.51.100.7")).address())
        .isEqualTo("fe00::1");
    assertThat(ClientAddressResolver.trustedProxies(List.of()))
        .isSameAs(ClientAddressResolver.direct());
  }

  /** A request from {@code peer} with header name-value pairs, in order; a name may repeat (several lines). */
  private static HttpRequest request(String peer, String... headerPairs) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 0; i < headerPairs.length; i += 2) {
      headers.computeIfAbsent(headerPairs[i], k -> new ArrayList<>()).add(headerPairs[i + 1]);
    }
    return new HttpRequest("GET", "/", headers, new byte[0], peer);
  }
}
