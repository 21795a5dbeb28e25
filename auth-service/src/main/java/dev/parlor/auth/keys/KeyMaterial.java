package dev.parlor.auth.keys;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/** New ES256 (P-256) signing keys as JWKs: the public JWK for JWKS, the private JWK for signing. */
public final class KeyMaterial {
  public static final String ALG = "ES256";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private KeyMaterial() {
  }

  /** A fresh key, sealed with the cipher, active from the given instant. */
  public static StoredKey generate(KeyCipher cipher, long now, long activeFrom) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      KeyPair pair = gen.generateKeyPair();
      ECPublicKey pub = (ECPublicKey) pair.getPublic();
      ECPrivateKey priv = (ECPrivateKey) pair.getPrivate();
      byte[] id = new byte[12];
      RANDOM.nextBytes(id);
      String kid = B64URL.encodeToString(id);
      JsonObject publicJwk = new JsonObject().put("kty", "EC").put("crv", "P-256").put("alg", ALG).put("use", "sig")
          .put("kid", kid)
          .put("x", B64URL.encodeToString(fixed(pub.getW().getAffineX())))
          .put("y", B64URL.encodeToString(fixed(pub.getW().getAffineY())));
      byte[] d = B64URL.encodeToString(fixed(priv.getS())).getBytes(StandardCharsets.US_ASCII);
      return new StoredKey(kid, ALG, now, activeFrom, publicJwk, cipher.seal(kid, d));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an ES256 key", e);
    }
  }

  /** The private JWK (public JWK plus d) for signing. */
  public static JsonObject privateJwk(KeyCipher cipher, StoredKey key) {
    String d = new String(cipher.open(key.kid(), key.sealedPrivate()), StandardCharsets.US_ASCII);
    return key.publicJwk().copy().put("d", d);
  }

  private static byte[] fixed(BigInteger v) {
    byte[] raw = v.toByteArray();
    if (raw.length == 32) {
      return raw;
    }
    byte[] out = new byte[32];
    if (raw.length > 32) {
      return Arrays.copyOfRange(raw, raw.length - 32, raw.length);
    }
    System.arraycopy(raw, 0, out, 32 - raw.length, raw.length);
    return out;
  }
}
