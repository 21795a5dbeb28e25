package dev.parlor.gateway.access;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * Verifies a JWT locally against its issuer's cached keys: size, shape, an asymmetric algorithm
 * the issuer is configured for (never none, never HS*), a known kid, the signature, issuer,
 * audience, exp, nbf and iat with the leeway. ES256 and Ed25519 signatures are checked with
 * {@link FastSignatures} and claims with {@link Claims}; other key types of external issuers (RSA)
 * go through vertx-auth-jwt, which checks both.
 * Every refusal is an {@link AccessDenied} 401; an issuer whose keys cannot be fetched fails the
 * future with another exception (the gateway answers 503).
 */
public final class TokenVerifier {
  public static final Set<String> ASYMMETRIC = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
      "ES256", "ES384", "ES512", "EdDSA");

  /** An accepted issuer: parlor's own (grants in the token count) or an external identity provider. */
  record Issuer(String name, String audience, boolean local, Set<String> algorithms, IssuerKeys keys) {
  }

  /** The claims of a verified token, and whether parlor's own auth-service issued it. */
  public record Verified(JsonObject claims, boolean local) {
    public String subject() {
      return claims.getString("sub");
    }

    public String tokenId() {
      return claims.getString("jti");
    }
  }

  private final Map<String, Issuer> issuers;
  private final int maxTokenBytes;
  private final long leewaySeconds;
  private final VerifiedTokens verified;

  TokenVerifier(Map<String, Issuer> issuers, int maxTokenBytes, long leewaySeconds, int cacheEntries) {
    this.issuers = Map.copyOf(issuers);
    this.maxTokenBytes = maxTokenBytes;
    this.leewaySeconds = leewaySeconds;
    this.verified = new VerifiedTokens(cacheEntries);
    issuers.values().forEach(i -> i.keys().onChange(verified::clear));
  }

  /** Drops cached verifications of expired tokens. */
  void sweep() {
    verified.sweep(System.currentTimeMillis() / 1000, leewaySeconds);
  }

  public Future<Verified> verify(String token) {
    if (token.length() > maxTokenBytes) {
      return denied("token larger than " + maxTokenBytes + " bytes");
    }
    String cacheKey = VerifiedTokens.key(token);
    Verified known = verified.get(cacheKey);
    if (known != null) {
      // The signature was checked before; the time claims are checked again now.
      Issuer issuer = issuers.get(known.claims().getString("iss"));
      String problem = issuer == null ? "unknown issuer" : Claims.problem(known.claims(), issuer.name(),
          issuer.audience(), leewaySeconds, System.currentTimeMillis() / 1000);
      return problem == null ? Future.succeededFuture(known) : denied(problem);
    }
    return check(token).onSuccess(v -> verified.put(cacheKey, v));
  }

  private Future<Verified> check(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[2].isEmpty()) {
      return denied("not a signed JWT");
    }
    JsonObject header;
    JsonObject payload;
    try {
      header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
      payload = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return denied("not a JWT");
    }
    Object iss = payload.getValue("iss");
    Issuer issuer = iss instanceof String s ? issuers.get(s) : null;
    if (issuer == null) {
      return denied("unknown issuer");
    }
    Object alg = header.getValue("alg");
    if (!(alg instanceof String a) || !issuer.algorithms().contains(a)) {
      return denied("algorithm not accepted");
    }
    Object kidValue = header.getValue("kid");
    if (kidValue != null && !(kidValue instanceof String)) {
      return denied("bad kid");
    }
    String kid = (String) kidValue;
    if (issuer.local() && kid == null) {
      return denied("no kid");
    }
    if (!(payload.getValue("exp") instanceof Number)) {
      return denied("no expiry");
    }
    for (String claim : new String[] {"nbf", "iat"}) {
      if (payload.containsKey(claim) && !(payload.getValue(claim) instanceof Number)) {
        return denied("bad " + claim);
      }
    }
    if (!(payload.getValue("sub") instanceof String sub) || sub.isEmpty()) {
      return denied("no subject");
    }
    return issuer.keys().keysFor(kid).compose(keys -> {
      if (keys == null) {
        return denied("unknown key id");
      }
      FastSignatures.Verifier fast = kid == null ? null : keys.fast().get(kid);
      if (fast != null) {
        if (!fast.alg().equals(alg)) {
          return denied("algorithm does not match the key");
        }
        byte[] signature;
        try {
          signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
          return denied("signature is not base64url");
        }
        byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        if (!fast.verify(signingInput, signature)) {
          return denied("signature verification failed");
        }
        String problem = Claims.problem(payload, issuer.name(), issuer.audience(), leewaySeconds,
            System.currentTimeMillis() / 1000);
        return problem == null ? Future.succeededFuture(new Verified(payload, issuer.local())) : denied(problem);
      }
      if (issuer.local()) {
        return denied("unknown key id"); // parlor's own keys are always EC or Ed25519 with a kid
      }
      // Other key types of external issuers (RSA, PS, larger curves): vertx-auth-jwt.
      return keys.auth().authenticate(new TokenCredentials(token))
          .<Verified>transform(ar -> ar.succeeded()
              ? Future.succeededFuture(new Verified(ar.result().attributes().getJsonObject("accessToken"),
                  issuer.local()))
              : denied("token rejected: " + ar.cause().getMessage()));
    });
  }

  private static <T> Future<T> denied(String reason) {
    return Future.failedFuture(new AccessDenied(401, reason));
  }
}
