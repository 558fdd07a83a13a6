package org.sessionregistry.http;

import java.util.List;

/**
 * Who sent a request: the client's address, which the login limits count by and a session records as
 * {@code ip_address}, and whether the client reached the edge over HTTPS, which makes the login cookies
 * {@code Secure}. Behind a reverse proxy the TCP peer is the proxy: only a proxy you trust may say who its client is.
 *
 * <pre>{@code
 * MattermostSessionApi api = MattermostSessionApi.builder(registry, logins)
 *     .clientAddress(ClientAddressResolver.trustedProxies(List.of("10.0.0.0/8", "2001:db8::/32")))
 *     .build();
 * }</pre>
 *
 * <p>Implementations are called once per request, must be thread-safe, and must not block (no DNS lookups). The
 * {@link HttpRequest}'s {@code remoteAddress} is the TCP peer's address.
 */
@FunctionalInterface
public interface ClientAddressResolver {

  /** The client of a request. Never null. */
  Client resolve(HttpRequest request);

  /**
   * The TCP peer is the client; no header is read. The default: it is right when clients connect to the server
   * itself, and behind a proxy it counts every client as the proxy, which is safe but coarse.
   */
  static ClientAddressResolver direct() {
    return TrustedProxies.NONE;
  }

  /**
   * The client as proxies in these networks report it. Only when the TCP peer is in one of them is a header read:
   * {@code Forwarded} (RFC 7239) if the request has one, else {@code X-Forwarded-For}. Its entries are walked from the
   * right, past addresses that are themselves trusted; the first that is not is the client. So a client can prepend
   * whatever it likes to {@code X-Forwarded-For}: the address the trusted proxy appended is the one that counts.
   *
   * <ul>
   *   <li>An entry that is no IP literal ({@code unknown}, an obfuscated {@code _name}, anything else) ends the walk:
   *       the client is then the trusted hop that reported it (the peer if none). No name is ever resolved.
   *   <li>A request with {@code Forwarded} is judged by it alone: if it names no one, the client is the peer, not what
   *       {@code X-Forwarded-For} says (a proxy that writes {@code Forwarded} may pass a client's on untouched).
   *   <li>All entries trusted: the left-most. At most 32 entries are read, of at most 256 characters each, from the
   *       right: a longer header is never read whole, and what lies beyond is never trusted.
   *   <li>HTTPS: with {@code Forwarded}, the {@code proto} of the entry that named the client; else the right-most
   *       value of {@code X-Forwarded-Proto} (the one the peer set) being {@code https}.
   *   <li>Addresses come out canonical: IPv6 compressed ({@code 2001:db8::1}), IPv4-mapped IPv6 as IPv4.
   * </ul>
   *
   * <p>The proxy must set or strip the header it uses, and strip the other: a proxy that appends to
   * {@code X-Forwarded-For} but passes a client's {@code Forwarded} through lets that client choose its address
   * (nginx: {@code proxy_set_header Forwarded "";}).
   *
   * @param cidrs networks such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}, or single addresses; may be empty (then
   *     it is {@link #direct()})
   * @throws IllegalArgumentException naming the entry that is not a CIDR, or one with bits set past its prefix
   */
  static ClientAddressResolver trustedProxies(List<String> cidrs) {
    return TrustedProxies.of(cidrs);
  }

  /**
   * A request's client.
   *
   * @param address the client's IP address in canonical form, or the adapter's peer string as given when that is no
   *     IP literal (empty when unknown)
   * @param https whether the client reached the edge over HTTPS, as a trusted proxy reported it
   */
  record Client(String address, boolean https) {
    public Client {
      if (address == null) {
        throw new IllegalArgumentException("address must not be null");
      }
    }
  }
}
