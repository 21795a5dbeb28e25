package dev.parlor.gateway.access;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
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
 * Signature checks for ES256 (P-256) and EdDSA (Ed25519) keys with BouncyCastle's lightweight API.
 * On JDK 17 the default provider's ECDSA verification costs several times a whole WebSocket
 * admission; these cost a fraction of one (see docs/benchmarks.md). Only the signature is checked
 * here; claims are checked by {@link Claims}. RSA keys (external identity providers) go through
 * vertx-auth-jwt, where the JDK is fast.
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

  /** The verifier for an EC P-256 or OKP Ed25519 JWK, or null for any other key. */
  static Verifier forJwk(JsonObject jwk) {
    try {
      String kty = jwk.getString("kty");
      if ("EC".equals(kty) && "P-256".equals(jwk.getString("crv"))
          && (jwk.getString("alg") == null || "ES256".equals(jwk.getString("alg")))) {
        BigInteger x = new BigInteger(1, B64URL.decode(jwk.getString("x")));
        BigInteger y = new BigInteger(1, B64URL.decode(jwk.getString("y")));
        ECPoint q = P256.getCurve().validatePoint(x, y);
        return new Es256(new ECPublicKeyParameters(q, DOMAIN));
      }
      if ("OKP".equals(kty) && "Ed25519".equals(jwk.getString("crv"))) {
        byte[] pk = B64URL.decode(jwk.getString("x"));
        return pk.length == Ed25519.PUBLIC_KEY_SIZE ? new EdDsa(pk) : null;
      }
    } catch (RuntimeException e) {
      return null;
    }
    return null;
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

  private record EdDsa(byte[] publicKey) implements Verifier {
    @Override
    public String alg() {
      return "EdDSA";
    }

    @Override
    public boolean verify(byte[] signingInput, byte[] signature) {
      return signature.length == Ed25519.SIGNATURE_SIZE
          && Ed25519.verify(signature, 0, publicKey, 0, signingInput, 0, signingInput.length);
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
