package org.sessionregistry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quick start (docs/embedding.md) compiles against the current API and prints what the page says it prints. */
class ReadmeQuickStartTest {

  @Test
  void quickStartCompilesAndRunsAsDocumented(@TempDir Path dir) throws Exception {
    String readme = Files.readString(Path.of("..", "docs", "embedding.md"));
    Matcher code =
        Pattern.compile("```java\n((?:(?!```).)*?public class QuickStart.*?)```", Pattern.DOTALL)
            .matcher(readme);
    assertThat(code.find()).as("docs/embedding.md has the QuickStart snippet").isTrue();
    Matcher printed = Pattern.compile("It prints `([^`]*)`").matcher(readme);
    assertThat(printed.find()).as("docs/embedding.md says what the snippet prints").isTrue();

    Path source = dir.resolve("QuickStart.java");
    Files.writeString(source, code.group(1));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int status =
        javac.run(
            null,
            null,
            errors,
            "-d",
            dir.toString(),
            "-cp",
            System.getProperty("java.class.path"),
            source.toString());
    assertThat(status).as(errors.toString(StandardCharsets.UTF_8)).isZero();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      loader
          .loadClass("QuickStart")
          .getMethod("main", String[].class)
          .invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(original);
    }
    assertThat(List.of(out.toString(StandardCharsets.UTF_8).strip()))
        .containsExactly(printed.group(1));
  }
}
