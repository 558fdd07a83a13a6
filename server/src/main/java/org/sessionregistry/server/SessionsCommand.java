package org.sessionregistry.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sessionregistry.Session;
import org.sessionregistry.SessionCount;
import org.sessionregistry.http.LoginUser;
import org.sessionregistry.http.MattermostSessionApi;

/**
 * {@code sessions list <user>}, {@code sessions count}, {@code sessions revoke <user>} and
 * {@code sessions revoke-everyone --yes}: operators' commands on the store the flags name (the serving flags), through
 * the server's front cache and its channel when it has one, so that other nodes' caches drop what is revoked (as
 * {@code user delete} does). {@code <user>} is a username, an email or a user id of the users file. A table by default,
 * {@code --json} for scripts. The in-memory store belongs to the running server alone: there the {@code /sr/v1}
 * endpoints do it.
 */
final class SessionsCommand {
  static final String USAGE =
      "usage: sessions list <user> | sessions count | sessions revoke <user>"
          + " | sessions revoke-everyone --yes  [--json] [flags]; <user> is a username, email or id";

  private static final ObjectMapper JSON = new ObjectMapper();

  private SessionsCommand() {}

  static int run(List<String> args, Map<String, String> env, PrintStream out)
      throws SessionServer.StartupException {
    String command = args.isEmpty() ? "" : args.get(0);
    if (!List.of("list", "count", "revoke", "revoke-everyone").contains(command)) {
      throw new IllegalArgumentException(USAGE);
    }
    List<String> rest = new ArrayList<>(args.subList(1, args.size()));
    boolean json = rest.remove("--json");
    boolean yes = rest.remove("--yes");
    String who = null;
    if (command.equals("list") || command.equals("revoke")) {
      if (rest.isEmpty() || rest.get(0).startsWith("--")) {
        throw new IllegalArgumentException(
            "sessions " + command + " needs a user: sessions " + command + " <user>");
      }
      who = rest.remove(0);
    }
    if (command.equals("revoke-everyone") && !yes) {
      throw new IllegalArgumentException(
          "sessions revoke-everyone ends every session of every user: say --yes to do it");
    }
    ServerConfig config = ServerConfig.parse(rest, env);
    if (config.store == ServerConfig.StoreKind.MEMORY) {
      throw new IllegalArgumentException(
          "the in-memory store lives in the running server's process alone: name the server's store"
              + " with --store (or use the server's /sr/v1 endpoints)");
    }
    UsersFile users = UsersFile.open(config.usersFile);
    LoginUser user = who == null ? null : find(users, who);
    try (SessionServer.Backend backend = SessionServer.Backend.open(config, users)) {
      switch (command) {
        case "list" -> list(backend, user, json, out);
        case "count" -> count(backend, json, out);
        case "revoke" -> {
          int n = backend.registry.list(user.id()).size();
          backend.registry.revokeAll(user.id());
          print(
              out,
              json,
              ordered("status", "OK", "user_id", user.id(), "revoked", n),
              n
                  + " session(s) of "
                  + user.username()
                  + " (id "
                  + user.id()
                  + ") revoked in the store ("
                  + backend.description
                  + "), and every node told");
        }
        default -> {
          backend.registry.revokeEveryone();
          print(
              out,
              json,
              Map.of("status", "OK"),
              "every session of every user revoked in the store ("
                  + backend.description
                  + "), and every node told");
        }
      }
    }
    return 0;
  }

  /** The user a username, email or id names in the users file. */
  private static LoginUser find(UsersFile users, String who) {
    return users
        .findByLoginId(who)
        .or(() -> users.findById(who))
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no user \"" + who + "\" (username, email or id) in the users file"));
  }

  private static void list(
      SessionServer.Backend backend, LoginUser user, boolean json, PrintStream out) {
    List<Session> sessions = backend.registry.list(user.id());
    if (json) {
      Map<String, Object> u = new LinkedHashMap<>();
      u.put("id", user.id());
      u.put("username", user.username());
      u.put("email", user.email());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("user", u);
      m.put("sessions", sessions.stream().map(MattermostSessionApi::sessionJson).toList());
      print(out, true, m, null);
      return;
    }
    out.printf(
        "%-26s  %-24s  %-24s  %-24s  %-20s  %s%n",
        "SESSION", "CREATED", "LAST ACTIVE", "EXPIRES", "DEVICE", "CLIENT");
    for (Session s : sessions) {
      out.printf(
          "%-26s  %-24s  %-24s  %-24s  %-20s  %s%n",
          s.id(),
          s.createdAt(),
          s.lastActivityAt(),
          s.expiresAt(),
          s.deviceId().isEmpty() ? "-" : s.deviceId(),
          String.join(
                  " ",
                  s.props().getOrDefault("platform", ""),
                  s.props().getOrDefault("os", ""),
                  s.props().getOrDefault("browser", ""))
              .strip());
    }
    out.println(sessions.size() + " session(s) of " + user.username() + " (id " + user.id() + ")");
  }

  private static void count(SessionServer.Backend backend, boolean json, PrintStream out) {
    SessionCount count = backend.registry.count();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", count.count());
    m.put("exact", count.exact());
    m.put("counted_at", count.countedAt().toEpochMilli());
    print(
        out,
        json,
        m,
        count.count()
            + " session(s) in the store ("
            + backend.description
            + "), "
            + (count.exact() ? "exact" : "approximate")
            + ", counted at "
            + Instant.ofEpochMilli(count.countedAt().toEpochMilli()));
  }

  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private static void print(PrintStream out, boolean json, Object value, String text) {
    if (!json) {
      out.println(text);
      return;
    }
    try {
      out.println(JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
