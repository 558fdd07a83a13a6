package org.sessionregistry.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.Ids;
import org.sessionregistry.Session;
import org.sessionregistry.UserCredentials;
import org.sessionregistry.UserRoles;
import org.sessionregistry.http.LoginUser;
import org.sessionregistry.http.LoginVerifier;
import org.sessionregistry.http.UserDirectory;

/**
 * The server's users, in a JSON file, with salted, slow password hashes:
 *
 * <pre>{@code
 * {
 *   "version": 1,
 *   "users": [
 *     {"id": "<26 characters>", "username": "admin", "email": "admin@example.com",
 *      "roles": "system_admin system_user",
 *      "password": "pbkdf2-sha256$210000$<salt, base64>$<hash, base64>",
 *      "password_changed_at": 1764583200000}
 *   ]
 * }
 * }</pre>
 *
 * PBKDF2 with HMAC-SHA256, 210,000 iterations (OWASP's 2023 figure), a 16-byte random salt, a 32-byte hash. Logins
 * match the username or the email, case-insensitively. The file is rewritten atomically (a temporary file moved in
 * place), and re-read when it changes (its modification time, size or identity), so {@code user set} and
 * {@code user delete} take effect on a running server at once. As {@link UserCredentials}: a user's sessions from
 * before its password last changed ({@code password_changed_at}, epoch ms; a file without it counts as never changed)
 * are dead, and so are those of a user no longer in the file.
 *
 * <p>Thread-safe.
 */
public final class UsersFile implements LoginVerifier, UserRoles, UserCredentials, UserDirectory {
  static final int ITERATIONS = 210_000;
  private static final String SCHEME = "pbkdf2-sha256";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path path;
  private volatile Snapshot snapshot;

  /** Hashed for unknown logins, so that they take as long as a wrong password. */
  private final String decoy = hash("decoy password".toCharArray());

  private UsersFile(Path path, Snapshot snapshot) {
    this.path = path;
    this.snapshot = snapshot;
  }

  /**
   * Opens an existing users file.
   *
   * @throws IllegalArgumentException if it is missing or not a users file (the message says which)
   */
  public static UsersFile open(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("users file " + path + " does not exist");
    }
    return new UsersFile(path, read(path));
  }

  /** A new users file with the given demo users; each gets a random password, returned once. */
  public static Map<String, String> createWithDemoUsers(
      Path path, Map<String, String> rolesByUsername) {
    Map<String, String> passwords = new java.util.LinkedHashMap<>();
    List<Entry> users = new ArrayList<>();
    rolesByUsername.forEach(
        (username, roles) -> {
          String password = Ids.newId().substring(0, 16);
          passwords.put(username, password);
          users.add(
              new Entry(
                  Ids.newId(),
                  username,
                  username + "@example.com",
                  roles,
                  hash(password.toCharArray()),
                  System.currentTimeMillis()));
        });
    write(path, users);
    return passwords;
  }

  /** What {@link #setUser} did. */
  record Change(String userId, boolean passwordChanged) {}

  /**
   * Adds a user or changes one (by username): its roles, email and password. The id of an existing user is kept. A
   * new password (not the one it had) ends the user's sessions from before: see {@link #validSince}.
   */
  public Change setUser(
      String username, @Nullable String email, @Nullable String roles, char[] password) {
    if (username == null || !username.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(
          "username must be 1 to 64 letters, digits, '.', '_' or '-', was "
              + (username == null ? "null" : '"' + username + '"'));
    }
    if (password.length < 8) {
      throw new IllegalArgumentException("password must be at least 8 characters");
    }
    if (roles != null
        && (roles.isBlank()
            || roles.length() > Session.MAX_ROLES_LENGTH
            || Arrays.stream(roles.strip().split(" +"))
                .anyMatch(r -> r.length() > Session.MAX_ROLE_LENGTH))) {
      throw new IllegalArgumentException(
          "roles must be 1 to "
              + Session.MAX_ROLES_LENGTH
              + " characters of role names"
              + " separated by spaces, each at most "
              + Session.MAX_ROLE_LENGTH
              + " characters, was \""
              + roles
              + "\"");
    }
    synchronized (UsersFile.class) {
      List<Entry> users = new ArrayList<>(read(path).users);
      Entry existing =
          users.stream()
              .filter(u -> u.username.equalsIgnoreCase(username))
              .findFirst()
              .orElse(null);
      users.remove(existing);
      boolean samePassword = existing != null && matches(password, existing.password);
      Entry updated =
          new Entry(
              existing != null ? existing.id : Ids.newId(),
              username,
              email != null ? email : existing != null ? existing.email : "",
              roles != null ? roles : existing != null ? existing.roles : "system_user",
              samePassword ? existing.password : hash(password),
              // A millisecond ahead: a session made in the same millisecond as the change, before
              // it, must not survive.
              samePassword
                  ? existing.passwordChangedAt
                  : Long.valueOf(System.currentTimeMillis() + 1));
      users.add(updated);
      write(path, users);
      snapshot = read(path);
      return new Change(updated.id, existing != null && !samePassword);
    }
  }

  /**
   * Removes a user (by username, any case): its sessions are dead from now on, wherever this file is read.
   *
   * @return the removed user's id
   * @throws IllegalArgumentException if there is no such user
   */
  public String deleteUser(String username) {
    synchronized (UsersFile.class) {
      List<Entry> users = new ArrayList<>(read(path).users);
      Entry existing =
          users.stream()
              .filter(u -> u.username.equalsIgnoreCase(username))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException("there is no user " + username + " in " + path));
      users.remove(existing);
      write(path, users);
      snapshot = read(path);
      return existing.id;
    }
  }

  /** Since the user's password last changed; null for a user not in the file. */
  @Override
  public @Nullable Instant validSince(String userId) {
    Entry user = current().byId.get(userId);
    if (user == null) {
      return null;
    }
    return user.passwordChangedAt == null
        ? Instant.EPOCH
        : Instant.ofEpochMilli(user.passwordChangedAt);
  }

  /** The users, without their password hashes. */
  public List<LoginUser> users() {
    return current().users.stream().map(Entry::toLoginUser).toList();
  }

  @Override
  public Optional<LoginUser> verify(String loginId, String password) {
    Entry user = current().byLogin.get(loginId.toLowerCase(Locale.ROOT));
    boolean matches = matches(password.toCharArray(), user != null ? user.password : decoy);
    return user != null && matches ? Optional.of(user.toLoginUser()) : Optional.empty();
  }

  /** The user a username or email names, without a password check: failed logins count per user. */
  @Override
  public Optional<String> userIdOf(String loginId) {
    Entry user = current().byLogin.get(loginId.toLowerCase(Locale.ROOT));
    return user == null ? Optional.empty() : Optional.of(user.id);
  }

  @Override
  public Optional<LoginUser> findById(String userId) {
    return Optional.ofNullable(current().byId.get(userId)).map(Entry::toLoginUser);
  }

  @Override
  public Optional<LoginUser> findByLoginId(String loginId) {
    return Optional.ofNullable(current().byLogin.get(loginId.toLowerCase(Locale.ROOT)))
        .map(Entry::toLoginUser);
  }

  @Override
  public @Nullable Set<String> rolesOf(String userId) {
    Entry user = current().byId.get(userId);
    return user == null ? null : user.roleSet();
  }

  /**
   * The users as the file has them now. Its attributes are compared on every call (cheap); its contents, by digest,
   * at most once a second, so that an edit none of the attributes shows (same size, within the clock's resolution,
   * in place) is seen within a second.
   */
  private Snapshot current() {
    Snapshot s = snapshot;
    try {
      boolean changed = !Version.of(path).equals(s.version);
      long now = System.nanoTime();
      if (!changed && now - s.contentCheckedAt > 1_000_000_000L) {
        s.contentCheckedAt = now;
        changed = !Arrays.equals(digest(Files.readAllBytes(path)), s.digest);
      }
      if (changed) {
        snapshot = s = read(path);
      }
    } catch (IOException | RuntimeException e) {
      // Keep serving the last good users if the file is being replaced or was damaged, and say so.
      System.getLogger(UsersFile.class.getName())
          .log(
              System.Logger.Level.WARNING,
              "users file "
                  + path
                  + " could not be re-read; still using the users read before: "
                  + e.getMessage());
    }
    return s;
  }

  static String hash(char[] password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    byte[] hash = pbkdf2(password, salt, ITERATIONS);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return SCHEME
        + "$"
        + ITERATIONS
        + "$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(hash);
  }

  static boolean matches(char[] password, String stored) {
    String[] parts = stored.split("\\$");
    if (parts.length != 4 || !parts[0].equals(SCHEME)) {
      return false;
    }
    Base64.Decoder b64 = Base64.getDecoder();
    byte[] expected = b64.decode(parts[3]);
    byte[] actual = pbkdf2(password, b64.decode(parts[2]), Integer.parseInt(parts[1]));
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
    try {
      KeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
    }
  }

  private static Snapshot read(Path path) {
    try {
      Version version = Version.of(path);
      byte[] bytes = Files.readAllBytes(path);
      Document doc = JSON.readValue(bytes, Document.class);
      if (doc.version != 1 || doc.users == null) {
        throw new IllegalArgumentException("users file " + path + " is not a version 1 users file");
      }
      return new Snapshot(List.copyOf(doc.users), version, digest(bytes));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "users file " + path + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static void write(Path path, List<Entry> users) {
    Path tmp = null;
    try {
      Path dir = path.toAbsolutePath().getParent();
      PrivateFiles.directory(dir);
      tmp =
          Files.createTempFile(
              dir, ".users", ".tmp"); // 0600: Java makes temporary files its owner's
      Document doc = new Document();
      doc.version = 1;
      doc.users = users;
      // On disk before it replaces the old file: a crash must not leave an empty users file.
      try (FileChannel channel =
          FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        channel.write(
            ByteBuffer.wrap(JSON.writeValueAsString(doc).getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
      }
      try {
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException ignored) {
        // Not every platform can sync a directory.
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write users file " + path, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // Best effort.
        }
      }
    }
  }

  /**
   * Which file was read: a change of modification time, status-change time (where there is one: any write, rename
   * or chmod moves it), size or identity (a file moved in place, as {@link #write} does) means it changed.
   */
  private record Version(
      FileTime modified, @Nullable Object changed, long size, @Nullable Object fileKey) {
    static Version of(Path path) throws IOException {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      Object ctime = null;
      try {
        ctime = Files.getAttribute(path, "unix:ctime");
      } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
        // Content digests catch what the other attributes miss.
      }
      return new Version(a.lastModifiedTime(), ctime, a.size(), a.fileKey());
    }
  }

  private static byte[] digest(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** The file's contents, as read. */
  private static final class Snapshot {
    final List<Entry> users;
    final Map<String, Entry> byLogin = new HashMap<>();
    final Map<String, Entry> byId = new HashMap<>();
    final Version version;
    final byte[] digest;
    volatile long contentCheckedAt = System.nanoTime();

    Snapshot(List<Entry> users, Version version, byte[] digest) {
      this.users = users;
      this.version = version;
      this.digest = digest;
      for (Entry u : users) {
        byId.put(u.id, u);
        byLogin.put(u.username.toLowerCase(Locale.ROOT), u);
        if (u.email != null && !u.email.isEmpty()) {
          byLogin.putIfAbsent(u.email.toLowerCase(Locale.ROOT), u);
        }
      }
    }
  }

  /** The JSON document. */
  static final class Document {
    @JsonProperty("version")
    public int version;

    @JsonProperty("users")
    public List<Entry> users;
  }

  /** One user in the file. */
  record Entry(
      @JsonProperty("id") String id,
      @JsonProperty("username") String username,
      @JsonProperty("email") String email,
      @JsonProperty("roles") String roles,
      @JsonProperty("password") String password,
      @JsonProperty("password_changed_at") @Nullable Long passwordChangedAt) {

    LoginUser toLoginUser() {
      return new LoginUser(id, username, email == null ? "" : email, roleSet());
    }

    /** The file keeps Mattermost's form, the roles separated by spaces. */
    Set<String> roleSet() {
      return roles == null || roles.isBlank()
          ? Set.of()
          : Set.copyOf(Arrays.asList(roles.strip().split(" +")));
    }

    /** Never shows the password hash. */
    @Override
    public String toString() {
      return "User[" + username + ", " + id + ", " + roles + "]";
    }
  }
}
