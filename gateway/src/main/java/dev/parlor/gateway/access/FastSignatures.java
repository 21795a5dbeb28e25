package dev.parlor.gateway.access;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Signature checks for ES256 (P-256) and EdDSA (Ed25519) keys: natively ({@link NativeSignatures})
 * where that is available and allowed, else with BouncyCastle's lightweight API. On JDK 17 the
 * default provider's ECDSA and EdDSA verification each cost several times a whole WebSocket
 * admission; these cost a fraction of one (see docs/benchmarks.md). Keys are validated as curve
 * points with BouncyCastle either way. Only the signature is checked here; claims are checked by
 * {@link Claims}. RSA keys (external identity providers) go through vertx-auth-jwt, where the JDK
 * is fast.
 */
final class FastSignatures {
  private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
  private static final ECDomainParameters DOMAIN =
      new ECDomainParameters(P256.getCurve(), P256.getG(), P256.getN(), P256.getH());
  private static final Base64.Decoder B64URL = Base64.getUrlDecoder();

  private FastSignatures() {
  }

  /** One public key's check of a JWS signature over the signing input. */
  interface Verifier {
    String alg();

    boolean verify(byte[] signingInput, byte[] signature);
  }

  /** The verifier for an EC P-256 or OKP Ed25519 JWK, or null for any other or an invalid key. */
  static Verifier forJwk(JsonObject jwk, boolean nativeChecks) {
    try {
      String kty = jwk.getString("kty");
      if ("EC".equals(kty) && "P-256".equals(jwk.getString("crv"))
          && (jwk.getString("alg") == null || "ES256".equals(jwk.getString("alg")))) {
        BigInteger x = new BigInteger(1, B64URL.decode(jwk.getString("x")));
        BigInteger y = new BigInteger(1, B64URL.decode(jwk.getString("y")));
        ECPoint q = P256.getCurve().validatePoint(x, y);
        Verifier fast = nativeChecks ? NativeSignatures.es256(x, y) : null;
        return fast != null ? fast : new Es256(new ECPublicKeyParameters(q, DOMAIN));
      }
      if ("OKP".equals(kty) && "Ed25519".equals(jwk.getString("crv"))
          && (jwk.getString("alg") == null || "EdDSA".equals(jwk.getString("alg")))) {
        byte[] pk = B64URL.decode(jwk.getString("x"));
        Ed25519.PublicPoint point = pk.length == Ed25519.PUBLIC_KEY_SIZE
            ? Ed25519.validatePublicKeyPartialExport(pk, 0) : null;
        if (point == null) {
          return null;
        }
        Verifier fast = nativeChecks ? NativeSignatures.ed25519(pk) : null;
        return fast != null ? fast : new EdDsa(point);
      }
    } catch (RuntimeException | GeneralSecurityException e) {
      return null;
    }
    return null;
  }

  /** Which implementation checks signatures when native checks are allowed. */
  static String backend(boolean nativeChecks) {
    return nativeChecks && NativeSignatures.available() ? "native (AWS-LC)" : "BouncyCastle";
  }

  private record Es256(ECPublicKeyParameters key) implements Verifier {
    @Override
    public String alg() {
      return "ES256";
    }

    @Override
    public boolean verify(byte[] signingInput, byte[] signature) {
      if (signature.length != 64) {
        return false;
      }
      BigInteger r = new BigInteger(1, java.util.Arrays.copyOfRange(signature, 0, 32));
      BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(signature, 32, 64));
      ECDSASigner signer = new ECDSASigner();
      signer.init(false, key);
      return signer.verifySignature(sha256(signingInput), r, s);
    }
  }

  /** The key decoded once (a point decompression saved per check). */
  private record EdDsa(Ed25519.PublicPoint publicKey) implements Verifier {
    @Override
    public String alg() {
      return "EdDSA";
    }

    @Override
    public boolean verify(byte[] signingInput, byte[] signature) {
      return signature.length == Ed25519.SIGNATURE_SIZE
          && Ed25519.verify(signature, 0, publicKey, signingInput, 0, signingInput.length);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
