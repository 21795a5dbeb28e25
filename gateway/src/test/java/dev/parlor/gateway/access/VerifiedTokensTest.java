package dev.parlor.gateway.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {
  static TokenVerifier.Verified verified(long exp) {
    return new TokenVerifier.Verified(new JsonObject().put("sub", "u").put("exp", exp), true);
  }

  @Test
  void entriesAreKeyedByTheWholeTokenAndLeaveWhenExpired() {
    VerifiedTokens cache = new VerifiedTokens(10);
    String k = VerifiedTokens.key("a.b.c");
    assertNotEquals(k, VerifiedTokens.key("a.b.d"));
    cache.put(k, verified(100));
    assertNotNull(cache.get(k));
    assertNull(cache.get(VerifiedTokens.key("a.b.d")));
    cache.sweep(99, 0);
    assertEquals(1, cache.size());
    cache.sweep(100, 0);
    assertEquals(0, cache.size());
  }

  @Test
  void aFullCacheStartsOverAndZeroSizeTurnsItOff() {
    VerifiedTokens cache = new VerifiedTokens(2);
    cache.put("1", verified(100));
    cache.put("2", verified(100));
    cache.put("3", verified(100));
    assertEquals(1, cache.size());
    VerifiedTokens off = new VerifiedTokens(0);
    off.put("1", verified(100));
    assertNull(off.get("1"));
  }
}
