package dev.parlor.auth.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The application backends' secret keys (PARLOR_APP_KEYS, several at once so they can be rotated),
 * checked against {@code Authorization: Bearer <key>} in constant time (on SHA-256 digests, so
 * neither content nor length leaks through timing).
 */
public final class AppKeys {
  private final List<byte[]> digests;

  public AppKeys(List<String> keys) {
    this.digests = keys.stream().map(AppKeys::digest).toList();
  }

  public boolean configured() {
    return !digests.isEmpty();
  }

  /** Whether the Authorization header carries one of the keys. */
  public boolean accepts(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] d = digest(authorization.substring(7).trim());
    boolean ok = false;
    for (byte[] k : digests) {
      ok |= MessageDigest.isEqual(k, d);
    }
    return ok;
  }

  private static byte[] digest(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
