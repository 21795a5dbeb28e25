package dev.parlor.gateway.access;

import dev.parlor.common.config.ParlorConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The knobs of the access gate (docs/auth.md lists them with their defaults). */
public record GateSettings(String issuer, String audience, int leewaySeconds, int maxTokenBytes,
                           List<String> allowedOrigins, long aclCacheMillis, long jwksMinRefetchMillis,
                           long jwksRefreshMillis, long denyListSyncMillis, long authorizeTimeoutMillis,
                           double addressRate, double addressBurst, double userRate, double userBurst,
                           boolean trustForwardedFor, List<ExternalIssuer> externalIssuers,
                           int verifiedCacheEntries, boolean nativeSignatures) {

  /** An identity provider whose tokens prove who the user is; access then comes from the ACL. */
  public record ExternalIssuer(String issuer, String audience, String jwksUrl, List<String> algorithms) {
  }

  public static GateSettings from(ParlorConfig c) {
    return new GateSettings(
        c.string("PARLOR_AUTH_ISSUER", "parlor"),
        c.string("PARLOR_AUTH_AUDIENCE", "parlor"),
        (int) c.longValue("PARLOR_AUTH_LEEWAY_SECONDS", 30, 0, 600),
        (int) c.longValue("PARLOR_AUTH_MAX_TOKEN_BYTES", 4096, 256, 65_536),
        c.list("PARLOR_ALLOWED_ORIGINS", ""),
        c.longValue("PARLOR_AUTH_ACL_CACHE_MS", 5000, 0, 3_600_000),
        c.longValue("PARLOR_AUTH_JWKS_MIN_REFETCH_MS", 1000, 0, 3_600_000),
        c.longValue("PARLOR_AUTH_JWKS_REFRESH_MS", 300_000, 1000, 86_400_000),
        c.longValue("PARLOR_AUTH_DENYLIST_SYNC_MS", 30_000, 100, 3_600_000),
        c.longValue("PARLOR_AUTH_TIMEOUT_MS", 2000, 50, 60_000),
        c.longValue("PARLOR_RATE_LIMIT_ADDRESS_PER_SECOND", 20, 0, 1_000_000),
        c.longValue("PARLOR_RATE_LIMIT_ADDRESS_BURST", 40, 1, 1_000_000),
        c.longValue("PARLOR_RATE_LIMIT_USER_PER_SECOND", 10, 0, 1_000_000),
        c.longValue("PARLOR_RATE_LIMIT_USER_BURST", 20, 1, 1_000_000),
        c.bool("PARLOR_TRUST_FORWARDED_FOR", false),
        externalIssuers(c.string("PARLOR_AUTH_ISSUERS", "")),
        c.integer("PARLOR_AUTH_VERIFIED_CACHE_SIZE", 20_000),
        c.bool("PARLOR_AUTH_NATIVE_SIGNATURES", true));
  }

  /** PARLOR_AUTH_ISSUERS: a JSON array of {issuer, audience, jwksUrl, algorithms?}. */
  static List<ExternalIssuer> externalIssuers(String json) {
    if (json.isBlank()) {
      return List.of();
    }
    JsonArray arr;
    try {
      arr = new JsonArray(json);
    } catch (RuntimeException e) {
      throw new ParlorConfig.ConfigException("PARLOR_AUTH_ISSUERS must be a JSON array of "
          + "{\"issuer\", \"audience\", \"jwksUrl\"} objects");
    }
    List<ExternalIssuer> out = new ArrayList<>();
    for (Object o : arr) {
      if (!(o instanceof JsonObject j) || j.getString("issuer") == null || j.getString("audience") == null
          || j.getString("jwksUrl") == null) {
        throw new ParlorConfig.ConfigException("each PARLOR_AUTH_ISSUERS entry needs issuer, audience and jwksUrl");
      }
      List<String> algs = new ArrayList<>();
      JsonArray a = j.getJsonArray("algorithms", new JsonArray().add("RS256").add("ES256").add("EdDSA"));
      for (Object alg : a) {
        String s = String.valueOf(alg);
        if (!TokenVerifier.ASYMMETRIC.contains(s)) {
          throw new ParlorConfig.ConfigException("PARLOR_AUTH_ISSUERS: algorithm " + s
              + " is not accepted; use one of " + TokenVerifier.ASYMMETRIC);
        }
        algs.add(s);
      }
      out.add(new ExternalIssuer(j.getString("issuer"), j.getString("audience"), j.getString("jwksUrl"), algs));
    }
    return out;
  }
}
