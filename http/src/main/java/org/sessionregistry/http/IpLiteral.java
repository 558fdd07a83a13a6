package org.sessionregistry.http;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * IP address literals, read by hand: {@code InetAddress.getByName} would look a host name up in the DNS, and a header
 * must never make the server do that. Addresses come out in one form (IPv6 compressed as RFC 5952 says, an
 * IPv4-mapped IPv6 address as its IPv4), so that one client always has one key in the login limits.
 */
final class IpLiteral {
  private IpLiteral() {}

  /** The 4 or 16 bytes of an IPv4 or IPv6 literal (no brackets, no zone); an IPv4-mapped one gives 4. Else null. */
  static byte @Nullable [] parse(String s) {
    if (s.indexOf(':') >= 0) {
      return parseIpv6(s);
    }
    return parseIpv4(s);
  }

  /** The address as one canonical string: dotted IPv4, or compressed lower-case IPv6. */
  static String format(byte[] address) {
    if (address.length == 4) {
      return (address[0] & 0xff)
          + "."
          + (address[1] & 0xff)
          + "."
          + (address[2] & 0xff)
          + "."
          + (address[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (address[2 * i] & 0xff) << 8 | (address[2 * i + 1] & 0xff);
    }
    // RFC 5952: the longest run of two or more zero groups (the first of equals) becomes "::".
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder b = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        b.append("::");
        i += bestLength - 1;
        continue;
      }
      if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
        b.append(':');
      }
      b.append(Integer.toHexString(groups[i]));
    }
    return b.toString();
  }

  /** A peer address as an adapter gives it ({@code [::1]}, {@code fe80::1%eth0}): its bytes, or null. */
  static byte @Nullable [] peerBytes(String peer) {
    String s = peer;
    if (s.length() > 2 && s.charAt(0) == '[' && s.charAt(s.length() - 1) == ']') {
      s = s.substring(1, s.length() - 1);
    }
    int zone = s.indexOf('%');
    return parse(zone >= 0 ? s.substring(0, zone) : s);
  }

  /** Four decimal parts of 0 to 255, without leading zeros (which some parsers read as octal). */
  private static byte @Nullable [] parseIpv4(String s) {
    if (s.isEmpty() || s.length() > 15) {
      return null;
    }
    byte[] out = new byte[4];
    int part = 0;
    int start = 0;
    for (int i = 0; i <= s.length(); i++) {
      if (i < s.length() && s.charAt(i) != '.') {
        continue;
      }
      if (part == 4) {
        return null;
      }
      String digits = s.substring(start, i);
      if (digits.isEmpty()
          || digits.length() > 3
          || (digits.length() > 1 && digits.charAt(0) == '0')) {
        return null;
      }
      int value = 0;
      for (char c : digits.toCharArray()) {
        if (c < '0' || c > '9') {
          return null;
        }
        value = value * 10 + (c - '0');
      }
      if (value > 255) {
        return null;
      }
      out[part++] = (byte) value;
      start = i + 1;
    }
    return part == 4 ? out : null;
  }

  /** RFC 4291's text forms: eight groups, one "::" for a run of zeros, an IPv4 tail. */
  private static byte @Nullable [] parseIpv6(String s) {
    if (s.length() < 2 || s.length() > 45) {
      return null;
    }
    String lower = s.toLowerCase(Locale.ROOT);
    int gap = lower.indexOf("::");
    if (gap >= 0 && lower.indexOf("::", gap + 1) >= 0) {
      return null;
    }
    int[] head = groups(gap < 0 ? lower : lower.substring(0, gap), gap < 0);
    int[] tail = gap < 0 ? new int[0] : groups(lower.substring(gap + 2), true);
    if (head == null || tail == null) {
      return null;
    }
    int count = head.length + tail.length;
    if (gap < 0 ? count != 8 : count > 7) {
      return null;
    }
    int[] all = new int[8];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(tail, 0, all, 8 - tail.length, tail.length);
    byte[] out = new byte[16];
    for (int i = 0; i < 8; i++) {
      out[2 * i] = (byte) (all[i] >> 8);
      out[2 * i + 1] = (byte) all[i];
    }
    if (all[0] == 0
        && all[1] == 0
        && all[2] == 0
        && all[3] == 0
        && all[4] == 0
        && all[5] == 0xffff) {
      return new byte[] {
        out[12], out[13], out[14], out[15]
      }; // ::ffff:a.b.c.d is the IPv4 client a.b.c.d
    }
    return out;
  }

  /** Colon-separated groups of 1 to 4 hex digits; the last may be an IPv4 address (two groups) if allowed. */
  private static int @Nullable [] groups(String s, boolean ipv4TailAllowed) {
    if (s.isEmpty()) {
      return new int[0];
    }
    String[] parts = s.split(":", -1);
    int[] out = new int[parts.length + 1];
    int n = 0;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (i == parts.length - 1 && ipv4TailAllowed && p.indexOf('.') >= 0) {
        byte[] v4 = parseIpv4(p);
        if (v4 == null) {
          return null;
        }
        out[n++] = (v4[0] & 0xff) << 8 | (v4[1] & 0xff);
        out[n++] = (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
        continue;
      }
      if (p.isEmpty() || p.length() > 4) {
        return null;
      }
      int value = 0;
      for (char c : p.toCharArray()) {
        int d = Character.digit(c, 16);
        if (d < 0 || c > 'f') {
          return null;
        }
        value = value << 4 | d;
      }
      out[n++] = value;
    }
    return java.util.Arrays.copyOf(out, n);
  }
}
