package dev.parlor.auth.keys;

import io.vertx.core.json.JsonObject;

/**
 * A signing key as kept in Redis: public parts in the clear, the private part sealed with the
 * master key. {@code activeFrom} (epoch millis) is when it starts signing; it signs until the next
 * key's activeFrom.
 */
public record StoredKey(String kid, String alg, long createdAt, long activeFrom, JsonObject publicJwk,
                        String sealedPrivate) {

  public JsonObject toJson() {
    return new JsonObject().put("kid", kid).put("alg", alg).put("createdAt", createdAt)
        .put("activeFrom", activeFrom).put("publicJwk", publicJwk).put("sealed", sealedPrivate);
  }

  public static StoredKey fromJson(JsonObject j) {
    return new StoredKey(j.getString("kid"), j.getString("alg"), j.getLong("createdAt"), j.getLong("activeFrom"),
        j.getJsonObject("publicJwk"), j.getString("sealed"));
  }
}
