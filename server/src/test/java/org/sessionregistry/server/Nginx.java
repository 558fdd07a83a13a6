package org.sessionregistry.server;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nginx from the machine's packages, a child process of the test: its own config, temp files and pid in a directory of
 * the test's, listening on free loopback ports. A test that needs it fails, not skips, when it is missing.
 */
final class Nginx implements AutoCloseable {
  static final String INSTALL = "apt-get update && apt-get install -y nginx-light";
  private static final List<String> PLACES =
      List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx");

  private final Process process;
  private final Path log;

  private Nginx(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** A free port on 127.0.0.1, for a {@code listen} directive. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /**
   * Starts nginx with these {@code server} blocks (each listening on one of {@code ports}) and waits until every port
   * accepts connections.
   */
  static Nginx start(Path dir, String serverBlocks, int... ports)
      throws IOException, InterruptedException {
    String binary = find(System.getenv().getOrDefault("PATH", ""), PLACES);
    Path conf = dir.resolve("nginx.conf");
    // As root, nginx would switch its worker to "nobody", who cannot read the test's directory.
    String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
    Files.writeString(
        conf,
        user
            + """
        worker_processes 1;
        master_process off;
        events { worker_connections 64; }
        http {
          access_log off;
          client_body_temp_path %1$s/body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
        %2$s
        }
        """
                .formatted(dir, serverBlocks));
    Path log = dir.resolve("nginx.log");
    Process process =
        new ProcessBuilder(
                binary,
                "-p",
                dir.toString(),
                "-c",
                conf.toString(),
                "-e",
                "stderr",
                "-g",
                "daemon off; pid " + dir.resolve("nginx.pid") + "; error_log stderr;")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Nginx nginx = new Nginx(process, log);
    try {
      for (int port : ports) {
        nginx.awaitListening(port);
      }
    } catch (IOException | RuntimeException e) {
      nginx.close();
      throw e;
    }
    return nginx;
  }

  /** The first executable nginx on the path or in the places given. */
  static String find(String path, List<String> places) {
    List<String> looked = new ArrayList<>();
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        looked.add(dir + "/nginx");
      }
    }
    looked.addAll(places);
    for (String candidate : looked) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "nginx is needed as the reverse proxy of this test and is not installed: looked"
            + " for it at "
            + String.join(", ", looked)
            + ". Install it with: "
            + INSTALL
            + " (.ci/run does it)");
  }

  private void awaitListening(int port) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "nginx exited with " + process.exitValue() + ": " + output());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "nginx did not listen on 127.0.0.1:" + port + " within 10 s: " + output());
        }
        Thread.sleep(20);
      }
    }
  }

  /** What nginx wrote: its errors, for a failing test's message. */
  String output() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: nginx's fast shutdown
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
