package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every library module's public surface names only what its users can see: a public or protected signature (a
 * supertype, a field, a method's or constructor's parameters, return and exceptions, a record component, a type
 * parameter's bound) in an exported package names a type of an exported package of that module, of {@code java.base},
 * or of a module the library module {@code requires transitive} (directly or through one that does), never a type of
 * a package it does not export or of a library it uses without saying so. Read from the compiled modules on this
 * test's paths (the server depends on every library but {@code testing} and the Spring Boot starter, test dependencies
 * here) with {@code java.lang.module} and reflection.
 *
 * <p>The starter is an automatic module (Spring's jars are, and it lives among them): it exports every package and
 * declares no {@code requires}. What its users read through it is what its compile dependencies give them
 * ({@link #AUTOMATIC_READS}) and Spring's modules; its signatures may name nothing else (no Jackson, driver, pool,
 * Redis client, nor a package another library module keeps to itself).
 */
class PublicSurfaceTest {
  /** The published library modules; the server, the examples and the benchmarks are applications. */
  static final List<String> LIBRARIES =
      List.of(
          "org.sessionregistry.core",
          "org.sessionregistry.testing",
          "org.sessionregistry.jdbc",
          "org.sessionregistry.redis",
          "org.sessionregistry.http",
          "org.sessionregistry.servlet",
          "org.sessionregistry.spring");

  /**
   * What the users of an automatic library module read through it, as its Maven dependencies give them: these
   * modules (with what they require transitively), and every module whose name starts with the prefix given.
   */
  static final Map<String, Set<String>> AUTOMATIC_READS =
      Map.of(
          "org.sessionregistry.spring",
          Set.of("org.sessionregistry.http", "org.sessionregistry.servlet", "java.sql"));

  static final Map<String, String> AUTOMATIC_READS_PREFIX =
      Map.of("org.sessionregistry.spring", "spring.");

  /**
   * Modules a library names in its API without requiring them transitively, on purpose: the JDK's HTTP server, which
   * only {@code JdkHttpHandler}'s users need and then require themselves.
   */
  static final Map<String, Set<String>> OPTIONAL =
      Map.of("org.sessionregistry.http", Set.of("jdk.httpserver"));

  /** Which module (of those on the paths) holds each package. */
  private static final Map<String, String> PACKAGES = new HashMap<>();

  private static final Map<String, ModuleReference> MODULES = findModules();

  static List<String> libraries() {
    return LIBRARIES;
  }

  @ParameterizedTest
  @MethodSource("libraries")
  void exportedSignaturesNameOnlyExportedOrTransitivelyRequiredTypes(String module)
      throws IOException {
    assertThat(MODULES).as("the module on this test's paths").containsKey(module);
    assertThat(violations(module)).isEmpty();
  }

  /**
   * The check reads the starter's signatures: without the modules its dependencies give, they name core's, Spring's
   * and the servlet API's types, which its users would then not read.
   */
  @Test
  void theStartersSurfaceNamesWhatItsDependenciesGiveItsUsers() throws IOException {
    assertThat(violations("org.sessionregistry.spring", new HashSet<>()))
        .anyMatch(v -> v.endsWith("module org.sessionregistry.core is not 'requires transitive'"))
        .anyMatch(v -> v.contains("names org.springframework."))
        .anyMatch(v -> v.contains("names jakarta.servlet."));
  }

  /** What {@code module}'s exported signatures name that its users could not see or would not read. */
  static List<String> violations(String module) throws IOException {
    ModuleDescriptor descriptor = MODULES.get(module).descriptor();
    return violations(
        module,
        descriptor.isAutomatic() ? automaticReadability(module) : impliedReadability(descriptor));
  }

  private static List<String> violations(String module, Set<String> readable) throws IOException {
    ModuleDescriptor descriptor = MODULES.get(module).descriptor();
    Set<String> exported = unqualifiedExports(descriptor);
    readable.addAll(OPTIONAL.getOrDefault(module, Set.of()));
    List<String> violations = new ArrayList<>();
    for (Class<?> type : exportedTypes(module, exported)) {
      for (var use : signatureTypes(type).entrySet()) {
        for (Class<?> named : use.getValue()) {
          String problem = problem(module, exported, readable, named);
          if (problem != null) {
            violations.add(use.getKey() + " names " + named.getName() + ": " + problem);
          }
        }
      }
    }
    return violations;
  }

  private static String problem(
      String module, Set<String> exported, Set<String> readable, Class<?> named) {
    String owner = moduleOf(named);
    String pkg = named.getPackageName();
    if (owner.equals(module)) {
      return exported.contains(pkg) ? null : "package " + pkg + " is not exported";
    }
    if (owner.equals("java.base")) {
      return null;
    }
    if (!readable.contains(owner)) {
      return "module " + owner + " is not 'requires transitive'";
    }
    ModuleReference other = MODULES.get(owner);
    ModuleDescriptor otherDescriptor =
        other != null
            ? other.descriptor()
            : ModuleFinder.ofSystem().find(owner).map(ModuleReference::descriptor).orElse(null);
    if (otherDescriptor != null
        && !otherDescriptor.isAutomatic()
        && !unqualifiedExports(otherDescriptor).contains(pkg)) {
      return "package " + pkg + " of " + owner + " is not exported";
    }
    return null;
  }

  private static Set<String> unqualifiedExports(ModuleDescriptor descriptor) {
    if (descriptor.isAutomatic()) {
      return descriptor.packages();
    }
    return descriptor.exports().stream()
        .filter(e -> !e.isQualified())
        .map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toSet());
  }

  /** The modules a user of an automatic library module reads through it ({@link #AUTOMATIC_READS}). */
  private static Set<String> automaticReadability(String module) {
    assertThat(AUTOMATIC_READS)
        .as("what users of automatic " + module + " read")
        .containsKey(module);
    Set<String> readable = new HashSet<>();
    for (String read : AUTOMATIC_READS.get(module)) {
      readable.add(read);
      Optional.ofNullable(MODULES.get(read))
          .or(() -> ModuleFinder.ofSystem().find(read))
          .ifPresent(ref -> readable.addAll(impliedReadability(ref.descriptor())));
    }
    String prefix = AUTOMATIC_READS_PREFIX.get(module);
    if (prefix != null) {
      Stream.concat(MODULES.keySet().stream(), PACKAGES.values().stream())
          .filter(name -> name.startsWith(prefix))
          .forEach(readable::add);
    }
    return readable;
  }

  /** The modules a user of {@code descriptor} reads through it: its transitive requires, and theirs. */
  private static Set<String> impliedReadability(ModuleDescriptor descriptor) {
    Set<String> readable = new HashSet<>();
    Deque<ModuleDescriptor> todo = new ArrayDeque<>(List.of(descriptor));
    while (!todo.isEmpty()) {
      for (ModuleDescriptor.Requires r : todo.pop().requires()) {
        if (r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)
            && readable.add(r.name())) {
          Optional.ofNullable(MODULES.get(r.name()))
              .or(() -> ModuleFinder.ofSystem().find(r.name()))
              .ifPresent(ref -> todo.push(ref.descriptor()));
        }
      }
    }
    return readable;
  }

  /** Public classes (and their public or protected member classes) of the exported packages. */
  private static List<Class<?>> exportedTypes(String module, Set<String> exported)
      throws IOException {
    List<String> names;
    try (var reader = MODULES.get(module).open();
        Stream<String> resources = reader.list()) {
      names =
          resources
              .filter(
                  r ->
                      r.endsWith(".class")
                          && !r.endsWith("module-info.class")
                          && !r.endsWith("package-info.class"))
              .map(r -> r.substring(0, r.length() - 6).replace('/', '.'))
              .toList();
    }
    List<Class<?>> types = new ArrayList<>();
    for (String name : names) {
      Class<?> type = load(name);
      if (exported.contains(type.getPackageName()) && visible(type)) {
        types.add(type);
      }
    }
    assertThat(types).as("public types of " + module).isNotEmpty();
    return types;
  }

  private static boolean visible(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
      int m = c.getModifiers();
      boolean member = c.getDeclaringClass() != null;
      if (c.isAnonymousClass()
          || c.isLocalClass()
          || c.isSynthetic()
          || !(Modifier.isPublic(m) || member && Modifier.isProtected(m))) {
        return false;
      }
    }
    return true;
  }

  /** Each member of the type's signature that users see, with the classes it names. */
  private static Map<String, Set<Class<?>>> signatureTypes(Class<?> type) {
    Map<String, Set<Class<?>>> uses = new LinkedHashMap<>();
    Set<Class<?>> header = new LinkedHashSet<>();
    collect(type.getGenericSuperclass(), header);
    for (Type t : type.getGenericInterfaces()) {
      collect(t, header);
    }
    for (TypeVariable<?> v : type.getTypeParameters()) {
      collect(v, header);
    }
    uses.put(type.getName(), header);
    if (type.isRecord()) {
      for (RecordComponent c : type.getRecordComponents()) {
        collect(
            c.getGenericType(),
            uses.computeIfAbsent(type.getName() + "." + c.getName(), k -> new LinkedHashSet<>()));
      }
    }
    List<Member> members = new ArrayList<>();
    // Declared here, or inherited from a superclass of the same module that its users cannot name
    // themselves.
    for (Class<?> c = type;
        c != null && c.getModule().equals(type.getModule());
        c = c.getSuperclass()) {
      members.addAll(List.of(c.getDeclaredFields()));
      members.addAll(List.of(c.getDeclaredMethods()));
      if (c == type) {
        members.addAll(List.of(c.getDeclaredConstructors()));
      }
    }
    for (Member member : members) {
      int m = member.getModifiers();
      if (member.isSynthetic()
          || !(Modifier.isPublic(m) || Modifier.isProtected(m))
          || member instanceof Method method && method.isBridge()) {
        continue;
      }
      Set<Class<?>> named = new LinkedHashSet<>();
      if (member instanceof Field f) {
        collect(f.getGenericType(), named);
      } else {
        Executable e = (Executable) member;
        if (e instanceof Method method) {
          collect(method.getGenericReturnType(), named);
        }
        for (Type t : e.getGenericParameterTypes()) {
          collect(t, named);
        }
        for (Type t : e.getGenericExceptionTypes()) {
          collect(t, named);
        }
        for (TypeVariable<?> v : e.getTypeParameters()) {
          collect(v, named);
        }
      }
      String name =
          type.getName() + "." + (member instanceof Constructor<?> ? "<init>" : member.getName());
      uses.computeIfAbsent(name, k -> new LinkedHashSet<>()).addAll(named);
    }
    return uses;
  }

  private static void collect(Type type, Set<Class<?>> into) {
    collect(type, into, new HashSet<>());
  }

  private static void collect(Type type, Set<Class<?>> into, Set<Type> seen) {
    if (type == null || !seen.add(type)) {
      return;
    }
    if (type instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      if (!c.isPrimitive()) {
        into.add(c);
      }
    } else if (type instanceof ParameterizedType p) {
      collect(p.getRawType(), into, seen);
      collect(p.getOwnerType(), into, seen);
      for (Type a : p.getActualTypeArguments()) {
        collect(a, into, seen);
      }
    } else if (type instanceof WildcardType w) {
      Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds()))
          .forEach(t -> collect(t, into, seen));
    } else if (type instanceof TypeVariable<?> v) {
      for (Type b : v.getBounds()) {
        collect(b, into, seen);
      }
    } else if (type instanceof GenericArrayType a) {
      collect(a.getGenericComponentType(), into, seen);
    }
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, PublicSurfaceTest.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError("cannot load " + name, e);
    }
  }

  /** The module of a class: its own if named, else the one on the paths that holds its package. */
  private static String moduleOf(Class<?> type) {
    if (type.getModule().isNamed()) {
      return type.getModule().getName();
    }
    return PACKAGES.getOrDefault(
        type.getPackageName(), "the class path (" + type.getPackageName() + ")");
  }

  /** Every module on this test's module path and class path, by name (the first of a name wins, as on a path). */
  private static Map<String, ModuleReference> findModules() {
    Map<String, ModuleReference> found = new HashMap<>();
    Set<String> entries = new LinkedHashSet<>();
    for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
      String value = System.getProperty(property);
      if (value != null && !value.isEmpty()) {
        entries.addAll(List.of(value.split(File.pathSeparator)));
      }
    }
    for (String entry : entries) {
      try {
        for (ModuleReference ref : ModuleFinder.of(Path.of(entry)).findAll()) {
          if (found.putIfAbsent(ref.descriptor().name(), ref) == null) {
            ref.descriptor()
                .packages()
                .forEach(p -> PACKAGES.putIfAbsent(p, ref.descriptor().name()));
          }
        }
      } catch (FindException e) {
        // Not a module and no name can be derived (a test-classes folder): nothing a library's
        // signature could name.
      }
    }
    return found;
  }
}
