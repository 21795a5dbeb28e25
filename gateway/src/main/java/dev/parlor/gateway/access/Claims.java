package dev.parlor.gateway.access;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The registered-claim checks of a verified token, with the same rules as vertx-auth-jwt: issuer
 * equal, audience containing ours, and with the leeway: not expired (exp), not before its time
 * (nbf), not issued in the future (iat). Returns why a token fails, or null.
 */
final class Claims {
  private Claims() {
  }

  static String problem(JsonObject claims, String issuer, String audience, long leewaySeconds, long nowSeconds) {
    if (!issuer.equals(claims.getValue("iss"))) {
      return "wrong issuer";
    }
    Object aud = claims.getValue("aud");
    boolean audOk = aud instanceof String s ? s.equals(audience)
        : aud instanceof JsonArray a && a.contains(audience);
    if (!audOk) {
      return "wrong audience";
    }
    if (!(claims.getValue("exp") instanceof Number exp) || nowSeconds - leewaySeconds >= exp.longValue()) {
      return "token expired";
    }
    if (claims.getValue("nbf") instanceof Number nbf && nbf.longValue() > nowSeconds + leewaySeconds) {
      return "token not valid yet";
    }
    if (claims.getValue("iat") instanceof Number iat && iat.longValue() > nowSeconds + leewaySeconds) {
      return "token issued in the future";
    }
    return null;
  }
}
