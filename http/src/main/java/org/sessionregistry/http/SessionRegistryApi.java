package org.sessionregistry.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.BadCursorException;
import org.sessionregistry.Ids;
import org.sessionregistry.ListingUnsupportedException;
import org.sessionregistry.Session;
import org.sessionregistry.SessionCount;
import org.sessionregistry.SessionPage;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreUnavailableException;

/**
 * The server's own endpoints, under {@code /sr/v1/} (never inside Mattermost's {@code /api/v4}), framework-neutral as
 * {@link MattermostSessionApi}: give it an {@link HttpRequest}, send back the {@link HttpResponse}.
 *
 * <ul>
 *   <li>{@code GET /sr/v1/me} (any signed-in caller): {@code {"user":{"id","username","email","roles"},
 *       "session_id","may_manage_system"}};
 *   <li>{@code POST /sr/v1/users/me/sessions/revoke/others} (any signed-in caller): ends every session of the caller
 *       but the current one, in one store operation; {@code {"status":"OK"}};
 *   <li>{@code GET /sr/v1/sessions?cursor=&per_page=} ({@code manage_system}): one page of every live session,
 *       {@code {"sessions":[...],"next_cursor":""}}, each session as {@code GET /api/v4/users/{id}/sessions} shows it
 *       (sanitized); {@code per_page} 1 to 200, default 60; the cursor is the previous page's {@code next_cursor},
 *       empty when the walk is done (see {@link SessionRegistry#listAll} for what a walk guarantees on each store);
 *   <li>{@code GET /sr/v1/sessions/count} ({@code manage_system}): {@code {"count","exact","counted_at"}};
 *   <li>{@code GET /sr/v1/users/sessions?login_id=} ({@code manage_system}): the user a username or email names, and
 *       its sessions, {@code {"user":{"id","username","email"},"sessions":[...]}}; 404 when there is no such user.
 * </ul>
 *
 * <p>Authentication is {@link MattermostSessionApi}'s ({@link RequestAuthenticator}): a bearer token, or the
 * {@code MMAUTHTOKEN} cookie with its CSRF proof for a write. {@code manage_system} is what the registry's access rule
 * grants for revoking everyone ({@link SessionRegistry#mayRevokeEveryone}: {@code system_admin} under
 * {@link MattermostAccessRule}). Checks run 401, then 400, then 403; every error is an {@link AppError}; a store that
 * cannot walk every session answers 501. Thread-safe.
 *
 * <pre>{@code
 * SessionRegistryApi api = SessionRegistryApi.builder(registry, users).build();
 * HttpResponse response = api.handle(request);   // for paths under /sr/v1/
 * }</pre>
 */
public final class SessionRegistryApi {
  private static final System.Logger LOG = System.getLogger(SessionRegistryApi.class.getName());

  /** The prefix of every path this API answers. */
  public static final String PREFIX = "/sr/v1/";

  /** The page size of {@code GET /sr/v1/sessions} when none is asked for, and the largest one may ask. */
  static final int DEFAULT_PER_PAGE = 60;

  static final int MAX_PER_PAGE = 200;

  private static final Map<String, String> OK = Map.of("status", "OK");
  private static final String FORBIDDEN_ID = "api.context.permissions.app_error";
  private static final String FORBIDDEN = "You do not have the appropriate permissions.";

  private final SessionRegistry registry;
  private final UserDirectory users;
  private final RequestAuthenticator authenticator;
  private final int maxBodyBytes;
  private final boolean secureCookies;
  private final ClientAddressResolver clientAddress;
  private final ObjectMapper json = new ObjectMapper();

  private SessionRegistryApi(Builder b) {
    this.registry = b.registry;
    this.users = b.users;
    this.authenticator = new RequestAuthenticator(b.registry);
    this.maxBodyBytes = b.maxBodyBytes;
    this.secureCookies = b.secureCookies;
    this.clientAddress = b.clientAddress;
  }

  public static Builder builder(SessionRegistry registry, UserDirectory users) {
    if (registry == null || users == null) {
      throw new IllegalArgumentException(
          (registry == null ? "registry" : "users") + " must not be null");
    }
    return new Builder(registry, users);
  }

  /** The most body bytes a request may carry; adapters read at most one more. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** The answer to a request whose declared length is over {@link #maxBodyBytes()}, before its body is read. */
  public HttpResponse bodyTooLarge() {
    return AppError.response(
        413,
        "api.context.request_body_too_large.app_error",
        "The request body is larger than " + maxBodyBytes + " bytes.");
  }

  /** Answers a request. Never throws: every failure is an {@code AppError} response. */
  public HttpResponse handle(HttpRequest request) {
    String requestId = Ids.newId();
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    try {
      boolean secure = secureCookies || clientAddress.resolve(request).https();
      return route(request, secure, requestId, headers);
    } catch (Failure f) {
      List<Map.Entry<String, String>> all = new ArrayList<>(AppError.headers(requestId));
      if (f.allow != null) {
        all.add(Map.entry("Allow", f.allow));
      }
      all.addAll(headers); // the cookies of a session this request extended
      return new HttpResponse(
          f.status, List.copyOf(all), AppError.body(f.status, f.id, f.message, "", requestId));
    } catch (RequestAuthenticator.CsrfProofMissingException e) {
      return error(requestId, sessionExpired());
    } catch (BadCursorException e) {
      return error(requestId, badParam("cursor"));
    } catch (ListingUnsupportedException e) {
      return error(
          requestId,
          new Failure(
              501,
              "api.sessions.listing_unsupported.app_error",
              "The session store cannot list or count every session."));
    } catch (SessionStoreUnavailableException e) {
      LOG.log(Level.WARNING, "request " + requestId + ": " + e.getMessage());
      return error(
          requestId,
          new Failure(
              503,
              "api.context.session_store_unavailable.app_error",
              "The session store is unavailable. Please try again later."));
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "request " + requestId + " failed", e);
      return error(
          requestId,
          new Failure(500, "api.context.internal_error.app_error", "An internal error occurred."));
    }
  }

  private static HttpResponse error(String requestId, Failure f) {
    return AppError.response(f.status, f.id, f.message, "", requestId);
  }

  private HttpResponse route(
      HttpRequest request,
      boolean secure,
      String requestId,
      List<Map.Entry<String, String>> cookies) {
    String path = request.path();
    if (path.endsWith("/") && path.length() > PREFIX.length()) {
      path = path.substring(0, path.length() - 1);
    }
    String method = request.method();
    Object body;
    switch (path) {
      case "/sr/v1/me" -> {
        requireMethod(method, "GET");
        Session caller = authenticate(request, secure, cookies);
        body = me(caller);
      }
      case "/sr/v1/users/me/sessions/revoke/others" -> {
        requireMethod(method, "POST");
        checkBodySize(request);
        Session caller = authenticate(request, secure, cookies);
        registry.revokeAllExcept(caller.userId(), caller.id());
        body = OK;
      }
      case "/sr/v1/sessions" -> {
        requireMethod(method, "GET");
        Session caller = authenticate(request, secure, cookies);
        String cursor = Optional.ofNullable(request.queryParameter("cursor")).orElse("");
        int perPage = perPage(request.queryParameter("per_page"));
        requireManageSystem(caller);
        SessionPage page = registry.listAll(cursor, perPage);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessions", sessionsJson(page.sessions()));
        m.put("next_cursor", page.nextCursor());
        body = m;
      }
      case "/sr/v1/sessions/count" -> {
        requireMethod(method, "GET");
        Session caller = authenticate(request, secure, cookies);
        requireManageSystem(caller);
        SessionCount count = registry.count();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", count.count());
        m.put("exact", count.exact());
        m.put("counted_at", count.countedAt().toEpochMilli());
        body = m;
      }
      case "/sr/v1/users/sessions" -> {
        requireMethod(method, "GET");
        Session caller = authenticate(request, secure, cookies);
        String loginId = request.queryParameter("login_id");
        if (loginId == null
            || loginId.isEmpty()
            || !RequestFields.isIdentifier(loginId, RequestFields.MAX_LOGIN_ID)) {
          throw badParam("login_id");
        }
        requireManageSystem(caller);
        LoginUser user =
            users
                .findByLoginId(loginId)
                .orElseThrow(
                    () ->
                        new Failure(
                            404,
                            "app.user.missing_account.const",
                            "We couldn't find an existing account matching your login id."));
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("id", user.id());
        u.put("username", user.username());
        u.put("email", user.email());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", u);
        m.put("sessions", sessionsJson(registry.list(user.id())));
        body = m;
      }
      default ->
          throw new Failure(404, "api.context.404.app_error", "Sorry, we could not find the page.");
    }
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    headers.add(Map.entry("Content-Type", AppError.CONTENT_TYPE));
    headers.add(Map.entry("X-Request-Id", requestId));
    headers.add(Map.entry("Cache-Control", "no-store"));
    headers.addAll(cookies);
    try {
      return new HttpResponse(200, List.copyOf(headers), json.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  private Map<String, Object> me(Session caller) {
    Optional<LoginUser> found = users.findById(caller.userId());
    Set<String> roles = new TreeSet<>(registry.currentRoles(caller));
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("id", caller.userId());
    u.put("username", found.map(LoginUser::username).orElse(""));
    u.put("email", found.map(LoginUser::email).orElse(""));
    u.put("roles", String.join(" ", roles));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("user", u);
    m.put("session_id", caller.id());
    m.put("may_manage_system", registry.mayRevokeEveryone(caller));
    return m;
  }

  private static List<Map<String, Object>> sessionsJson(List<Session> sessions) {
    return sessions.stream().map(MattermostSessionApi::sessionJson).toList();
  }

  private void requireManageSystem(Session caller) {
    if (!registry.mayRevokeEveryone(caller)) {
      throw new Failure(403, FORBIDDEN_ID, FORBIDDEN);
    }
  }

  private static int perPage(@Nullable String value) {
    if (value == null) {
      return DEFAULT_PER_PAGE;
    }
    if (value.isEmpty()
        || value.length() > 3
        || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw badParam("per_page");
    }
    int n = Integer.parseInt(value);
    if (n < 1 || n > MAX_PER_PAGE) {
      throw badParam("per_page");
    }
    return n;
  }

  /**
   * The caller's live session, touched; 401 otherwise. Cookies of a session the touch extended go out with the answer,
   * an error's too: the extension is stored whatever the answer.
   */
  private Session authenticate(
      HttpRequest request, boolean secure, List<Map.Entry<String, String>> cookies) {
    RequestAuthenticator.Authentication auth =
        authenticator.authenticate(request, secure).orElseThrow(SessionRegistryApi::sessionExpired);
    auth.cookies().forEach(c -> cookies.add(Map.entry("Set-Cookie", c)));
    return auth.session();
  }

  private void checkBodySize(HttpRequest request) {
    if (request.body().length > maxBodyBytes) {
      throw new Failure(
          413,
          "api.context.request_body_too_large.app_error",
          "The request body is larger than " + maxBodyBytes + " bytes.");
    }
  }

  private static void requireMethod(String method, String allowed) {
    if (!method.equals(allowed)) {
      Failure f =
          new Failure(405, "api.context.405.app_error", "Method not allowed: use " + allowed + ".");
      f.allow = allowed;
      throw f;
    }
  }

  private static Failure sessionExpired() {
    return new Failure(
        401,
        "api.context.session_expired.app_error",
        "Invalid or expired session, please login again.");
  }

  private static Failure badParam(String name) {
    return new Failure(
        400,
        "api.context.invalid_url_param.app_error",
        "Invalid or missing " + name + " parameter in request URL.");
  }

  /** An error answer on its way out. */
  private static final class Failure extends RuntimeException {
    final int status;
    final String id;
    final String message;
    @Nullable String allow;

    Failure(int status, String id, String message) {
      super(id, null, false, false);
      this.status = status;
      this.id = id;
      this.message = message;
    }
  }

  /** Settings of a {@link SessionRegistryApi}. */
  public static final class Builder {
    private final SessionRegistry registry;
    private final UserDirectory users;
    private int maxBodyBytes = 64 * 1024;
    private boolean secureCookies;
    private ClientAddressResolver clientAddress = ClientAddressResolver.direct();

    private Builder(SessionRegistry registry, UserDirectory users) {
      this.registry = registry;
      this.users = users;
    }

    /**
     * The edge settings of the Mattermost endpoints served beside: their body limit, whether cookies are
     * {@code Secure}, and who the client is (for whether it came over HTTPS). Default: a 64 KiB body limit, cookies
     * {@code Secure} over HTTPS only, the TCP peer as the client.
     */
    public Builder sameEdgeAs(MattermostSessionApi mattermost) {
      if (mattermost == null) {
        throw new IllegalArgumentException("mattermost must not be null");
      }
      this.maxBodyBytes = mattermost.maxBodyBytes();
      this.secureCookies = mattermost.secureCookies;
      this.clientAddress = mattermost.clientAddress;
      return this;
    }

    public SessionRegistryApi build() {
      return new SessionRegistryApi(this);
    }
  }
}
