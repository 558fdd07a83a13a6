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
  static int run(List<String> args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
    try {
      if (args.contains("--help") || args.contains("-h")) {
        out.print(ServerConfig.help());
        return 0;
      }
      if (!args.isEmpty() && args.get(0).equals("user")) {
        return user(args.subList(1, args.size()), env, in, out);
      }
      if (!args.isEmpty() && args.get(0).equals("http-floor")) {
        ServerConfig config = ServerConfig.parse(args.subList(1, args.size()), env);
        HttpEdge floor = HttpFloor.start(config);
        out.println("HTTP floor listening on http://" + config.host + ":" + floor.port()
            + " (the server's HTTP edge answering every request with a fixed body, for load benchmarks)");
        return serveUntilShutdown(floor, out);
      }
      ServerConfig config = ServerConfig.parse(args, env);
      SessionServer server = SessionServer.start(config, out);
      out.println("Session Registry listening on http://" + config.host + ":" + server.port()
          + " (store: " + server.storeDescription() + ", users: " + config.usersFile + ")");
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

  private static int serveUntilShutdown(AutoCloseable server, PrintStream out) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        out.println("stopping failed: " + e.getMessage());
      }
      out.println("Session Registry stopped.");
      stopped.countDown();
    }, "session-registry-shutdown"));
    out.flush();
    stopped.await();
    return 0;
  }

  /** {@code user set <username> [--roles R] [--email E]}, password from standard input; {@code user list}. */
  private static int user(List<String> args, Map<String, String> env, InputStream in, PrintStream out) {
    if (args.isEmpty() || !(args.get(0).equals("set") || args.get(0).equals("list"))) {
      throw new IllegalArgumentException("usage: user set <username> [--roles R] [--email E] | user list; see --help");
    }
    boolean set = args.get(0).equals("set");
    List<String> rest = new ArrayList<>(args.subList(1, args.size()));
    String username = null;
    if (set) {
      if (rest.isEmpty() || rest.get(0).startsWith("--")) {
        throw new IllegalArgumentException("user set needs a username: user set <username> [--roles R]");
      }
      username = rest.remove(0);
    }
    String roles = take(rest, "--roles");
    String email = take(rest, "--email");
    List<String> fileFlags = new ArrayList<>();
    for (String flag : List.of("--users", "--data")) {
      String value = take(rest, flag);
      if (value != null) {
        fileFlags.addAll(List.of(flag, value));
      }
    }
    if (!rest.isEmpty()) {
      throw new IllegalArgumentException("unknown argument " + rest.get(0) + " for user " + args.get(0));
    }
    Path file = ServerConfig.parse(fileFlags, env).usersFile;
    if (!set) {
      for (LoginUser u : UsersFile.open(file).users()) {
        out.printf("%-26s  %-20s  %-30s  %s%n", u.id(), u.username(), u.email(), u.roles());
      }
      return 0;
    }
    char[] password = readPassword(in);
    try {
      UsersFile users = java.nio.file.Files.exists(file) ? UsersFile.open(file) : emptyUsersFile(file);
      String id = users.setUser(username, email, roles, password);
      out.println("user " + username + " saved in " + file + " (id " + id + ")");
      return 0;
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private static UsersFile emptyUsersFile(Path file) {
    UsersFile.createWithDemoUsers(file, Map.of());
    return UsersFile.open(file);
  }

  private static char[] readPassword(InputStream in) {
    try {
      String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
      if (line == null || line.isEmpty()) {
        throw new IllegalArgumentException("user set reads the password from standard input; none was given");
      }
      return line.toCharArray();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the password from standard input: " + e.getMessage());
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
