package org.openred.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A node's files are its users' data: the data directory is 0700 and what is in it 0600, so other
 * local accounts read nothing. New ones are made so; looser ones found at start are tightened (the
 * files are this node's own) with a warning naming them. Blocking file I/O: call it off the event loops.
 */
public final class PrivateFiles {
  private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
  private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {
  }

  /** Creates the directory (0700) if it is missing; tightens it to 0700 if it is open to others. */
  public static void directory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir.toAbsolutePath().getParent());
      try {
        Files.createDirectory(dir, posix(dir.toAbsolutePath().getParent())
            ? new java.nio.file.attribute.FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIRECTORY)}
            : new java.nio.file.attribute.FileAttribute<?>[0]);
      } catch (FileAlreadyExistsException raced) {
        // another process made it meanwhile: checked below like any existing directory
      }
    }
    tighten(dir, DIRECTORY);
  }

  /** Creates an empty owner-only file if it is missing; tightens an existing one that others can read. */
  public static void file(Path file) throws IOException {
    if (!Files.exists(file)) {
      try {
        Files.createFile(file, posix(file.toAbsolutePath().getParent())
            ? new java.nio.file.attribute.FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
            : new java.nio.file.attribute.FileAttribute<?>[0]);
        return;
      } catch (FileAlreadyExistsException raced) {
        // checked below
      }
    }
    tighten(file, FILE);
  }

  /** Tightens an existing file; a missing one is left missing. */
  public static void existingFile(Path file) throws IOException {
    if (Files.exists(file)) {
      tighten(file, FILE);
    }
  }

  private static void tighten(Path path, Set<PosixFilePermission> wanted) throws IOException {
    if (!posix(path)) {
      return;
    }
    Set<PosixFilePermission> found = Files.getPosixFilePermissions(path);
    if (!wanted.containsAll(found)) {
      Files.setPosixFilePermissions(path, wanted);
      LOG.warn("{} was readable by other local users ({}): set to {}", path, PosixFilePermissions.toString(found),
          PosixFilePermissions.toString(wanted));
    }
  }

  private static boolean posix(Path path) throws IOException {
    return Files.getFileStore(path).supportsFileAttributeView(PosixFileAttributeView.class);
  }
}
