package dev.parlor.auth.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRingTest {
  static final long ROTATION = 1000;
  static final long AHEAD = 100;
  static final long RETAIN = 500;

  private static StoredKey key(String kid, long activeFrom) {
    return new StoredKey(kid, "ES256", activeFrom - AHEAD, activeFrom, new JsonObject().put("kid", kid), "x");
  }

  private static KeyRing ring(StoredKey... keys) {
    return new KeyRing(List.of(keys), ROTATION, AHEAD, RETAIN);
  }

  @Test
  void anEmptyRingNeedsAKeyActiveAtOnce() {
    KeyRing r = ring();
    assertNull(r.current(0));
    assertTrue(r.needsNewKey(0));
    assertEquals(50, r.nextActiveFrom(50));
  }

  @Test
  void theNextKeyIsMadeAheadOfItsActivationAndSignsFromThen() {
    KeyRing r = ring(key("a", 0));
    assertFalse(r.needsNewKey(899));
    assertTrue(r.needsNewKey(900));
    assertEquals(1000, r.nextActiveFrom(900));
    KeyRing r2 = ring(key("a", 0), key("b", 1000));
    assertEquals("a", r2.current(999).kid(), "the new key is published but does not sign yet");
    assertEquals("b", r2.current(1000).kid());
    assertEquals(2, r2.jwks(950).getJsonArray("keys").size());
  }

  @Test
  void anOldKeyStaysPublishedUntilItsLastTokenExpired() {
    KeyRing r = ring(key("a", 0), key("b", 1000));
    assertEquals(1000, r.signsUntil(r.keys().get(0)));
    assertTrue(r.published(r.keys().get(0), 1499));
    assertFalse(r.published(r.keys().get(0), 1500));
    assertEquals(List.of("a"), r.retired(1500).stream().map(StoredKey::kid).toList());
    assertEquals(1, r.jwks(1500).getJsonArray("keys").size());
  }

  @Test
  void aLateRotationStillPublishesAhead() {
    // Nobody rotated for a long time: the new key still waits publishAhead before signing.
    assertEquals(5100, ring(key("a", 0)).nextActiveFrom(5000));
  }
}
