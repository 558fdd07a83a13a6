import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Logins under real traffic, against a running server (run by benchmarks/login-load.sh; JDK only, run as a source
 * file). Each measurement prints one Markdown table row.
 *
 * <pre>
 *   java LoginLoad.java users FILE PASSWORD N     a users file: user1 and load1..loadN, all with PASSWORD
 *   java LoginLoad.java burst PORT PASSWORD N      N correct logins of user1 at once
 *   java LoginLoad.java spread PORT PASSWORD N S   load1..loadN logging in evenly over S seconds
 *   java LoginLoad.java flood PORT PASSWORD        list latency without and with 8 clients flooding wrong passwords,
 *                                                  and a correct login from 127.0.0.2 during the flood
 * </pre>
 */
public class LoginLoad {
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "users" -> users(Path.of(args[1]), args[2], Integer.parseInt(args[3]));
      case "burst" -> burst(Integer.parseInt(args[1]), args[2], Integer.parseInt(args[3]));
      case "spread" -> spread(Integer.parseInt(args[1]), args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      case "flood" -> flood(Integer.parseInt(args[1]), args[2]);
      default -> throw new IllegalArgumentException("users | burst | spread | flood");
    }
  }

  /** One PBKDF2 hash (the server's scheme) shared by every user: each login still costs a full check. */
  static void users(Path file, String password, int n) throws Exception {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
        .generateSecret(new PBEKeySpec(password.toCharArray(), salt, 210_000, 256)).getEncoded();
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    String stored = "pbkdf2-sha256$210000$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    StringBuilder json = new StringBuilder("{\"version\":1,\"users\":[");
    for (int i = 0; i <= n; i++) {
      String name = i == 0 ? "user1" : "load" + i;
      String id = String.format("%026d", i).replace('0', 'a').substring(0, 20) + String.format("%06d", i);
      json.append(i == 0 ? "" : ",").append("{\"id\":\"").append(id).append("\",\"username\":\"").append(name)
          .append("\",\"email\":\"").append(name).append("@example.com\",\"roles\":\"system_user\",\"password\":\"")
          .append(stored).append("\",\"password_changed_at\":0}");
    }
    Files.writeString(file, json.append("]}").toString());
  }

  static void burst(int port, String password, int n) throws Exception {
    List<Long> millis = new ArrayList<>();
    Map<Integer, Integer> statuses = new TreeMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch ready = new CountDownLatch(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<long[]>> answers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      answers.add(pool.submit(() -> {
        HttpClient http = client();
        HttpRequest login = login(port, "user1", password);
        ready.countDown();
        go.await();
        long start = System.nanoTime();
        int status = http.send(login, BodyHandlers.discarding()).statusCode();
        return new long[] {status, (System.nanoTime() - start) / 1_000_000};
      }));
    }
    ready.await();
    go.countDown();
    for (Future<long[]> a : answers) {
      long[] r = a.get(120, TimeUnit.SECONDS);
      statuses.merge((int) r[0], 1, Integer::sum);
      millis.add(r[1]);
    }
    pool.shutdown();
    System.out.printf("| %d correct logins of one user at once, one address | %s | %s |%n", n, statuses,
        percentiles(millis));
  }

  static void spread(int port, String password, int n, int seconds) throws Exception {
    List<Long> millis = java.util.Collections.synchronizedList(new ArrayList<>());
    Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(64);
    long begin = System.nanoTime();
    long every = TimeUnit.SECONDS.toNanos(seconds) / n;
    List<Future<?>> done = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      long due = begin + (i - 1) * every;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      String user = "load" + i;
      done.add(pool.submit(() -> {
        long start = System.nanoTime();
        int status;
        try {
          status = client().send(login(port, user, password), BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
          status = 0;
        }
        statuses.merge(status, 1, Integer::sum);
        millis.add((System.nanoTime() - start) / 1_000_000);
      }));
    }
    for (Future<?> f : done) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    System.out.printf("| %d users, one address, evenly over %d s (%.1f/s) | %s | %s |%n", n, seconds,
        n / (double) seconds, new TreeMap<>(statuses), percentiles(millis));
  }

  static void flood(int port, String password) throws Exception {
    HttpClient http = client();
    String token = http.send(login(port, "user1", password), BodyHandlers.discarding()).headers()
        .firstValue("Token").orElseThrow();
    HttpRequest list = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v4/users/me/sessions"))
        .header("Authorization", "Bearer " + token).build();
    List<Long> quiet = listTimes(http, list);
    System.out.printf("| GET …/sessions, no flood, one client, 400 requests | %s |%n", percentilesMicros(quiet));

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger wrong = new AtomicInteger();
    Map<Integer, Integer> floodStatuses = new ConcurrentHashMap<>();
    List<Thread> attackers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int n = i;
      Thread t = new Thread(() -> {
        HttpClient own = client();
        while (!stop.get()) {
          try {
            int status = own.send(login(port, n % 2 == 0 ? "user1" : "nobody" + n, "guess"),
                BodyHandlers.discarding()).statusCode();
            floodStatuses.merge(status, 1, Integer::sum);
            wrong.incrementAndGet();
          } catch (Exception e) {
            return;
          }
        }
      });
      t.start();
      attackers.add(t);
    }
    Thread.sleep(1000);
    long floodStart = System.nanoTime();
    List<Long> flooded = listTimes(http, list);
    long start = System.nanoTime();
    int other = loginFrom("127.0.0.2", port, "user1", password);
    long otherMillis = (System.nanoTime() - start) / 1_000_000;
    double floodSeconds = (System.nanoTime() - floodStart) / 1e9;
    stop.set(true);
    for (Thread t : attackers) {
      t.join();
    }
    System.out.printf("| GET …/sessions, 8 clients flooding wrong passwords, 400 requests | %s |%n",
        percentilesMicros(flooded));
    System.out.printf("| the flood: %s (%.1f answers/s) | a correct login from 127.0.0.2 during it: %d in %d ms |%n",
        new TreeMap<>(floodStatuses), wrong.get() / (floodSeconds + 1), other, otherMillis);
  }

  private static List<Long> listTimes(HttpClient http, HttpRequest list) throws Exception {
    List<Long> micros = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      long start = System.nanoTime();
      int status = http.send(list, BodyHandlers.discarding()).statusCode();
      if (status != 200) {
        throw new IllegalStateException("list answered " + status);
      }
      micros.add((System.nanoTime() - start) / 1_000);
      Thread.sleep(10);
    }
    return micros;
  }

  /** A login sent from another loopback address, on a socket of its own. */
  private static int loginFrom(String local, int port, String user, String password) throws IOException {
    String body = "{\"login_id\":\"" + user + "\",\"password\":\"" + password + "\"}";
    try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(local), 0)) {
      OutputStream out = s.getOutputStream();
      out.write(("POST /api/v4/users/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Connection: close\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
          .getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      String head = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      return Integer.parseInt(head.split(" ", 3)[1]);
    }
  }

  private static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  private static HttpRequest login(int port, String user, String password) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v4/users/login"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"login_id\":\"" + user + "\",\"password\":\"" + password
            + "\"}"))
        .build();
  }

  private static String percentiles(List<Long> millis) {
    List<Long> sorted = new ArrayList<>(millis);
    sorted.sort(null);
    return "p50 " + at(sorted, 0.50) + " ms, p99 " + at(sorted, 0.99) + " ms, max " + sorted.get(sorted.size() - 1)
        + " ms";
  }

  private static String percentilesMicros(List<Long> micros) {
    List<Long> sorted = new ArrayList<>(micros);
    sorted.sort(null);
    return String.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms", at(sorted, 0.50) / 1000.0,
        at(sorted, 0.99) / 1000.0, sorted.get(sorted.size() - 1) / 1000.0);
  }

  private static long at(List<Long> sorted, double q) {
    return sorted.get(Math.max(0, (int) Math.ceil(q * sorted.size()) - 1));
  }
}
