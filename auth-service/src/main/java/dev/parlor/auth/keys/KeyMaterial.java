package dev.parlor.auth.keys;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;

/**
 * New signing keys as JWKs: the public JWK for JWKS, the private JWK for signing. EdDSA (Ed25519,
 * RFC 8037) by default: the gateway checks it in about three quarters of an ES256 check's time
 * (docs/benchmarks.md); ES256 (ECDSA P-256) on request.
 */
public final class KeyMaterial {
  public static final String EDDSA = "EdDSA";
  public static final String ES256 = "ES256";
  public static final Set<String> ALGORITHMS = Set.of(EDDSA, ES256);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  /** The length of the DER prefix before the 32 raw key bytes of an Ed25519 SPKI (RFC 8410). */
  private static final int ED25519_SPKI_PREFIX = 12;
  /** The length of the DER prefix before the 32-byte seed of an Ed25519 PKCS#8 key (RFC 8410). */
  private static final int ED25519_PKCS8_PREFIX = 16;

  private KeyMaterial() {
  }

  /** A fresh key for the algorithm, sealed with the cipher, active from the given instant. */
  public static StoredKey generate(KeyCipher cipher, long now, long activeFrom, String alg) {
    byte[] id = new byte[12];
    RANDOM.nextBytes(id);
    String kid = B64URL.encodeToString(id);
    JsonObject publicJwk = new JsonObject().put("alg", alg).put("use", "sig").put("kid", kid);
    byte[] d;
    try {
      if (EDDSA.equals(alg)) {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        publicJwk.put("kty", "OKP").put("crv", "Ed25519")
            .put("x", B64URL.encodeToString(tail(pair.getPublic().getEncoded(), ED25519_SPKI_PREFIX)));
        d = tail(pair.getPrivate().getEncoded(), ED25519_PKCS8_PREFIX);
      } else if (ES256.equals(alg)) {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        KeyPair pair = gen.generateKeyPair();
        ECPublicKey pub = (ECPublicKey) pair.getPublic();
        publicJwk.put("kty", "EC").put("crv", "P-256")
            .put("x", B64URL.encodeToString(fixed(pub.getW().getAffineX())))
            .put("y", B64URL.encodeToString(fixed(pub.getW().getAffineY())));
        d = fixed(((ECPrivateKey) pair.getPrivate()).getS());
      } else {
        throw new IllegalArgumentException("no signing keys for algorithm " + alg);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an " + alg + " key", e);
    }
    byte[] sealed = B64URL.encodeToString(d).getBytes(StandardCharsets.US_ASCII);
    return new StoredKey(kid, alg, now, activeFrom, publicJwk, cipher.seal(kid, sealed));
  }

  /** The private JWK (public JWK plus d) for signing. */
  public static JsonObject privateJwk(KeyCipher cipher, StoredKey key) {
    String d = new String(cipher.open(key.kid(), key.sealedPrivate()), StandardCharsets.US_ASCII);
    return key.publicJwk().copy().put("d", d);
  }

  /** The 32 bytes after a fixed DER prefix (the JDK's encodings of Ed25519 keys). */
  private static byte[] tail(byte[] encoded, int prefix) {
    if (encoded.length != prefix + 32) {
      throw new IllegalStateException("unexpected Ed25519 key encoding of " + encoded.length + " bytes");
    }
    return Arrays.copyOfRange(encoded, prefix, encoded.length);
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
