package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java block of the README and of {@code docs/} compiles against the current API, on the jars a user has (the
 * server's test path holds every module, the drivers, Jetty, Tomcat, the Spring Boot starter and Spring Security), so a
 * wrong signature fails the build.
 *
 * <p>A block that declares types (a class, an interface, a record) is compiled as they are, all such blocks together
 * (one may use another's), with an elided body {@code { ... }} standing for any body. A block of statements is a
 * fragment: each of its paragraphs (blank-line separated: alternatives, such as the ways to build a store) becomes the
 * body of a method of its own, in a class whose fields are the names the documentation uses without declaring them
 * ({@code registry}, {@code dataSource}, {@code api}, ...). A {@code module} declaration is left out: it cannot share a
 * compilation with classes. A deprecated call fails too: the documentation shows the API to use. The README's complete
 * program also runs, in {@code ReadmeQuickStartTest}.
 */
class DocumentationCompilesTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);
  private static final Pattern DECLARES_TYPES =
      Pattern.compile(
          "^(?:public |final |abstract )*(?:class|interface|record|enum) ", Pattern.MULTILINE);
  private static final Pattern MODULE =
      Pattern.compile("^module [\\w.]+ \\{.*?^}\n?", Pattern.MULTILINE | Pattern.DOTALL);
  private static final Pattern IMPORTS = Pattern.compile("^import .*;\n", Pattern.MULTILINE);

  private static final String IMPORTED =
      """
      import io.micrometer.core.instrument.MeterRegistry;
      import io.micrometer.core.instrument.Tags;
      import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
      import jakarta.servlet.DispatcherType;
      import jakarta.servlet.http.HttpServletRequest;
      import java.time.*;
      import java.util.*;
      import javax.sql.DataSource;
      import org.apache.catalina.Context;
      import org.apache.catalina.startup.Tomcat;
      import org.eclipse.jetty.ee11.servlet.FilterHolder;
      import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
      import org.eclipse.jetty.ee11.servlet.ServletHolder;
      import org.eclipse.jetty.server.Server;
      import org.jspecify.annotations.Nullable;
      import org.sessionregistry.*;
      import org.sessionregistry.cache.*;
      import org.sessionregistry.http.*;
      import org.sessionregistry.jdbc.*;
      import org.sessionregistry.memory.*;
      import org.sessionregistry.micrometer.*;
      import org.sessionregistry.redis.*;
      import org.sessionregistry.servlet.*;
      import org.sessionregistry.spi.*;
      import org.sessionregistry.spring.security.SessionRegistryConfigurer;
      import org.springframework.context.annotation.Bean;
      import org.springframework.context.annotation.Configuration;
      import org.springframework.security.config.Customizer;
      import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
      import org.springframework.security.config.annotation.web.builders.HttpSecurity;
      import org.springframework.security.core.annotation.AuthenticationPrincipal;
      import org.springframework.security.web.SecurityFilterChain;
      import org.sessionregistry.testing.*;
      import redis.clients.jedis.HostAndPort;
      import redis.clients.jedis.RedisClient;
      """;

  /** The names the documentation's fragments use without declaring them. */
  private static final String GIVEN =
      """
      interface Directory {
        Set<String> rolesOf(String userId);
        Optional<DirectoryUser> check(String loginId, String password);
      }
      record DirectoryUser(String id, String username, String email, Set<String> roles) {}
      Directory directory;
      DataSource dataSource;
      SessionRegistry registry;
      SessionStore store;
      LoginVerifier logins;
      MattermostSessionApi api;
      ServletContextHandler context;
      HttpServletRequest request;
      Server server;
      Tomcat tomcat;
      RedisClient redisClient;
      """;

  @Test
  void everyJavaBlockCompiles(@TempDir Path dir) throws Exception {
    List<Path> documents = documents();
    List<String> declarations = new ArrayList<>();
    StringBuilder fragments = new StringBuilder();
    int blocks = 0;
    for (Path document : documents) {
      Matcher m = JAVA_BLOCK.matcher(Files.readString(document));
      while (m.find()) {
        blocks++;
        String code = MODULE.matcher(m.group(1)).replaceAll("");
        String where = "// " + document.getFileName() + ", block " + blocks + "\n";
        if (DECLARES_TYPES.matcher(code).find()) {
          declarations.add(
              where
                  + IMPORTS
                      .matcher(code)
                      .replaceAll("")
                      .replace("{ ... }", "{ throw new UnsupportedOperationException(); }"));
        } else {
          int paragraph = 0;
          for (String statements : code.split("\n\\s*\n")) {
            fragments
                .append("  ")
                .append(where)
                .append("  void block")
                .append(blocks)
                .append('_')
                .append(paragraph++)
                .append("() throws Exception {\n")
                .append(statements)
                .append("\n  }\n");
          }
        }
      }
    }
    assertThat(blocks).as("Java blocks found in " + documents).isGreaterThan(5);

    List<String> sources = new ArrayList<>();
    sources.add(
        write(dir, "Fragments", IMPORTED + "\nclass Fragments {\n" + GIVEN + fragments + "}\n"));
    int n = 0;
    for (String declaration : declarations) {
      // One file each, in one package (a block may use another's types): top-level types made
      // package-private.
      sources.add(
          write(
              dir,
              "Declarations" + n++,
              IMPORTED
                  + "\n"
                  + declaration
                      .replace("public final class", "final class")
                      .replace("public class", "class")));
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    List<String> args =
        new ArrayList<>(
            List.of(
                "-d",
                dir.resolve("classes").toString(),
                "-proc:none",
                "-Xlint:deprecation",
                "-Werror",
                "-cp",
                classPath()));
    args.addAll(sources);
    int status = javac.run(null, null, errors, args.toArray(String[]::new));
    assertThat(status)
        .as(
            "the documentation's Java, as compiled (sources in "
                + dir
                + "):\n"
                + errors.toString(StandardCharsets.UTF_8))
        .isZero();
  }

  private static List<Path> documents() throws IOException {
    Path root = Path.of("..");
    List<Path> documents = new ArrayList<>(List.of(root.resolve("README.md")));
    Path docs = root.resolve("docs");
    if (Files.isDirectory(docs)) {
      try (Stream<Path> files = Files.walk(docs)) {
        files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(documents::add);
      }
    }
    return documents;
  }

  private static String write(Path dir, String name, String source) throws IOException {
    Path file = dir.resolve(name + ".java");
    Files.writeString(file, source);
    return file.toString();
  }

  /** What the test runs on, module path and class path alike: the snippets see the modules' exported API only. */
  private static String classPath() {
    List<String> entries = new ArrayList<>();
    for (String property : List.of("jdk.module.path", "java.class.path")) {
      String value = System.getProperty(property);
      if (value != null && !value.isEmpty()) {
        entries.add(value);
      }
    }
    return String.join(File.pathSeparator, entries);
  }
}
