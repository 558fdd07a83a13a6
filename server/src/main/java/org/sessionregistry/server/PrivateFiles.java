package org.sessionregistry.server;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The server's own files are its owner's alone: the data directory 0700, the users file (password hashes) and the H2
 * database (sessions) 0600, whatever the umask. A no-op where the file system has no POSIX permissions.
 */
final class PrivateFiles {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private PrivateFiles() {}

  /** Creates {@code dir} (and its missing parents) if missing, the directory itself 0700. */
  static void directory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (POSIX) {
      Files.createDirectory(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectory(dir);
    }
  }

  /** Makes an existing file 0600. */
  static void file(Path file) throws IOException {
    if (POSIX && Files.isRegularFile(file)) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }
}
