package dev.parlor.gateway.access;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ES256 and Ed25519 signature checks in native code: AWS-LC through Amazon Corretto Crypto Provider
 * (ACCP), asked for by object and never installed as a JCA provider. On the gateway's hot path it
 * costs about half of BouncyCastle's Java (docs/benchmarks.md). It is used only when its library
 * loads on this platform and it passes a known-answer check at start (a good signature verifies, an
 * altered one does not); otherwise {@link #available()} is false and BouncyCastle checks everything.
 */
final class NativeSignatures {
  private static final Logger log = LoggerFactory.getLogger(NativeSignatures.class);
  /** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw 32-byte key follows. */
  private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03,
      0x21, 0x00};
  private static final Provider PROVIDER = load();

  private NativeSignatures() {
  }

  static boolean available() {
    return PROVIDER != null;
  }

  /** A native ES256 check for a point already validated on P-256; null when native checks are off. */
  static FastSignatures.Verifier es256(BigInteger x, BigInteger y) throws GeneralSecurityException {
    return PROVIDER == null ? null : es256(PROVIDER, x, y);
  }

  /** A native Ed25519 check for a key already validated as a curve point; null when native checks are off. */
  static FastSignatures.Verifier ed25519(byte[] rawPublicKey) throws GeneralSecurityException {
    return PROVIDER == null ? null : ed25519(PROVIDER, rawPublicKey);
  }

  private static FastSignatures.Verifier es256(Provider provider, BigInteger x, BigInteger y)
      throws GeneralSecurityException {
    AlgorithmParameters p256 = AlgorithmParameters.getInstance("EC");
    p256.init(new ECGenParameterSpec("secp256r1"));
    PublicKey key = KeyFactory.getInstance("EC", provider)
        .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), p256.getParameterSpec(ECParameterSpec.class)));
    return new JcaVerifier("ES256", "SHA256withECDSAinP1363Format", key, provider);
  }

  private static FastSignatures.Verifier ed25519(Provider provider, byte[] rawPublicKey)
      throws GeneralSecurityException {
    byte[] spki = new byte[ED25519_SPKI_PREFIX.length + Ed25519.PUBLIC_KEY_SIZE];
    System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
    System.arraycopy(rawPublicKey, 0, spki, ED25519_SPKI_PREFIX.length, Ed25519.PUBLIC_KEY_SIZE);
    // ACCP has no Ed25519 key factory; its Ed25519 signature takes the JDK's key.
    PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    return new JcaVerifier("EdDSA", "Ed25519", key, provider);
  }

  /** One public key's check through the provider; a Signature is cheap and not thread-safe, so one per call. */
  private record JcaVerifier(String alg, String jcaName, PublicKey key, Provider provider)
      implements FastSignatures.Verifier {
    @Override
    public boolean verify(byte[] signingInput, byte[] signature) {
      if (signature.length != 64) {
        return false;
      }
      try {
        Signature s = Signature.getInstance(jcaName, provider);
        s.initVerify(key);
        s.update(signingInput);
        return s.verify(signature);
      } catch (GeneralSecurityException | RuntimeException e) {
        return false;
      }
    }
  }

  private static Provider load() {
    try {
      AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
      if (accp.getLoadingError() != null) {
        log.info("native signature checks unavailable, using BouncyCastle: {}", accp.getLoadingError().toString());
        return null;
      }
      if (!knownAnswers(accp)) {
        log.warn("native signature checks failed their known-answer check, using BouncyCastle");
        return null;
      }
      log.atInfo().addKeyValue("provider", accp.getVersionStr()).addKeyValue("awsLc", accp.getAwsLcVersionStr())
          .log("native signature checks on");
      return accp;
    } catch (Throwable t) { // a missing or foreign native library surfaces as a LinkageError
      log.info("native signature checks unavailable, using BouncyCastle: {}", t.toString());
      return null;
    }
  }

  /** A signature made by the JDK (ES256) or BouncyCastle (Ed25519) verifies natively, an altered one does not. */
  private static boolean knownAnswers(Provider accp) throws GeneralSecurityException {
    byte[] input = "parlor.known-answer".getBytes(StandardCharsets.US_ASCII);
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = ec.generateKeyPair();
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    signer.initSign(pair.getPrivate());
    signer.update(input);
    ECPoint w = ((ECPublicKey) pair.getPublic()).getW();
    boolean es256 = answers(es256(accp, w.getAffineX(), w.getAffineY()), input, signer.sign());

    byte[] secret = new byte[Ed25519.SECRET_KEY_SIZE];
    new SecureRandom().nextBytes(secret);
    byte[] raw = new byte[Ed25519.PUBLIC_KEY_SIZE];
    Ed25519.generatePublicKey(secret, 0, raw, 0);
    byte[] edSignature = new byte[Ed25519.SIGNATURE_SIZE];
    Ed25519.sign(secret, 0, input, 0, input.length, edSignature, 0);
    return es256 && answers(ed25519(accp, raw), input, edSignature);
  }

  private static boolean answers(FastSignatures.Verifier v, byte[] input, byte[] signature) {
    byte[] altered = signature.clone();
    altered[7] ^= 1;
    return v.verify(input, signature) && !v.verify(input, altered);
  }
}
