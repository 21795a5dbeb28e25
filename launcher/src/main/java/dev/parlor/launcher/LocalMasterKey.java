package dev.parlor.launcher;

import dev.parlor.auth.keys.KeyCipher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * For local runs only: when PARLOR_AUTH_MASTER_KEY is not set, the launcher keeps a generated one
 * in {@code $PARLOR_DATA_DIR/auth-master-key} (mode 600), so signing keys stored in the local Redis
 * stay readable across restarts. Production sets PARLOR_AUTH_MASTER_KEY from a secret.
 */
final class LocalMasterKey {
  private LocalMasterKey() {
  }

  static String loadOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.US_ASCII).trim();
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    String key = KeyCipher.newMasterKey();
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, key + "\n", StandardCharsets.US_ASCII);
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return key;
  }
}
