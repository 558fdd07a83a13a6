package org.sessionregistry.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Redis servers a test starts itself from the installed {@code redis-server}, on free loopback ports, and stops.
 * Nothing is persisted.
 */
final class OwnedRedis implements AutoCloseable {
  private static final String BINARY =
      System.getenv().getOrDefault("SR_REDIS_SERVER", "redis-server");

  private final List<Process> processes = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private final Path dir;
  private int tlsPort;

  private OwnedRedis(Path dir) {
    this.dir = dir;
  }

  /** One standalone server. */
  static OwnedRedis standalone() throws Exception {
    OwnedRedis r = new OwnedRedis(Files.createTempDirectory("sr-redis"));
    r.add(freePort(), List.of());
    return r;
  }

  /** A master (the first server) and one replica of it (the second), replication up. */
  static OwnedRedis withReplica() throws Exception {
    OwnedRedis r = standalone();
    try {
      int replica = freePort();
      r.add(replica, List.of("--replicaof", "127.0.0.1", String.valueOf(r.port())));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      try (Jedis j = new Jedis("127.0.0.1", replica)) {
        while (!j.info("replication").contains("master_link_status:up")) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "the test's replica did not sync with its master within 20 s");
          }
          Thread.sleep(50);
        }
      }
      return r;
    } catch (Exception e) {
      r.close();
      throw e;
    }
  }

  /**
   * One server that wants {@code password} (of the default user), on a plain port ({@link #port()}) and on a TLS port
   * ({@link #tlsPort()}) with a certificate for 127.0.0.1 made here, self-signed: {@link #certificate()}.
   */
  static OwnedRedis withPasswordAndTls(String password) throws Exception {
    OwnedRedis r = new OwnedRedis(Files.createTempDirectory("sr-redis-tls"));
    try {
      Path key = r.dir.resolve("redis.key");
      Path cert = r.dir.resolve("redis.crt");
      Process openssl =
          new ProcessBuilder(
                  "openssl",
                  "req",
                  "-x509",
                  "-newkey",
                  "rsa:2048",
                  "-nodes",
                  "-days",
                  "1",
                  "-subj",
                  "/CN=127.0.0.1",
                  "-addext",
                  "subjectAltName=IP:127.0.0.1",
                  "-keyout",
                  key.toString(),
                  "-out",
                  cert.toString())
              .redirectErrorStream(true)
              .redirectOutput(r.dir.resolve("openssl.log").toFile())
              .start();
      if (openssl.waitFor() != 0) {
        throw new IllegalStateException(
            "openssl could not make the test's certificate: "
                + Files.readString(r.dir.resolve("openssl.log")));
      }
      r.tlsPort = freePort();
      r.add(
          freePort(),
          List.of(
              "--requirepass",
              password,
              "--tls-port",
              String.valueOf(r.tlsPort),
              "--tls-cert-file",
              cert.toString(),
              "--tls-key-file",
              key.toString(),
              "--tls-auth-clients",
              "no"));
      return r;
    } catch (Exception e) {
      r.close();
      throw e;
    }
  }

  int tlsPort() {
    return tlsPort;
  }

  Path certificate() {
    return dir.resolve("redis.crt");
  }

  /** A cluster of {@code masters} masters, no replicas, all slots assigned and the cluster state ok. */
  static OwnedRedis cluster(int masters) throws Exception {
    OwnedRedis r = new OwnedRedis(Files.createTempDirectory("sr-redis-cluster"));
    try {
      List<String> addresses = new ArrayList<>();
      for (int i = 0; i < masters; i++) {
        int port = freeClusterPort();
        r.add(
            port,
            List.of(
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes-" + port + ".conf",
                "--cluster-node-timeout",
                "2000"));
        addresses.add("127.0.0.1:" + port);
      }
      List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      create.addAll(addresses);
      create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      Process p =
          new ProcessBuilder(create)
              .redirectErrorStream(true)
              .redirectOutput(r.dir.resolve("cluster-create.log").toFile())
              .start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException(
            "redis-cli --cluster create failed: "
                + Files.readString(r.dir.resolve("cluster-create.log")));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      for (int port : r.ports) {
        while (!clusterOk(port)) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "the test's Redis Cluster did not reach state ok within 30s");
          }
          Thread.sleep(100);
        }
      }
      return r;
    } catch (Exception e) {
      r.close();
      throw e;
    }
  }

  List<HostAndPort> nodes() {
    return ports.stream().map(p -> new HostAndPort("127.0.0.1", p)).toList();
  }

  int port() {
    return ports.get(0);
  }

  /** Stops the (first) server, as a crash would: its data is gone. */
  void stop() throws InterruptedException {
    Process p = processes.get(0);
    p.destroy();
    p.waitFor();
  }

  /** Starts the (first) server again on the same port, empty. */
  void restart() throws Exception {
    processes.set(0, start(ports.get(0), List.of()));
  }

  /** Freezes one server (SIGSTOP), by its index: the replica of {@link #withReplica} is 1. */
  void pause(int index) throws Exception {
    signal("STOP", processes.get(index));
  }

  void resume(int index) throws Exception {
    signal("CONT", processes.get(index));
  }

  /** Freezes every server (SIGSTOP): connections stay open and nothing answers, as on a hung host. */
  void pause() throws Exception {
    signal("STOP");
  }

  /** Lets {@link #pause paused} servers run on (SIGCONT). */
  void resume() throws Exception {
    signal("CONT");
  }

  private void signal(String name) throws Exception {
    for (Process p : processes) {
      signal(name, p);
    }
  }

  private static void signal(String name, Process p) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(p.pid())).start();
    if (kill.waitFor() != 0 && p.isAlive()) {
      throw new IllegalStateException("kill -" + name + " " + p.pid() + " failed");
    }
  }

  /** Every command's call count, from INFO commandstats. */
  Map<String, Long> commandCalls(int port) {
    try (Jedis j = new Jedis("127.0.0.1", port)) {
      Map<String, Long> calls = new java.util.TreeMap<>();
      for (String line : j.info("commandstats").split("\r?\n")) {
        if (line.startsWith("cmdstat_")) {
          String name = line.substring(8, line.indexOf(':'));
          String count =
              line.substring(line.indexOf("calls=") + 6, line.indexOf(',', line.indexOf("calls=")));
          calls.put(name, Long.parseLong(count));
        }
      }
      return calls;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      resume(); // a stopped process ignores SIGTERM until continued
    } catch (Exception ignored) {
      // gone already
    }
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      p.waitFor();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  private void add(int port, List<String> extra) throws Exception {
    processes.add(start(port, extra));
    ports.add(port);
  }

  private Process start(int port, List<String> extra) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                BINARY,
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--daemonize",
                "no"));
    command.addAll(extra);
    Process p;
    try {
      p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(dir.resolve("redis-" + port + ".log").toFile()))
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start "
              + BINARY
              + " (install redis-server, or set SR_REDIS_SERVER to"
              + " its path): "
              + e.getMessage(),
          e);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try (Jedis j = new Jedis("127.0.0.1", port)) {
        if ("PONG".equals(j.ping())) {
          return p;
        }
      } catch (redis.clients.jedis.exceptions.JedisDataException e) {
        if (String.valueOf(e.getMessage()).startsWith("NOAUTH")) {
          return p; // up, and asking for the password it was given
        }
        throw e;
      } catch (RuntimeException notYet) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the test's redis-server on 127.0.0.1:"
                  + port
                  + " did not start: "
                  + Files.readString(dir.resolve("redis-" + port + ".log")));
        }
        Thread.sleep(50);
      }
    }
  }

  private static boolean clusterOk(int port) {
    try (Jedis j = new Jedis("127.0.0.1", port)) {
      return j.clusterInfo().contains("cluster_state:ok");
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A free port whose cluster bus port (+10000) is free too. */
  private static int freeClusterPort() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(20_000, 50_000);
      if (isFree(port) && isFree(port + 10_000)) {
        return port;
      }
    }
    throw new IllegalStateException("no free loopback port pair for a cluster node");
  }

  private static boolean isFree(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return false;
    } catch (IOException refused) {
      try (ServerSocket ss = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return true;
      } catch (IOException taken) {
        return false;
      }
    }
  }
}
