package dev.parlor.auth.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals signing keys at rest with the master key (PARLOR_AUTH_MASTER_KEY, 32 bytes in base64):
 * AES-256-GCM with a random 96-bit nonce; the key id is bound as associated data, so a sealed key
 * cannot be moved under another id. Output: base64(nonce || ciphertext || tag).
 */
public final class KeyCipher {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final SecretKeySpec key;

  public KeyCipher(byte[] masterKey) {
    if (masterKey.length != 32) {
      throw new IllegalArgumentException("the master key must be 32 bytes, got " + masterKey.length);
    }
    this.key = new SecretKeySpec(masterKey.clone(), "AES");
  }

  /** From the configured base64 text; an exception that names the variable if it is not usable. */
  public static KeyCipher fromBase64(String text) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("PARLOR_AUTH_MASTER_KEY must be base64 (32 random bytes), e.g. from "
          + "'openssl rand -base64 32'");
    }
    if (raw.length != 32) {
      throw new IllegalArgumentException("PARLOR_AUTH_MASTER_KEY must decode to 32 bytes, got " + raw.length);
    }
    return new KeyCipher(raw);
  }

  public static String newMasterKey() {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    return Base64.getEncoder().encodeToString(raw);
  }

  public String seal(String kid, byte[] plain) {
    try {
      byte[] nonce = new byte[12];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      c.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
      byte[] ct = c.doFinal(plain);
      byte[] out = Arrays.copyOf(nonce, 12 + ct.length);
      System.arraycopy(ct, 0, out, 12, ct.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot seal key " + kid, e);
    }
  }

  /** The plain bytes; an exception when the master key is wrong or the data was altered. */
  public byte[] open(String kid, String sealed) {
    try {
      byte[] in = Base64.getDecoder().decode(sealed);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, 12));
      c.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
      return c.doFinal(in, 12, in.length - 12);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot open key " + kid + ": wrong PARLOR_AUTH_MASTER_KEY or altered data");
    }
  }
}
