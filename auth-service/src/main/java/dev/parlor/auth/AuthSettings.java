package dev.parlor.auth;

import dev.parlor.auth.keys.KeyMaterial;
import dev.parlor.common.config.ParlorConfig;
import java.util.List;

/** auth-service's knobs (docs/auth.md lists them with their defaults). */
public record AuthSettings(List<String> appKeys, String masterKey, String issuer, String audience,
                           long defaultTtlSeconds, long maxTtlSeconds, long rotationSeconds, long refreshMillis,
                           long leewaySeconds, String signingAlgorithm) {

  public static AuthSettings from(ParlorConfig c) {
    long maxTtl = c.longValue("PARLOR_AUTH_MAX_TOKEN_TTL_SECONDS", 3600, 1, 30L * 86400);
    return new AuthSettings(
        c.list("PARLOR_APP_KEYS", ""),
        c.string("PARLOR_AUTH_MASTER_KEY", ""),
        c.string("PARLOR_AUTH_ISSUER", "parlor"),
        c.string("PARLOR_AUTH_AUDIENCE", "parlor"),
        c.longValue("PARLOR_AUTH_DEFAULT_TOKEN_TTL_SECONDS", Math.min(900, maxTtl), 1, maxTtl),
        maxTtl,
        c.longValue("PARLOR_AUTH_KEY_ROTATION_SECONDS", 86_400, 1, 365L * 86400),
        c.longValue("PARLOR_AUTH_KEY_REFRESH_MS", 10_000, 50, 3_600_000),
        c.longValue("PARLOR_AUTH_LEEWAY_SECONDS", 30, 0, 600),
        signingAlgorithm(c.string("PARLOR_AUTH_SIGNING_ALG", KeyMaterial.EDDSA)));
  }

  private static String signingAlgorithm(String alg) {
    if (!KeyMaterial.ALGORITHMS.contains(alg)) {
      throw new ParlorConfig.ConfigException("PARLOR_AUTH_SIGNING_ALG must be one of " + KeyMaterial.ALGORITHMS
          + ", not " + alg);
    }
    return alg;
  }

  /** How long a key stays in the JWKS after it stops signing. */
  public long retainMillis() {
    return (maxTtlSeconds + leewaySeconds) * 1000 + refreshMillis;
  }
}
