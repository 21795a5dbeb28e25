package dev.parlor.gateway.access;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature this gateway has already checked, keyed by the SHA-256 of the whole
 * token, so a client reconnecting with the same token (reloads, tabs, network changes, a reconnect
 * storm) costs no second signature check. Only the signature result is reused: the time claims,
 * the deny-list, rate limits and access are checked again on every connect. Entries go when the
 * token expires, when the issuer's keys change, or all at once when the cache is full.
 */
final class VerifiedTokens {
  private final int maxEntries;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  record Entry(TokenVerifier.Verified verified, long expSeconds) {
  }

  VerifiedTokens(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  static String key(String token) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  TokenVerifier.Verified get(String key) {
    if (maxEntries <= 0) {
      return null;
    }
    Entry e = entries.get(key);
    return e == null ? null : e.verified();
  }

  void put(String key, TokenVerifier.Verified verified) {
    if (maxEntries <= 0) {
      return;
    }
    if (entries.size() >= maxEntries) {
      entries.clear();
    }
    JsonObject claims = verified.claims();
    entries.put(key, new Entry(verified, claims.getLong("exp", 0L)));
  }

  void clear() {
    entries.clear();
  }

  void sweep(long nowSeconds, long leewaySeconds) {
    entries.values().removeIf(e -> nowSeconds - leewaySeconds >= e.expSeconds());
  }

  int size() {
    return entries.size();
  }
}
