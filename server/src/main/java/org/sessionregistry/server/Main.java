package org.sessionregistry.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import org.sessionregistry.http.LoginUser;

/**
 * {@code java -jar session-registry-server.jar}: serves the Mattermost session endpoints (see {@code --help}), or
 * manages the users file ({@code user set}, {@code user list}).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int status = run(List.of(args), System.getenv(), System.in, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs a command; for serving, blocks until the JVM shuts down (SIGTERM, Ctrl-C). */
  static int run(
      List<String> args,
      Map<String, String> env,
      InputStream in,
      PrintStream out,
      PrintStream err) {
    try {
      if (args.contains("--help") || args.contains("-h")) {
        out.print(ServerConfig.help());
        return 0;
      }
      if (!args.isEmpty() && args.get(0).equals("user")) {
        return user(args.subList(1, args.size()), env, in, out);
      }
      if (!args.isEmpty() && args.get(0).equals("sessions")) {
        return SessionsCommand.run(args.subList(1, args.size()), env, out);
      }
      if (!args.isEmpty() && args.get(0).equals("http-floor")) {
        ServerConfig config = ServerConfig.parse(args.subList(1, args.size()), env);
        HttpEdge floor = HttpFloor.start(config);
        out.println(
            "HTTP floor listening on http://"
                + config.host
                + ":"
                + floor.port()
                + " (the server's HTTP edge answering every request with a fixed body, for load benchmarks)");
        return serveUntilShutdown(floor, out);
      }
      ServerConfig config = ServerConfig.parse(args, env);
      SessionServer server = SessionServer.start(config, out);
      out.println(
          "Session Registry listening on http://"
              + config.host
              + ":"
              + server.port()
              + " (store: "
              + server.storeDescription()
              + ", users: "
              + config.usersFile
              + ")");
      return serveUntilShutdown(server, out);
    } catch (IllegalArgumentException | SessionServer.StartupException e) {
      err.println("session-registry: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      err.println("session-registry: " + e);
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static int serveUntilShutdown(AutoCloseable server, PrintStream out)
      throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (Exception e) {
                    out.println("stopping failed: " + e.getMessage());
                  }
                  out.println("Session Registry stopped.");
                  stopped.countDown();
                },
                "session-registry-shutdown"));
    out.flush();
    stopped.await();
    return 0;
  }

  /**
   * {@code user set <username> [--roles R] [--email E]}, password from standard input; {@code user delete <username>};
   * {@code user list}. The other flags are the server's: they name the users file and, for a new password or a
   * deletion, the store, whose sessions of that user are then revoked too.
   */
  private static int user(
      List<String> args, Map<String, String> env, InputStream in, PrintStream out) {
    String command = args.isEmpty() ? "" : args.get(0);
    if (!List.of("set", "list", "delete").contains(command)) {
      throw new IllegalArgumentException(
          "usage: user set <username> [--roles R] [--email E] | user delete <username>"
              + " | user list; see --help");
    }
    List<String> rest = new ArrayList<>(args.subList(1, args.size()));
    String username = null;
    if (!command.equals("list")) {
      if (rest.isEmpty() || rest.get(0).startsWith("--")) {
        throw new IllegalArgumentException(
            "user " + command + " needs a username: user " + command + " <username>");
      }
      username = rest.remove(0);
    }
    String roles = command.equals("set") ? take(rest, "--roles") : null;
    String email = command.equals("set") ? take(rest, "--email") : null;
    ServerConfig config = ServerConfig.parse(rest, env);
    Path file = config.usersFile;
    if (command.equals("list")) {
      for (LoginUser u : UsersFile.open(file).users()) {
        out.printf(
            "%-26s  %-20s  %-30s  %s%n",
            u.id(), u.username(), u.email(), String.join(" ", new TreeSet<>(u.roles())));
      }
      return 0;
    }
    if (command.equals("delete")) {
      String id = UsersFile.open(file).deleteUser(username);
      out.println(
          "user "
              + username
              + " deleted from "
              + file
              + " (id "
              + id
              + "): its sessions are dead wherever"
              + " this file is read");
      revokeInStore(config, id, out);
      return 0;
    }
    char[] password = readPassword(in);
    try {
      UsersFile users =
          java.nio.file.Files.exists(file) ? UsersFile.open(file) : emptyUsersFile(file);
      UsersFile.Change change = users.setUser(username, email, roles, password);
      out.println(
          "user "
              + username
              + " saved in "
              + file
              + " (id "
              + change.userId()
              + ")"
              + (change.passwordChanged()
                  ? ": a new password, its older sessions are dead wherever this file is read"
                  : ""));
      if (change.passwordChanged()) {
        revokeInStore(config, change.userId(), out);
      }
      return 0;
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /**
   * Revokes the user's sessions in a store the nodes share (PostgreSQL, MariaDB, Redis), through the server's front
   * cache and channel when it has one, so that nodes reading another copy of the users file refuse them too. The
   * in-memory and H2 stores belong to the running server's process alone: there the users file does it.
   */
  private static void revokeInStore(ServerConfig config, String userId, PrintStream out) {
    if (config.store == ServerConfig.StoreKind.MEMORY
        || config.store == ServerConfig.StoreKind.H2) {
      return;
    }
    try (SessionServer.Backend backend =
        SessionServer.Backend.open(config, UsersFile.open(config.usersFile))) {
      backend.registry.revokeAll(userId);
      out.println("its sessions in the store (" + backend.description + ") are revoked");
    } catch (SessionServer.StartupException | RuntimeException e) {
      out.println(
          "its sessions in the store could not be revoked ("
              + e.getMessage()
              + "); nodes that read this"
              + " users file refuse them all the same");
    }
  }

  private static UsersFile emptyUsersFile(Path file) {
    UsersFile.createWithDemoUsers(file, Map.of());
    return UsersFile.open(file);
  }

  private static char[] readPassword(InputStream in) {
    try {
      String line =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
      if (line == null || line.isEmpty()) {
        throw new IllegalArgumentException(
            "user set reads the password from standard input; none was given");
      }
      return line.toCharArray();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the password from standard input: " + e.getMessage());
    }
  }

  private static String take(List<String> args, String flag) {
    int i = args.indexOf(flag);
    if (i < 0) {
      return null;
    }
    if (i + 1 >= args.size()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    String value = args.get(i + 1);
    args.remove(i + 1);
    args.remove(i);
    return value;
  }
}
