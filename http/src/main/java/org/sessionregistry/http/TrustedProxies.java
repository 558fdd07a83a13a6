package org.sessionregistry.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@link ClientAddressResolver#trustedProxies}: see there for the rules. Immutable. */
final class TrustedProxies implements ClientAddressResolver {
  static final TrustedProxies NONE = new TrustedProxies(List.of());

  /** Entries read from the right of a header, at most: a chain of proxies is a few hops. */
  private static final int MAX_HOPS = 32;

  /** Characters of one entry, at most; a quoted IPv6 with a port and a {@code proto} is under 80. */
  private static final int MAX_ENTRY_CHARS = 256;

  private final List<Cidr> trusted;

  private TrustedProxies(List<Cidr> trusted) {
    this.trusted = trusted;
  }

  static TrustedProxies of(List<String> cidrs) {
    if (cidrs == null) {
      throw new IllegalArgumentException("cidrs must not be null");
    }
    List<Cidr> parsed = new ArrayList<>();
    for (String cidr : cidrs) {
      parsed.add(Cidr.parse(cidr));
    }
    return parsed.isEmpty() ? NONE : new TrustedProxies(List.copyOf(parsed));
  }

  @Override
  public Client resolve(HttpRequest request) {
    String peer = request.remoteAddress();
    byte[] peerBytes = IpLiteral.peerBytes(peer);
    if (peerBytes == null) {
      return new Client(peer, false);
    }
    String canonicalPeer = IpLiteral.format(peerBytes);
    if (!isTrusted(peerBytes)) {
      return new Client(canonicalPeer, false);
    }
    List<String> forwarded = request.headers().get("Forwarded");
    if (forwarded != null && !forwarded.isEmpty()) {
      return walk(entriesFromTheRight(forwarded), canonicalPeer, TrustedProxies::forwardedHop);
    }
    List<String> proto = request.headers().get("X-Forwarded-Proto");
    boolean https =
        proto != null
            && !proto.isEmpty()
            && entriesFromTheRight(proto).stream()
                .findFirst()
                .filter(p -> p.equalsIgnoreCase("https"))
                .isPresent();
    List<String> xff = request.headers().get("X-Forwarded-For");
    if (xff == null || xff.isEmpty()) {
      return new Client(canonicalPeer, https);
    }
    return walk(
        entriesFromTheRight(xff), canonicalPeer, entry -> new Hop(xffAddress(entry), https));
  }

  private boolean isTrusted(byte[] address) {
    for (Cidr c : trusted) {
      if (c.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** One entry of a header: its address (null when it names none) and whether that hop was HTTPS. */
  private record Hop(byte @Nullable [] address, boolean https) {}

  /** Right to left, past trusted addresses: the first untrusted one is the client (see the interface). */
  private Client walk(
      List<String> entries, String peer, java.util.function.Function<String, Hop> reader) {
    String lastTrusted = peer;
    boolean https = false;
    for (String entry : entries) {
      Hop hop = reader.apply(entry);
      https = hop.https();
      if (hop.address() == null) {
        return new Client(lastTrusted, https);
      }
      String address = IpLiteral.format(hop.address());
      if (!isTrusted(hop.address())) {
        return new Client(address, https);
      }
      lastTrusted = address;
    }
    return new Client(lastTrusted, https);
  }

  /**
   * The comma-separated entries of a header's lines, right-most first, trimmed, at most {@link #MAX_HOPS}; a comma
   * inside quotes separates nothing. An entry longer than {@link #MAX_ENTRY_CHARS} comes out empty and ends the list.
   * So at most 32 entries of 256 characters are scanned, however long the header a client sent through a proxy.
   */
  private static List<String> entriesFromTheRight(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (int l = lines.size() - 1; l >= 0; l--) {
      String line = lines.get(l);
      int end = line.length();
      boolean quoted = false;
      for (int i = line.length() - 1; i >= -1; i--) {
        char c = i < 0 ? ',' : line.charAt(i);
        if (c == '"') {
          quoted = !quoted;
        } else if (c == ',' && (!quoted || i < 0)) {
          out.add(trim(line.substring(i + 1, end)));
          if (out.size() == MAX_HOPS) {
            return out;
          }
          end = i;
        }
        if (end - i > MAX_ENTRY_CHARS) {
          out.add("");
          return out;
        }
      }
    }
    return out;
  }

  /** Strips spaces and tabs (HTTP's optional whitespace), nothing else. */
  private static String trim(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return s.substring(from, to);
  }

  /**
   * An {@code X-Forwarded-For} entry: an IPv4 or IPv6 address, bare or bracketed, with an optional port. Anything else
   * ({@code unknown}, a name, garbage) is null.
   */
  private static byte @Nullable [] xffAddress(String entry) {
    if (entry.indexOf('[') < 0 && entry.indexOf(':') != entry.lastIndexOf(':')) {
      return IpLiteral.parse(entry); // a bare IPv6 address, as nginx and most proxies write it
    }
    return node(entry);
  }

  /**
   * RFC 7239's node: {@code 192.0.2.1}, {@code 192.0.2.1:4711}, {@code [2001:db8::1]}, {@code [2001:db8::1]:4711};
   * {@code unknown} and obfuscated {@code _names} (and anything malformed) are null.
   */
  private static byte @Nullable [] node(String s) {
    String host = s;
    String port = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        return null;
      }
      host = s.substring(1, close);
      if (close + 1 < s.length()) {
        if (s.charAt(close + 1) != ':') {
          return null;
        }
        port = s.substring(close + 2);
      }
      if (host.indexOf(':') < 0) {
        return null; // brackets hold IPv6 only
      }
    } else {
      int colon = s.indexOf(':');
      if (colon >= 0) {
        host = s.substring(0, colon);
        port = s.substring(colon + 1);
      }
      if (host.indexOf(':') >= 0) {
        return null;
      }
    }
    if (port != null && !port.matches("[0-9]{1,5}|_[A-Za-z0-9._-]+")) {
      return null;
    }
    return IpLiteral.parse(host);
  }

  /**
   * A {@code Forwarded} element: {@code for} and {@code proto} of its {@code ;}-separated pairs, values tokens or
   * quoted strings. A malformed element, a pair given twice, or no {@code for}, is a hop without an address.
   */
  private static Hop forwardedHop(String element) {
    Map<String, String> pairs = new HashMap<>();
    int i = 0;
    int n = element.length();
    while (i < n) {
      int eq = element.indexOf('=', i);
      if (eq < 0) {
        return new Hop(null, false);
      }
      String name = trim(element.substring(i, eq)).toLowerCase(Locale.ROOT);
      if (!name.matches("[a-z0-9!#$%&'*+.^_`|~-]+")) {
        return new Hop(null, false);
      }
      int j = eq + 1;
      StringBuilder value = new StringBuilder();
      if (j < n && element.charAt(j) == '"') {
        j++;
        while (j < n && element.charAt(j) != '"') {
          char c = element.charAt(j);
          if (c == '\\' && j + 1 < n) {
            c = element.charAt(++j);
          }
          value.append(c);
          j++;
        }
        if (j >= n) {
          return new Hop(null, false); // unterminated
        }
        j++;
      } else {
        while (j < n
            && element.charAt(j) != ';'
            && element.charAt(j) != ' '
            && element.charAt(j) != '\t') {
          value.append(element.charAt(j++));
        }
      }
      while (j < n && (element.charAt(j) == ' ' || element.charAt(j) == '\t')) {
        j++;
      }
      if (j < n && element.charAt(j) != ';') {
        return new Hop(null, false);
      }
      if (pairs.put(name, value.toString()) != null) {
        return new Hop(null, false); // "for" twice: which one?
      }
      i = j + 1;
    }
    boolean https = "https".equalsIgnoreCase(pairs.get("proto"));
    String forValue = pairs.get("for");
    return new Hop(forValue == null ? null : node(forValue), https);
  }

  /** A network: an address and how many leading bits of it count. */
  private record Cidr(byte[] network, int prefix) {
    static Cidr parse(@Nullable String cidr) {
      if (cidr == null) {
        throw new IllegalArgumentException("cidrs must not contain null");
      }
      int slash = cidr.indexOf('/');
      String address = slash < 0 ? cidr : cidr.substring(0, slash);
      byte[] network = IpLiteral.parse(address);
      int max = network == null ? 0 : network.length * 8;
      String prefixText = slash < 0 ? String.valueOf(max) : cidr.substring(slash + 1);
      if (network == null
          || !prefixText.matches("[0-9]{1,3}")
          || Integer.parseInt(prefixText) > max
          || (address.indexOf(':') >= 0 && network.length == 4)) {
        throw new IllegalArgumentException(
            "cidrs: \""
                + cidr
                + "\" is not a CIDR such as 10.0.0.0/8 or"
                + " 2001:db8::/32, nor an IP address");
      }
      int prefix = Integer.parseInt(prefixText);
      for (int bit = prefix; bit < max; bit++) {
        if ((network[bit / 8] & (0x80 >> (bit % 8))) != 0) {
          throw new IllegalArgumentException(
              "cidrs: \""
                  + cidr
                  + "\" has bits set past its /"
                  + prefix
                  + " prefix; write its network's first address ("
                  + IpLiteral.format(first(network, prefix))
                  + "/"
                  + prefix
                  + ")");
        }
      }
      return new Cidr(network, prefix);
    }

    private static byte[] first(byte[] network, int prefix) {
      byte[] out = network.clone();
      for (int bit = prefix; bit < out.length * 8; bit++) {
        out[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
      }
      return out;
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      for (int bit = 0; bit < prefix; bit++) {
        int mask = 0x80 >> (bit % 8);
        if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }
}
