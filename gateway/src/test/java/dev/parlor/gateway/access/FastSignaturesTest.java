package dev.parlor.gateway.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FastSignaturesTest {
  static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  static byte[] fixed(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[32];
    if (raw.length > 32) {
      return Arrays.copyOfRange(raw, raw.length - 32, raw.length);
    }
    System.arraycopy(raw, 0, out, 32 - raw.length, raw.length);
    return out;
  }

  @Test
  void nativeChecksLoadOnLinux() {
    // The gateway ships the native library for Linux on x86-64 and arm64: a broken packaging fails here.
    assumeTrue(System.getProperty("os.name").startsWith("Linux"));
    assertTrue(NativeSignatures.available(), "native signature checks should load on Linux");
    assertEquals("native (AWS-LC)", FastSignatures.backend(true));
    assertEquals("BouncyCastle", FastSignatures.backend(false));
  }

  @ParameterizedTest(name = "native checks {0}")
  @ValueSource(booleans = {true, false})
  void es256SignaturesOfTheJdkVerifyAndAlteredOnesDoNot(boolean nativeChecks) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    ECPublicKey pub = (ECPublicKey) kp.getPublic();
    JsonObject jwk = new JsonObject().put("kty", "EC").put("crv", "P-256").put("kid", "k")
        .put("x", B64.encodeToString(fixed(pub.getW().getAffineX())))
        .put("y", B64.encodeToString(fixed(pub.getW().getAffineY())));
    byte[] input = "header.payload".getBytes(StandardCharsets.US_ASCII);
    Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
    s.initSign(kp.getPrivate());
    s.update(input);
    byte[] sig = s.sign();
    FastSignatures.Verifier v = FastSignatures.forJwk(jwk, nativeChecks);
    assertNotNull(v);
    assertEquals("ES256", v.alg());
    assertTrue(v.verify(input, sig));
    assertFalse(v.verify("header.payloaD".getBytes(StandardCharsets.US_ASCII), sig));
    sig[5] ^= 1;
    assertFalse(v.verify(input, sig));
    assertFalse(v.verify(input, new byte[64]));
    assertFalse(v.verify(input, new byte[10]));
    byte[] highS = withHugeS(sig);
    assertFalse(v.verify(input, highS), "an s outside the group order is refused");
  }

  /** The signature with s replaced by 2^256 - 1 (not below the group order). */
  static byte[] withHugeS(byte[] sig) {
    byte[] out = sig.clone();
    Arrays.fill(out, 32, 64, (byte) 0xff);
    return out;
  }

  @ParameterizedTest(name = "native checks {0}")
  @ValueSource(booleans = {true, false})
  void ed25519SignaturesOfTheJdkVerifyAndAlteredOnesDoNot(boolean nativeChecks) throws Exception {
    KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] spki = kp.getPublic().getEncoded();
    byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    JsonObject jwk = new JsonObject().put("kty", "OKP").put("crv", "Ed25519").put("x", B64.encodeToString(raw));
    byte[] input = "a.b".getBytes(StandardCharsets.US_ASCII);
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(kp.getPrivate());
    s.update(input);
    byte[] sig = s.sign();
    FastSignatures.Verifier v = FastSignatures.forJwk(jwk, nativeChecks);
    assertEquals("EdDSA", v.alg());
    assertTrue(v.verify(input, sig));
    assertFalse(v.verify("a.c".getBytes(StandardCharsets.US_ASCII), sig));
    assertFalse(v.verify(input, new byte[64]));
    assertFalse(v.verify(input, Arrays.copyOf(sig, 63)));
    sig[0] ^= 1;
    assertFalse(v.verify(input, sig));
    sig[0] ^= 1;
    sig[63] |= (byte) 0xf0; // S no longer below the group order: malleated signatures are refused
    assertFalse(v.verify(input, sig));
  }

  @ParameterizedTest(name = "native checks {0}")
  @ValueSource(booleans = {true, false})
  void otherOrBrokenKeysGetNoFastVerifier(boolean nativeChecks) {
    assertNull(FastSignatures.forJwk(new JsonObject().put("kty", "RSA").put("n", "AQAB").put("e", "AQAB"), nativeChecks));
    assertNull(FastSignatures.forJwk(new JsonObject().put("kty", "oct").put("k", "c2VjcmV0"), nativeChecks));
    assertNull(FastSignatures.forJwk(new JsonObject().put("kty", "EC").put("crv", "P-256").put("x", "AA").put("y", "AA"),
        nativeChecks), "a point off the curve");
    assertNull(FastSignatures.forJwk(new JsonObject().put("kty", "EC").put("crv", "P-384").put("x", "AA").put("y", "AA"),
        nativeChecks));
    // y = 2 has no x on Ed25519 (2^2 - 1 over 121666/121665 * 2^2 + 1 is not a square mod p)
    byte[] offCurve = new byte[32];
    offCurve[0] = 2;
    assertNull(FastSignatures.forJwk(new JsonObject().put("kty", "OKP").put("crv", "Ed25519")
        .put("x", B64.encodeToString(offCurve)), nativeChecks), "an Ed25519 key that is no curve point");
    assertNull(FastSignatures.forJwk(new JsonObject().put("kty", "OKP").put("crv", "Ed25519").put("x", "AAAA"),
        nativeChecks), "a short Ed25519 key");
  }

  @Test
  void claimsFollowTheLeeway() {
    JsonObject c = new JsonObject().put("iss", "parlor").put("aud", "parlor").put("exp", 1000).put("nbf", 900)
        .put("iat", 900);
    assertNull(Claims.problem(c, "parlor", "parlor", 5, 950));
    assertNull(Claims.problem(c, "parlor", "parlor", 5, 1004));
    assertEquals("token expired", Claims.problem(c, "parlor", "parlor", 5, 1005));
    assertEquals("token not valid yet", Claims.problem(c, "parlor", "parlor", 5, 894));
    assertNull(Claims.problem(c, "parlor", "parlor", 5, 895));
    assertEquals("wrong issuer", Claims.problem(c, "other", "parlor", 5, 950));
    assertEquals("wrong audience", Claims.problem(c, "parlor", "app", 5, 950));
    assertNull(Claims.problem(c.copy().put("aud", new io.vertx.core.json.JsonArray().add("x").add("app")),
        "parlor", "app", 5, 950));
  }
}
