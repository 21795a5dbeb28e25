package dev.parlor.gateway.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketsTest {
  static final long SECOND = 1_000_000_000L;

  @Test
  void aBurstThenTheRate() {
    TokenBuckets b = new TokenBuckets(2, 3);
    for (int i = 0; i < 3; i++) {
      assertTrue(b.tryTake("a", 0));
    }
    assertFalse(b.tryTake("a", 0));
    assertTrue(b.tryTake("b", 0), "keys are independent");
    assertTrue(b.tryTake("a", SECOND / 2));
    assertFalse(b.tryTake("a", SECOND / 2));
    assertTrue(b.tryTake("a", SECOND));
  }

  @Test
  void refilledBucketsAreSweptAndZeroRateIsOff() {
    TokenBuckets b = new TokenBuckets(1, 2);
    b.tryTake("a", 0);
    b.sweep(0);
    assertEquals(1, b.size());
    b.sweep(2 * SECOND);
    assertEquals(0, b.size());
    TokenBuckets off = new TokenBuckets(0, 1);
    for (int i = 0; i < 100; i++) {
      assertTrue(off.tryTake("a", 0));
    }
  }
}
