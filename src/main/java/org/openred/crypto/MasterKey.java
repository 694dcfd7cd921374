package org.openred.crypto;

import org.openred.config.OpenRedConfig;
import org.openred.config.Option;
import org.openred.config.StartupFailure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/**
 * The at-rest master key (PROTOCOL.md section 9): derived with HKDF from a secret that is either
 * {@code OPENRED_MASTER_KEY} or the file {@code master.key} in the data directory, made on first
 * start with mode 0600. Blocking (file I/O): call it from a worker.
 */
final class MasterKey {
  static final String FILE_NAME = "master.key";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private MasterKey() {
  }

  static byte[] load(OpenRedConfig config, SecureRandom random) {
    byte[] secret = config.masterKeySecret().orElseGet(() -> readOrCreate(config.dataDir().resolve(FILE_NAME), random));
    return Hkdf.sha256(secret, "openred/v1".getBytes(StandardCharsets.UTF_8), "openred/v1/at-rest-master-key", 32);
  }

  /** A fresh secret in the form {@code OPENRED_MASTER_KEY} and {@code master.key} take. */
  static String newSecret(SecureRandom random) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    return B64u.encode(secret);
  }

  private static byte[] readOrCreate(Path file, SecureRandom random) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      if (!Files.exists(file)) {
        create(file, random);
      }
      checkOwnerOnly(file);
      return B64u.decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
    } catch (IOException e) {
      throw new StartupFailure("cannot read or create the master key secret " + file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new StartupFailure(file + " is not a master key secret (base64url): " + e.getMessage());
    }
  }

  /** Writes a temporary owner-only file and moves it into place, so nobody ever reads a half-written secret. */
  private static void create(Path file, SecureRandom random) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    boolean posix = Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
    Path temp = posix
        ? Files.createTempFile(dir, FILE_NAME, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
        : Files.createTempFile(dir, FILE_NAME, ".tmp");
    try {
      Files.writeString(temp, newSecret(random) + "\n", StandardCharsets.US_ASCII);
      Files.move(temp, file);
    } catch (FileAlreadyExistsException raced) {
      // another process sharing this data directory made it first: use theirs
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void checkOwnerOnly(Path file) throws IOException {
    if (!Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
      return;
    }
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
    if (!OWNER_ONLY.containsAll(permissions)) {
      throw new StartupFailure(file + " is readable by others (" + PosixFilePermissions.toString(permissions)
          + "): run 'chmod 600 " + file + "', or give the secret in " + Option.MASTER_KEY.envName());
    }
  }
}
