package dev.parlor.auth.tokens;

import dev.parlor.auth.keys.KeyManager;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Signs Parlor's access tokens with the current key. Claims: iss, aud, sub, iat, nbf, exp, jti,
 * and the optional name, meta and rooms (the grants, see RoomGrants).
 */
public final class TokenMinter {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final KeyManager keys;
  private final String issuer;
  private final String audience;

  public TokenMinter(KeyManager keys, String issuer, String audience) {
    this.keys = keys;
    this.issuer = issuer;
    this.audience = audience;
  }

  /** A minted token with its id, expiry (epoch seconds) and key id. */
  public record Minted(String token, String jti, long expiresAt, String kid) {
    public JsonObject toJson() {
      return new JsonObject().put("token", token).put("jti", jti).put("expiresAt", expiresAt).put("kid", kid);
    }
  }

  /** Signs a token, or returns null when no signing key is active yet. */
  public Minted mint(TokenRequest req) {
    KeyManager.Signer signer = keys.current();
    if (signer == null) {
      return null;
    }
    long now = System.currentTimeMillis() / 1000;
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    String jti = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    JsonObject claims = new JsonObject()
        .put("iss", issuer).put("aud", audience).put("sub", req.sub())
        .put("iat", now).put("nbf", now).put("exp", now + req.ttlSeconds()).put("jti", jti);
    if (req.name() != null) {
      claims.put("name", req.name());
    }
    if (req.metadata() != null) {
      claims.put("meta", req.metadata());
    }
    if (req.rooms() != null && !req.rooms().isEmpty()) {
      JsonObject rooms = new JsonObject();
      req.rooms().forEach(e -> rooms.put(e.getKey(), String.valueOf(e.getValue()).toLowerCase()));
      claims.put("rooms", rooms);
    }
    // Each key signs with its own algorithm: keys made before a change of PARLOR_AUTH_SIGNING_ALG keep theirs.
    String token = signer.auth().generateToken(claims, new JWTOptions().setAlgorithm(signer.key().alg()));
    return new Minted(token, jti, now + req.ttlSeconds(), signer.key().kid());
  }
}
