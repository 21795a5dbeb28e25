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
 * audience, exp, nbf and iat with the leeway (vertx-auth-jwt does signature and claims).
 * Every refusal is an {@link AccessDenied} 401; an issuer whose keys cannot be fetched fails the
 * future with another exception (the gateway answers 503).
 */
public final class TokenVerifier {
  public static final Set<String> ASYMMETRIC = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
      "ES256", "ES384", "ES512", "EdDSA");

  /** An accepted issuer: parlor's own (grants in the token count) or an external identity provider. */
  record Issuer(String name, boolean local, Set<String> algorithms, IssuerKeys keys) {
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

  TokenVerifier(Map<String, Issuer> issuers, int maxTokenBytes) {
    this.issuers = Map.copyOf(issuers);
    this.maxTokenBytes = maxTokenBytes;
  }

  public Future<Verified> verify(String token) {
    if (token.length() > maxTokenBytes) {
      return denied("token larger than " + maxTokenBytes + " bytes");
    }
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
    return issuer.keys().verifierFor(kid).compose(auth -> {
      if (auth == null) {
        return denied("unknown key id");
      }
      return auth.authenticate(new TokenCredentials(token))
          .<Verified>transform(ar -> ar.succeeded()
              ? Future.succeededFuture(new Verified(ar.result().attributes().getJsonObject("accessToken"), issuer.local()))
              : denied("token rejected: " + ar.cause().getMessage()));
    });
  }

  private static <T> Future<T> denied(String reason) {
    return Future.failedFuture(new AccessDenied(401, reason));
  }
}
