package dev.parlor.gateway.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void es256SignaturesOfTheJdkVerifyAndAlteredOnesDoNot() throws Exception {
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
    FastSignatures.Verifier v = FastSignatures.forJwk(jwk);
    assertNotNull(v);
    assertEquals("ES256", v.alg());
    assertTrue(v.verify(input, sig));
    assertFalse(v.verify("header.payloaD".getBytes(StandardCharsets.US_ASCII), sig));
    sig[5] ^= 1;
    assertFalse(v.verify(input, sig));
    assertFalse(v.verify(input, new byte[64]));
    assertFalse(v.verify(input, new byte[10]));
  }

  @Test
  void ed25519SignaturesOfTheJdkVerify() throws Exception {
    KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] spki = kp.getPublic().getEncoded();
    byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    JsonObject jwk = new JsonObject().put("kty", "OKP").put("crv", "Ed25519").put("x", B64.encodeToString(raw));
    byte[] input = "a.b".getBytes(StandardCharsets.US_ASCII);
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(kp.getPrivate());
    s.update(input);
    byte[] sig = s.sign();
    FastSignatures.Verifier v = FastSignatures.forJwk(jwk);
    assertEquals("EdDSA", v.alg());
    assertTrue(v.verify(input, sig));
    sig[0] ^= 1;
    assertFalse(v.verify(input, sig));
  }

  @Test
  void otherOrBrokenKeysGetNoFastVerifier() {
    assertNull(FastSignatures.forJwk(new JsonObject().put("kty", "RSA").put("n", "AQAB").put("e", "AQAB")));
    assertNull(FastSignatures.forJwk(new JsonObject().put("kty", "oct").put("k", "c2VjcmV0")));
    assertNull(FastSignatures.forJwk(new JsonObject().put("kty", "EC").put("crv", "P-256").put("x", "AA").put("y", "AA")),
        "a point off the curve");
    assertNull(FastSignatures.forJwk(new JsonObject().put("kty", "EC").put("crv", "P-384").put("x", "AA").put("y", "AA")));
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
