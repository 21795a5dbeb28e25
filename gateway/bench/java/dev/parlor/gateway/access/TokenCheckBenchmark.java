package dev.parlor.gateway.access;

import dev.parlor.auth.keys.KeyCipher;
import dev.parlor.auth.keys.KeyMaterial;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a never-seen token costs the gateway, per algorithm and signature backend: the signature
 * check alone, and the whole local check (shape, base64, JSON, claims, signature) with the
 * verified-token cache off. Tokens look like auth-service's (grants included). Run by
 * bench/token-check.sh; results in docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
public class TokenCheckBenchmark {
  static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  static final int TOKENS = 256;

  @Param({"EdDSA", "ES256"})
  public String alg;

  @Param({"native", "BouncyCastle"})
  public String backend;

  Vertx vertx;
  FastSignatures.Verifier verifier;
  TokenVerifier tokens;
  List<String> signed = new ArrayList<>();
  byte[][] inputs = new byte[TOKENS][];
  byte[][] signatures = new byte[TOKENS][];
  int next;

  @Setup
  public void setUp() throws Exception {
    vertx = Vertx.vertx();
    boolean nativeChecks = backend.equals("native");
    if (nativeChecks && !NativeSignatures.available()) {
      throw new IllegalStateException("native signature checks do not load here");
    }
    JsonObject privateJwk = privateJwk(alg);
    JsonObject publicJwk = privateJwk.copy();
    publicJwk.remove("d");
    verifier = FastSignatures.forJwk(publicJwk, nativeChecks);
    IssuerKeys keys = new IssuerKeys(vertx, "parlor",
        () -> Future.succeededFuture(new JsonObject().put("keys", new JsonArray().add(publicJwk))),
        new JWTOptions().setIssuer("parlor").setAudience(List.of("parlor")), 1000, nativeChecks);
    keys.refetch(true).await(10, TimeUnit.SECONDS);
    tokens = new TokenVerifier(Map.of("parlor", new TokenVerifier.Issuer("parlor", "parlor", true,
        Set.of("ES256", "EdDSA"), keys)), 4096, 30, 0);
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(privateJwk));
    long now = System.currentTimeMillis() / 1000;
    for (int i = 0; i < TOKENS; i++) {
      String token = signer.generateToken(new JsonObject().put("iss", "parlor").put("aud", "parlor")
          .put("sub", "bench-user-" + i).put("iat", now).put("nbf", now).put("exp", now + 3600)
          .put("jti", B64.encodeToString(("jti-" + i).getBytes(StandardCharsets.US_ASCII)))
          .put("rooms", new JsonObject().put("yjs/bench-*", "write")), new JWTOptions().setAlgorithm(alg));
      signed.add(token);
      int dot = token.lastIndexOf('.');
      inputs[i] = token.substring(0, dot).getBytes(StandardCharsets.US_ASCII);
      signatures[i] = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    vertx.close();
  }

  /** The signature check alone. */
  @Benchmark
  public boolean signature() {
    int i = next++ & (TOKENS - 1);
    if (!verifier.verify(inputs[i], signatures[i])) {
      throw new IllegalStateException("a good signature was refused");
    }
    return true;
  }

  /** The whole local check of a token the gateway has not seen (cache off). */
  @Benchmark
  public TokenVerifier.Verified wholeCheck() {
    Future<TokenVerifier.Verified> checked = tokens.verify(signed.get(next++ & (TOKENS - 1)));
    if (!checked.succeeded()) {
      throw new IllegalStateException("a good token was refused", checked.cause());
    }
    return checked.result();
  }

  /** A key exactly as auth-service makes and opens it. */
  static JsonObject privateJwk(String alg) {
    KeyCipher cipher = KeyCipher.fromBase64(KeyCipher.newMasterKey());
    return KeyMaterial.privateJwk(cipher, KeyMaterial.generate(cipher, 0, 0, alg));
  }
}
