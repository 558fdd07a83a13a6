package org.sessionregistry.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Core's packages are layered, read from the compiled classes (every class a class file names: constant pool and
 * descriptors): {@code internal} at the bottom depends on nothing of the library's; the SPI on the API's values and
 * the internals; the API on the SPI and the internals, never on an implementation; the front cache and the in-memory
 * store on all three; and no two classes of different packages depend on each other, directly or around a cycle.
 */
class PackageLayeringTest {
  private static final String ROOT = "org.sessionregistry";
  private static final Pattern CLASS_NAME =
      Pattern.compile("org/sessionregistry/(?:[a-z0-9_]+/)*[A-Z][A-Za-z0-9_$]*");

  /** What each package may use, besides itself. */
  private static final Map<String, Set<String>> ALLOWED =
      Map.of(
          ROOT + ".internal",
          Set.of(),
          ROOT + ".spi",
          Set.of(ROOT, ROOT + ".internal"),
          ROOT,
          Set.of(ROOT + ".spi", ROOT + ".internal"),
          ROOT + ".internal.channel",
          Set.of(ROOT + ".spi"),
          ROOT + ".cache",
          Set.of(ROOT, ROOT + ".spi", ROOT + ".internal", ROOT + ".internal.channel"),
          ROOT + ".memory",
          Set.of(ROOT, ROOT + ".spi", ROOT + ".internal"));

  /** What the SPI may use of the API: the values a store reads and writes, and the failures it throws. */
  private static final Set<String> API_VALUES_FOR_THE_SPI =
      Set.of(
          ROOT + ".Session",
          ROOT + ".Ids",
          ROOT + ".SessionLimit",
          ROOT + ".SessionLimitExceededException",
          ROOT + ".SessionStoreException",
          ROOT + ".SessionStoreUnavailableException",
          // Listing (#26): the page and the count a store returns, and its refusal.
          ROOT + ".SessionPage",
          ROOT + ".SessionCount",
          ROOT + ".ListingUnsupportedException");

  private static final Map<String, Set<String>> uses = new TreeMap<>();

  @BeforeAll
  static void readClasses() throws IOException {
    Path classes =
        Path.of(
                PackageLayeringTest.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .getPath())
            .resolveSibling("classes");
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name =
            classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
        if (name.equals("module-info") || name.endsWith("package-info")) {
          continue;
        }
        try (InputStream in = Files.newInputStream(file)) {
          uses.put(
              topLevel(name),
              referencedClasses(in, uses.getOrDefault(topLevel(name), new TreeSet<>())));
        }
      }
    }
    assertThat(uses).as("classes read from " + classes).containsKey(ROOT + ".SessionRegistry");
  }

  @Test
  void eachPackageUsesOnlyTheLayersBelowIt() {
    List<String> violations = new ArrayList<>();
    uses.forEach(
        (from, targets) -> {
          String fromPackage = packageOf(from);
          Set<String> allowed = ALLOWED.get(fromPackage);
          assertThat(allowed).as("a layer for package " + fromPackage).isNotNull();
          for (String to : targets) {
            String toPackage = packageOf(to);
            if (toPackage.equals(fromPackage)) {
              continue;
            }
            if (!allowed.contains(toPackage)
                || (fromPackage.equals(ROOT + ".spi")
                    && toPackage.equals(ROOT)
                    && !API_VALUES_FOR_THE_SPI.contains(to))) {
              violations.add(from + " -> " + to);
            }
          }
        });
    assertThat(violations).isEmpty();
  }

  @Test
  void noCycleCrossesAPackage() {
    for (Set<String> component : stronglyConnectedComponents()) {
      Set<String> packages = new TreeSet<>();
      component.forEach(c -> packages.add(packageOf(c)));
      assertThat(packages).as("classes depending on each other: " + component).hasSize(1);
    }
  }

  /** Tarjan's algorithm over the top-level classes. */
  private static List<Set<String>> stronglyConnectedComponents() {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> components = new ArrayList<>();
    int[] next = {0};
    for (String start : uses.keySet()) {
      if (!index.containsKey(start)) {
        visit(start, index, low, stack, onStack, components, next);
      }
    }
    return components;
  }

  private static void visit(
      String v,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      List<Set<String>> components,
      int[] next) {
    index.put(v, next[0]);
    low.put(v, next[0]++);
    stack.push(v);
    onStack.add(v);
    for (String w : uses.getOrDefault(v, Set.of())) {
      if (!uses.containsKey(w)) {
        continue;
      }
      if (!index.containsKey(w)) {
        visit(w, index, low, stack, onStack, components, next);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      components.add(component);
    }
  }

  /** The library's classes a class file names anywhere in its constant pool (class entries, descriptors). */
  private static Set<String> referencedClasses(InputStream classFile, Set<String> into)
      throws IOException {
    DataInputStream in = new DataInputStream(classFile);
    in.readInt(); // magic
    in.readUnsignedShort(); // minor
    in.readUnsignedShort(); // major
    int count = in.readUnsignedShort();
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> {
          Matcher m = CLASS_NAME.matcher(in.readUTF());
          while (m.find()) {
            into.add(topLevel(m.group().replace('/', '.')));
          }
        }
        case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
        case 5, 6 -> {
          in.readLong();
          i++; // takes two entries
        }
        case 7, 8, 16, 19, 20 -> in.readUnsignedShort();
        case 15 -> {
          in.readUnsignedByte();
          in.readUnsignedShort();
        }
        default -> throw new IOException("unknown constant pool tag " + tag);
      }
    }
    return into;
  }

  private static String topLevel(String className) {
    int dollar = className.indexOf('$');
    return dollar < 0 ? className : className.substring(0, dollar);
  }

  private static String packageOf(String className) {
    return className.substring(0, className.lastIndexOf('.'));
  }
}
