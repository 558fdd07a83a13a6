package org.sessionregistry.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Ticker;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.NewSession;
import org.sessionregistry.Session;
import org.sessionregistry.SessionLimitExceededException;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreUnavailableException;

/**
 * Mattermost API v4's session endpoints, framework-neutral: give it an {@link HttpRequest}, send back the
 * {@link HttpResponse}.
 *
 * <ul>
 *   <li>{@code GET /api/v4/users/{user_id}/sessions}: the user's sessions, sanitized, newest activity first;
 *   <li>{@code POST /api/v4/users/{user_id}/sessions/revoke/all}: revokes them all, in one store operation;
 *   <li>{@code POST /api/v4/users/{user_id}/sessions/revoke} with {@code {"session_id"}}: revokes one;
 *   <li>{@code POST /api/v4/users/login} with {@code {"login_id","password","device_id"}}: a new session, its token in
 *       the {@code Token} header and the {@code MMAUTHTOKEN} cookie, the user as the body;
 *   <li>{@code POST /api/v4/users/logout}: ends the caller's session;
 *   <li>{@code POST /api/v4/users/sessions/revoke/all}: revokes every session of every user, the caller's own too
 *       ({@code manage_system} only);
 *   <li>{@code GET /api/v4/system/ping} ({@code Client4.ping}), no session needed: {@code {"status":"OK"}} without
 *       touching the store; with {@code ?get_server_status=true} the store is read once and the answer adds
 *       {@code database_status}, and is 500 with {@code "status":"UNHEALTHY"} while the store is down (200 with
 *       {@code use_rest_semantics=true}), as Mattermost's.
 * </ul>
 *
 * <p>A login records the client in the new session's props, as Mattermost does: {@code platform}, {@code os} and
 * {@code browser} from the {@code User-Agent} ({@link UserAgentInfo}), and, when the builder asks for it, the client's
 * address as {@code ip_address} (off by default: it is personal data), as its {@link ClientAddressResolver} finds
 * it. A login beyond the registry's session limit with the refusing policy gets 403.
 *
 * <p>As Mattermost: the token comes from {@code Authorization: Bearer <t>} (or {@code Token <t>}, any case), else the
 * {@code MMAUTHTOKEN} cookie (then a write also needs {@code X-CSRF-Token} or {@code X-Requested-With: XMLHttpRequest};
 * see {@link RequestAuthenticator}); methods are case-sensitive ({@code post} is refused with 405);
 * {@code user_id} may be {@code me}; checks run 401, then 400, then 403; errors are {@code AppError} bodies with
 * {@code status_code}; every response has {@code X-Request-Id} and JSON is sent as exactly
 * {@code application/json} (the official JavaScript client parses nothing else). Bodies over the limit get 413, unknown
 * routes 404, wrong methods 405; no stack trace is ever sent.
 *
 * <pre>{@code
 * MattermostSessionApi api = MattermostSessionApi.builder(registry, loginVerifier).build();
 * // In a servlet container: new MattermostSessionServlet(api) (session-registry-servlet). With no dependency:
 * HttpServer server = JdkHttpHandler.start(new JdkHttpHandler(api), new InetSocketAddress("127.0.0.1", 8065),
 *     Executors.newFixedThreadPool(128)); // logins waiting for a password check hold threads
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class MattermostSessionApi {
  private static final System.Logger LOG = System.getLogger(MattermostSessionApi.class.getName());
  private static final Pattern USER_ROUTE =
      Pattern.compile("/api/v4/users/([^/]+)/sessions(/revoke(?:/all)?)?/?");
  private static final Pattern ROUTE_PARAM = Pattern.compile("[A-Za-z0-9]+");

  /** Mattermost's rule for the user id in a path: {@link Ids#isValidId}. */
  private static final Predicate<String> MATTERMOST_IDS = Ids::isValidId;

  private static final Map<String, String> OK = Map.of("status", "OK");

  /** Mattermost's words for a healthy and an unhealthy part ({@code model.StatusOk}, {@code StatusUnhealthy}). */
  private static final String STATUS_OK = "OK";

  private static final String STATUS_UNHEALTHY = "UNHEALTHY";

  /** Mattermost's default MaximumLoginAttempts: then the login is locked (here for 15 minutes). */
  static final int MAX_LOGIN_ATTEMPTS = 10;

  private static final String TOO_MANY = "api.user.login.too_many_requests.app_error";

  private final SessionRegistry registry;
  private final RequestAuthenticator authenticator;
  private final LoginVerifier logins;
  private final int maxBodyBytes;
  final boolean secureCookies;
  private final boolean recordClientAddress;
  final ClientAddressResolver clientAddress;

  /** Strict: a key given twice, or anything after the object, is a bad request, not "the last one wins". */
  private final ObjectMapper json =
      com.fasterxml.jackson.databind.json.JsonMapper.builder()
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final long cookieMaxAgeSeconds;
  private final Duration lockout;
  private final LoginGate gate;

  private final Predicate<String> userIdRule;

  private MattermostSessionApi(Builder b) {
    this.registry = b.registry;
    this.authenticator = new RequestAuthenticator(b.registry);
    this.logins = b.logins;
    this.maxBodyBytes = b.maxBodyBytes;
    this.userIdRule = b.userIdRule;
    this.secureCookies = b.secureCookies;
    this.recordClientAddress = b.recordClientAddress;
    this.clientAddress = b.clientAddress;
    this.cookieMaxAgeSeconds = b.cookieMaxAge.toSeconds();
    this.lockout = b.lockout;
    this.gate =
        new LoginGate(
            b.attempts,
            b.maxFailedLogins,
            b.maxFailedLoginsPerAddress,
            b.lockout,
            b.maxConcurrentPasswordChecks,
            b.maxWaitingLogins,
            b.maxLoginWait,
            b.loginsPerAddressPerMinute,
            b.ticker);
  }

  public static Builder builder(SessionRegistry registry, LoginVerifier logins) {
    if (registry == null || logins == null) {
      throw new IllegalArgumentException(
          (registry == null ? "registry" : "logins") + " must not be null");
    }
    return new Builder(registry, logins);
  }

  /** The most body bytes a request may carry; adapters read at most one more. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * The answer to a request whose declared length is over {@link #maxBodyBytes()}: for adapters that refuse it before
   * reading the body (and so before a {@code 100 Continue} goes out). The same 413 as {@link #handle} gives.
   */
  public HttpResponse bodyTooLarge() {
    Reply reply = new Reply(Ids.newId());
    Failure f = tooLarge();
    reply.error(f.status, f.id, f.message);
    return reply.toResponse();
  }

  /** Answers a request. Never throws: every failure is an {@code AppError} response. */
  public HttpResponse handle(HttpRequest request) {
    String requestId = Ids.newId();
    Reply reply = new Reply(requestId);
    try {
      ClientAddressResolver.Client client =
          clientAddress.resolve(request); // once: the limits and props agree
      reply.secure = secureCookies || client.https();
      route(request, client.address(), reply);
    } catch (Failure f) {
      reply.error(f.status, f.id, f.message);
      if (f.allow != null) {
        reply.header("Allow", f.allow);
      }
      if (f.retryAfterSeconds > 0) {
        reply.header("Retry-After", String.valueOf(f.retryAfterSeconds));
      }
    } catch (RequestAuthenticator.CsrfProofMissingException e) {
      Failure f = sessionExpired();
      reply.error(f.status, f.id, f.message);
    } catch (SessionStoreUnavailableException e) {
      LOG.log(Level.WARNING, "request " + requestId + ": " + e.getMessage());
      reply.error(
          503,
          "api.context.session_store_unavailable.app_error",
          "The session store is unavailable. Please try again later.");
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "request " + requestId + " failed", e);
      reply.error(500, "api.context.internal_error.app_error", "An internal error occurred.");
    }
    return reply.toResponse();
  }

  private void route(HttpRequest request, String clientAddress, Reply reply) {
    String path = request.path();
    String method = request.method(); // case-sensitive, as HTTP's are: "post" is not POST
    if (path.equals("/api/v4/users/login") || path.equals("/api/v4/users/login/")) {
      requireMethod(method, "POST");
      login(request, clientAddress, reply);
      return;
    }
    if (path.equals("/api/v4/users/logout") || path.equals("/api/v4/users/logout/")) {
      requireMethod(method, "POST");
      logout(request, reply);
      return;
    }
    if (path.equals("/api/v4/system/ping") || path.equals("/api/v4/system/ping/")) {
      requireMethod(method, "GET");
      ping(request, reply);
      return;
    }
    if (path.equals("/api/v4/users/sessions/revoke/all")
        || path.equals("/api/v4/users/sessions/revoke/all/")) {
      requireMethod(method, "POST");
      checkBodySize(request);
      Session caller = authenticate(request, reply);
      if (!registry.mayRevokeEveryone(caller)) {
        throw new Failure(
            403,
            "api.context.permissions.app_error",
            "You do not have the appropriate permissions.");
      }
      registry.revokeEveryone();
      reply.json(200, OK);
      return;
    }
    Matcher m = USER_ROUTE.matcher(path);
    if (!m.matches()
        || (userIdRule == MATTERMOST_IDS && !ROUTE_PARAM.matcher(m.group(1)).matches())) {
      throw new Failure(404, "api.context.404.app_error", "Sorry, we could not find the page.");
    }
    String action = m.group(2);
    requireMethod(method, action == null ? "GET" : "POST");
    checkBodySize(request);

    Session caller = authenticate(request, reply);
    String userId = userIdParam(m.group(1), caller, userIdRule);
    // The one permission decision of the request, by the registry's access rule
    // (MattermostAccessRule).
    if (!registry.mayManageSessionsOf(caller, userId)) {
      throw new Failure(
          403, "api.context.permissions.app_error", "You do not have the appropriate permissions.");
    }
    if (action == null) {
      reply.json(
          200, registry.list(userId).stream().map(MattermostSessionApi::sessionJson).toList());
    } else if (action.equals("/revoke/all")) {
      registry.revokeAll(userId);
      reply.json(200, OK);
    } else {
      requireJson(request);
      String sessionId = stringField(request, "session_id");
      if (sessionId == null
          || sessionId.isEmpty()
          || !RequestFields.isIdentifier(sessionId, RequestFields.MAX_SESSION_ID)) {
        throw invalidBody("session_id");
      }
      boolean own = caller.id().equals(sessionId) && caller.userId().equals(userId);
      if (!Ids.isValidId(sessionId)
          || !(own ? registry.logout(caller) : registry.revoke(userId, sessionId))) {
        // Mattermost's answer for a session it cannot find (this user has none with that id).
        throw new Failure(
            400, "app.session.get.app_error", "We encountered an error finding the session.");
      }
      reply.json(200, OK);
    }
  }

  private void login(HttpRequest request, String clientAddress, Reply reply) {
    checkBodySize(request);
    requireJson(request);
    JsonNode body = jsonBody(request);
    String password = text(body, "password");
    if (password == null || password.isEmpty()) {
      throw new Failure(
          400, "api.user.login.blank_pwd.app_error", "Password field must not be blank");
    }
    if (!RequestFields.isText(password, RequestFields.MAX_PASSWORD)) {
      throw invalidBody("password"); // never echoed
    }
    String loginId = text(body, "login_id");
    if (loginId != null && !RequestFields.isIdentifier(loginId, RequestFields.MAX_LOGIN_ID)) {
      throw invalidBody("login_id");
    }
    String deviceField = text(body, "device_id") != null ? "device_id" : "deviceId";
    String deviceId = Optional.ofNullable(text(body, deviceField)).orElse("");
    if (!RequestFields.isIdentifier(deviceId, RequestFields.MAX_DEVICE_ID)) {
      throw invalidBody(deviceField);
    }
    if (loginId == null || loginId.isEmpty()) {
      throw new Failure(
          401,
          "api.user.login.invalid_credentials_email_username",
          "Enter a valid email or username and/or password, or sign in using another method.");
    }
    LoginUser user =
        checkPassword(loginId, password, clientAddress)
            .orElseThrow(
                () ->
                    new Failure(
                        401,
                        "api.user.login.invalid_credentials_email_username",
                        "Enter a valid email or username and/or password, or sign in using another method."));
    String csrf = Ids.newId();
    Map<String, String> props =
        new HashMap<>(UserAgentInfo.parse(request.header("User-Agent")).props());
    props.put("csrf", csrf);
    if (recordClientAddress && !clientAddress.isEmpty()) {
      props.put("ip_address", clientAddress);
    }
    IssuedSession issued;
    try {
      // As Mattermost, a device logging in again replaces its earlier sessions (a reinstalled app
      // leaves none live):
      // in the same store operation as the create, so two logins of one device at once leave one
      // session.
      issued =
          registry.create(
              NewSession.forUser(user.id())
                  .withDeviceId(deviceId)
                  .withRoles(user.roles())
                  .withProps(props)
                  .replacingSameDevice());
    } catch (SessionLimitExceededException e) {
      throw new Failure(
          403,
          "api.user.login.session_limit.app_error",
          "This account has as many sessions as it may. Log out of one of them, then log in again.");
    } catch (IllegalArgumentException e) {
      // Every field of the new session was checked above or comes from the server; should a rule
      // here fall behind
      // the core's, the client still gets its 400, and the gap is logged to be closed.
      LOG.log(
          Level.WARNING,
          "a login's session was refused by the core, past the binding's checks: "
              + e.getMessage());
      throw invalidBody("body");
    }
    reply.header("Token", issued.token());
    SessionCookies.of(issued.token(), issued.session(), cookieMaxAgeSeconds, reply.secure)
        .forEach(c -> reply.header("Set-Cookie", c));
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("id", user.id());
    u.put("create_at", 0);
    u.put("update_at", 0);
    u.put("delete_at", 0);
    u.put("username", user.username());
    u.put("auth_data", "");
    u.put("auth_service", "");
    u.put("email", user.email());
    u.put("nickname", "");
    u.put("first_name", "");
    u.put("last_name", "");
    u.put("position", "");
    u.put("roles", String.join(" ", user.roles()));
    u.put("locale", "en");
    reply.json(200, u);
  }

  /** The password check, behind the limits of the {@link LoginGate}. */
  private Optional<LoginUser> checkPassword(String loginId, String password, String address) {
    try {
      // The user is resolved (a directory lookup) only once the address's rate has let the attempt
      // in.
      return gate.check(
          () ->
              logins.userIdOf(loginId).orElseGet(() -> "login:" + loginId.toLowerCase(Locale.ROOT)),
          address,
          () -> logins.verify(loginId, password));
    } catch (LoginGate.Refused r) {
      throw switch (r.reason) {
        case RATE ->
            tooManyLogins(
                "Too many login attempts from this address. Please try again in a minute.", 60);
        case LOCKED ->
            new Failure(
                401,
                "api.user.check_user_login_attempts.too_many.app_error",
                "Your account is locked because of too many failed password attempts. Please try again later.");
        case ADDRESS_FAILURES ->
            tooManyLogins(
                "Too many failed logins from this address. Please try again later.",
                lockout.toSeconds());
        case BUSY ->
            tooManyLogins(
                "The server is checking as many passwords as it can. Please try again in a"
                    + " moment.",
                1);
      };
    }
  }

  private static Failure tooManyLogins(String message, long retryAfterSeconds) {
    Failure f = new Failure(429, TOO_MANY, message);
    f.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    return f;
  }

  /**
   * Ends the caller's session if it has one; 200 either way, as Mattermost, except that a cookie without its CSRF proof
   * gets 401: answering OK while the session lives on would mislead the client.
   */
  private void logout(HttpRequest request, Reply reply) {
    checkBodySize(request);
    authenticator.find(request).ifPresent(registry::logout);
    SessionCookies.cleared(reply.secure).forEach(c -> reply.header("Set-Cookie", c));
    reply.json(200, OK);
  }

  /**
   * The caller's live session, touched; 401 otherwise. One store read, and a write when the touch is due. A session
   * the touch extended, authenticated by cookie, gets its cookies again with the new lifetime, as Mattermost's
   * {@code AttachSessionCookies}: the browser would otherwise drop them at the old expiry.
   */
  private Session authenticate(HttpRequest request, Reply reply) {
    RequestAuthenticator.Authentication auth =
        authenticator.authenticate(request, reply.secure).orElseThrow(this::sessionExpired);
    if (!auth.cookies().isEmpty()) {
      auth.cookies().forEach(c -> reply.header("Set-Cookie", c));
      reply.keepOnError =
          reply.headers.size(); // the extension is stored whatever the answer: so are the cookies
    }
    return auth.session();
  }

  private static String userIdParam(String param, Session caller, Predicate<String> rule) {
    if (param.equals("me")) {
      return caller.userId();
    }
    if (!rule.test(param) || !Ids.isValidUserId(param)) {
      throw new Failure(
          400,
          "api.context.invalid_url_param.app_error",
          "Invalid or missing user_id parameter in request URL.");
    }
    return param;
  }

  private static void requireMethod(String method, String allowed) {
    if (!method.equals(allowed)) {
      Failure f =
          new Failure(405, "api.context.405.app_error", "Method not allowed: use " + allowed + ".");
      f.allow = allowed;
      throw f;
    }
  }

  private void checkBodySize(HttpRequest request) {
    if (request.body().length > maxBodyBytes) {
      throw tooLarge();
    }
  }

  private Failure tooLarge() {
    return new Failure(
        413,
        "api.context.request_body_too_large.app_error",
        "The request body is larger than " + maxBodyBytes + " bytes.");
  }

  private JsonNode jsonBody(HttpRequest request) {
    try {
      JsonNode node = json.readTree(request.body());
      if (node == null || !node.isObject()) {
        throw invalidBody("body");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new Failure(
          400, "api.context.invalid_body_param.app_error", "The request body is not valid JSON.");
    } catch (java.io.IOException e) {
      throw new Failure(
          400, "api.context.invalid_body_param.app_error", "The request body could not be read.");
    }
  }

  /**
   * A body that carries a request (login, revoke) must say it is JSON: a cross-site form can send {@code text/plain}
   * or {@code application/x-www-form-urlencoded} without a preflight, never {@code application/json}. So a page
   * elsewhere cannot log a visitor in to its own account here, or revoke with the visitor's cookie.
   */
  private static void requireJson(HttpRequest request) {
    String type = request.header("Content-Type");
    String media = type == null ? "" : type.split(";", 2)[0].strip();
    if (!media.equalsIgnoreCase("application/json")) {
      throw new Failure(
          415,
          "api.context.unsupported_media_type.app_error",
          "The request body must be JSON, sent as Content-Type: application/json.");
    }
  }

  private @Nullable String stringField(HttpRequest request, String name) {
    return text(jsonBody(request), name);
  }

  /** A string field; a field of another type is a bad request. */
  private static @Nullable String text(JsonNode body, String name) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw invalidBody(name);
    }
    return value.asText();
  }

  private static Failure invalidBody(String name) {
    return new Failure(
        400,
        "api.context.invalid_body_param.app_error",
        "Invalid or missing " + name + " in request body.");
  }

  private Failure sessionExpired() {
    return new Failure(
        401,
        "api.context.session_expired.app_error",
        "Invalid or expired session, please login again.");
  }

  /**
   * Mattermost's session object, as {@code GET /api/v4/users/{user_id}/sessions} shows it: all 13 keys, in order, the
   * token empty, the props as given (pass a sanitized session, as {@link SessionRegistry#list} returns).
   */
  public static Map<String, Object> sessionJson(Session s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id());
    m.put("token", "");
    m.put("create_at", s.createdAt().toEpochMilli());
    m.put("expires_at", s.expiresAt().toEpochMilli());
    m.put("last_activity_at", s.lastActivityAt().toEpochMilli());
    m.put("user_id", s.userId());
    m.put("device_id", s.deviceId());
    m.put("roles", String.join(" ", s.roles()));
    m.put("is_oauth", false); // this server issues no OAuth sessions
    m.put("expired_notify", false); // and sends no push notification of an expiry
    m.put("props", s.props());
    m.put("team_members", List.of());
    m.put("local", false);
    return m;
  }

  /** An error answer on its way out. */
  private static final class Failure extends RuntimeException {
    final int status;
    final String id;
    final String message;
    @Nullable String allow;
    long retryAfterSeconds;

    Failure(int status, String id, String message) {
      super(id, null, false, false);
      this.status = status;
      this.id = id;
      this.message = message;
    }
  }

  /** The response being built. */
  private final class Reply {
    final String requestId;
    final List<Map.Entry<String, String>> headers = new ArrayList<>();

    /** Whether cookies are {@code Secure}: always with secureCookies, else when the client came over HTTPS. */
    boolean secure = secureCookies;

    int status = 200;
    byte[] body = new byte[0];

    /** How many of the first headers an error answer keeps (the cookies of an extended session). */
    int keepOnError;

    Reply(String requestId) {
      this.requestId = requestId;
    }

    void header(String name, String value) {
      headers.add(Map.entry(name, value));
    }

    void json(int status, Object value) {
      this.status = status;
      try {
        this.body = json.writeValueAsBytes(value);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write JSON", e);
      }
    }

    void error(int status, String id, String message) {
      List<Map.Entry<String, String>> kept = new ArrayList<>(headers.subList(0, keepOnError));
      headers.subList(0, keepOnError).clear();
      headers.removeIf(h -> !h.getKey().equals("Allow") && !h.getKey().equals("Retry-After"));
      headers.addAll(0, kept);
      this.status = status;
      this.body = AppError.body(status, id, message, "", requestId);
    }

    HttpResponse toResponse() {
      List<Map.Entry<String, String>> all = new ArrayList<>();
      all.add(Map.entry("Content-Type", AppError.CONTENT_TYPE));
      all.add(Map.entry("X-Request-Id", requestId));
      all.add(Map.entry("Cache-Control", "no-store"));
      all.addAll(headers);
      return new HttpResponse(status, List.copyOf(all), body);
    }
  }

  /**
   * Mattermost's ping: load balancers call it often, so a plain one reads nothing. Asked for the server's status, it
   * reads the store once (a user's sessions: one round trip on every store) and says how that went, in the body and
   * in headers, as Mattermost does for its database.
   */
  private void ping(HttpRequest request, Reply reply) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("status", STATUS_OK);
    if ("true".equals(request.queryParameter("get_server_status"))) {
      String store = STATUS_OK;
      try {
        registry.list(Ids.newId());
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "ping: the session store is unhealthy: " + e.getMessage());
        store = STATUS_UNHEALTHY;
        status.put("status", STATUS_UNHEALTHY);
      }
      status.put("database_status", store);
      reply.header("status", (String) status.get("status"));
      reply.header("database_status", store);
    }
    boolean healthy = status.get("status").equals(STATUS_OK);
    reply.json(
        healthy || "true".equals(request.queryParameter("use_rest_semantics")) ? 200 : 500, status);
  }

  /** Settings of a {@link MattermostSessionApi}. */
  public static final class Builder {
    private final SessionRegistry registry;
    private final LoginVerifier logins;
    private int maxBodyBytes = 64 * 1024;
    private Predicate<String> userIdRule = MATTERMOST_IDS;
    private boolean secureCookies;
    private boolean recordClientAddress;
    private ClientAddressResolver clientAddress = ClientAddressResolver.direct();
    private Duration cookieMaxAge = Duration.ofDays(30);
    private @Nullable LoginAttempts attempts;
    private int maxFailedLogins = MAX_LOGIN_ATTEMPTS;
    private int maxFailedLoginsPerAddress = 100;
    private Duration lockout = Duration.ofMinutes(15);
    private int maxConcurrentPasswordChecks = Runtime.getRuntime().availableProcessors();
    private int loginsPerAddressPerMinute = 120;
    private int maxWaitingLogins = 64;
    private Duration maxLoginWait = Duration.ofSeconds(10);
    private Ticker ticker = Ticker.systemTicker();

    private Builder(SessionRegistry registry, LoginVerifier logins) {
      this.registry = registry;
      this.logins = logins;
    }

    /**
     * Which user ids a path may name ({@code /api/v4/users/<user id>/sessions}); others get Mattermost's 400
     * {@code api.context.invalid_url_param.app_error}. Default: Mattermost's ids, 26 ASCII letters or digits (any other
     * path segment is a 404, as on Mattermost's router). An application whose user ids are its own (UUIDs, numbers)
     * gives its rule here; the registry's rule ({@link Ids#isValidUserId}) applies as well. The path is decoded before
     * matching, so an id with a {@code /} cannot be named in a path, and {@code me} always means the caller. The rule
     * must be fast, and must not block or throw.
     */
    public Builder userIdRule(Predicate<String> rule) {
      if (rule == null) {
        throw new IllegalArgumentException("userIdRule must not be null");
      }
      this.userIdRule = rule;
      return this;
    }

    /** The largest request body accepted; larger ones get 413. Default 64 KiB. */
    public Builder maxBodyBytes(int maxBodyBytes) {
      if (maxBodyBytes < 1024 || maxBodyBytes > 16 * 1024 * 1024) {
        throw new IllegalArgumentException(
            "maxBodyBytes must be 1 KiB to 16 MiB, was " + maxBodyBytes);
      }
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /**
     * Marks cookies {@code Secure} (send them over HTTPS only) on every response. Default false: they are
     * {@code Secure} only when the {@link #clientAddress} resolver says the client came over HTTPS.
     */
    public Builder secureCookies(boolean secureCookies) {
      this.secureCookies = secureCookies;
      return this;
    }

    /**
     * Records the client's address in a new session's props ({@code ip_address}), listed with the session as Kratos
     * and others show it. Off by default: an address is personal data. It is the {@link #clientAddress} resolver's.
     */
    public Builder recordClientAddress(boolean recordClientAddress) {
      this.recordClientAddress = recordClientAddress;
      return this;
    }

    /**
     * Who the client of a request is: its address for the login limits and {@code ip_address}, and whether it came
     * over HTTPS for the cookies. Resolved once per request. Default {@link ClientAddressResolver#direct()}, the TCP
     * peer; behind a reverse proxy, {@link ClientAddressResolver#trustedProxies} with the proxy's network.
     */
    public Builder clientAddress(ClientAddressResolver clientAddress) {
      if (clientAddress == null) {
        throw new IllegalArgumentException("clientAddress must not be null");
      }
      this.clientAddress = clientAddress;
      return this;
    }

    /** How long login cookies live; give the registry's session lifetime. Default 30 days. */
    public Builder cookieMaxAge(Duration cookieMaxAge) {
      if (cookieMaxAge == null || cookieMaxAge.isNegative() || cookieMaxAge.isZero()) {
        throw new IllegalArgumentException("cookieMaxAge must be positive, was " + cookieMaxAge);
      }
      this.cookieMaxAge = cookieMaxAge;
      return this;
    }

    /**
     * Where failed logins and the password checks in flight are counted: give every node the same (the runnable
     * server uses its Redis or its database). Default: {@link LoginAttempts#inProcess()}, for one node.
     */
    public Builder loginAttempts(LoginAttempts attempts) {
      if (attempts == null) {
        throw new IllegalArgumentException("attempts must not be null");
      }
      this.attempts = attempts;
      return this;
    }

    /**
     * Failed logins of one user from one client address, within {@code lockout}, before that address is locked out
     * of that user (401, Mattermost's "account is locked") until the lockout has passed since the first failure. The
     * user logs in from other addresses as before. Only failures count: a correct password is never told "locked"
     * while the failures are below the limit, however many logins of the user are checked at once; and at most this
     * many wrong passwords are ever checked, however many arrive at once. Default 10 (Mattermost's
     * MaximumLoginAttempts) and 15 minutes.
     */
    public Builder maxFailedLogins(int maxFailedLogins, Duration lockout) {
      if (maxFailedLogins < 1 || maxFailedLogins > 1_000_000) {
        throw new IllegalArgumentException(
            "maxFailedLogins must be 1 to 1,000,000, was " + maxFailedLogins);
      }
      if (lockout == null || lockout.toSeconds() < 1 || lockout.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("lockout must be 1 s to 1 day, was " + lockout);
      }
      this.maxFailedLogins = maxFailedLogins;
      this.lockout = lockout;
      return this;
    }

    /**
     * Failed logins from one client address, whatever the user, within the lockout, before its logins get 429 until
     * the lockout has passed: one client spraying guesses over many users. Successes do not count. Behind a proxy,
     * give the {@link #clientAddress} resolver the proxy's network, or every client counts as the proxy. Default 100.
     */
    public Builder maxFailedLoginsPerAddress(int maxFailedLoginsPerAddress) {
      if (maxFailedLoginsPerAddress < 1 || maxFailedLoginsPerAddress > 100_000_000) {
        throw new IllegalArgumentException(
            "maxFailedLoginsPerAddress must be 1 to 100,000,000, was " + maxFailedLoginsPerAddress);
      }
      this.maxFailedLoginsPerAddress = maxFailedLoginsPerAddress;
      return this;
    }

    /**
     * Passwords checked at once, on this node; a login beyond waits for one (see {@link #passwordCheckQueue}). A slow
     * hash is a core's work: more at once would only queue every other request. Default: the cores.
     */
    public Builder maxConcurrentPasswordChecks(int maxConcurrentPasswordChecks) {
      if (maxConcurrentPasswordChecks < 1 || maxConcurrentPasswordChecks > 10_000) {
        throw new IllegalArgumentException(
            "maxConcurrentPasswordChecks must be 1 to 10,000, was " + maxConcurrentPasswordChecks);
      }
      this.maxConcurrentPasswordChecks = maxConcurrentPasswordChecks;
      return this;
    }

    /**
     * Login attempts per client address and minute, on this node, as a bucket of that many refilled over the
     * minute; beyond, 429 with {@code Retry-After}, unhashed. A login that succeeds, or that was not checked because
     * the server was busy, is given back: only failures and refusals use it up. Default 120.
     */
    public Builder loginsPerAddressPerMinute(int loginsPerAddressPerMinute) {
      if (loginsPerAddressPerMinute < 1 || loginsPerAddressPerMinute > 1_000_000) {
        throw new IllegalArgumentException(
            "loginsPerAddressPerMinute must be 1 to 1,000,000, was " + loginsPerAddressPerMinute);
      }
      this.loginsPerAddressPerMinute = loginsPerAddressPerMinute;
      return this;
    }

    /**
     * How a burst of logins is served when every password check is busy: up to {@code maxWaiting} logins wait for one,
     * first come first served, each for at most {@code maxWait}; a login beyond either bound gets 429 with
     * {@code Retry-After: 1}, unhashed, and is not counted against its address's rate. Each waiting login holds the
     * thread serving it: keep checks plus waiting well below the threads serving requests, so that requests that need
     * no password always find one (the runnable server leaves at least a quarter of them). {@code maxWaiting} 0 answers
     * 429 at once when the checks are busy.
     *
     * <p>Default 64 waiting, 10 s: with the default 2 to 16 cores and a ~100 ms hash, a burst of 64 logins from one
     * office is served within about 3 s on the smallest machine, well inside the wait and any client's timeout.
     */
    public Builder passwordCheckQueue(int maxWaiting, Duration maxWait) {
      if (maxWaiting < 0 || maxWaiting > 10_000) {
        throw new IllegalArgumentException("maxWaiting must be 0 to 10,000, was " + maxWaiting);
      }
      if (maxWait == null
          || maxWait.toMillis() < 1
          || maxWait.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("maxWait must be 1 ms to 1 minute, was " + maxWait);
      }
      this.maxWaitingLogins = maxWaiting;
      this.maxLoginWait = maxWait;
      return this;
    }

    /** The time source of the login limits' windows and rates; tests move it. */
    Builder ticker(Ticker ticker) {
      this.ticker = ticker;
      return this;
    }

    public MattermostSessionApi build() {
      if (attempts == null) {
        attempts = new InProcessLoginAttempts(ticker);
      }
      return new MattermostSessionApi(this);
    }
  }
}
