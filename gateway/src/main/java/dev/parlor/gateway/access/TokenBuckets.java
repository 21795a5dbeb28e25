package dev.parlor.gateway.access;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Token-bucket rate limits per key (an address, a user): {@code rate} tokens a second up to
 * {@code burst}. A rate of 0 turns the limit off. Buckets that have refilled are dropped by
 * {@link #sweep}, so memory follows the keys active in the last few seconds.
 */
public final class TokenBuckets {
  private final double ratePerNano;
  private final double burst;
  private final boolean off;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  public TokenBuckets(double ratePerSecond, double burst) {
    this.off = ratePerSecond <= 0;
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = Math.max(1, burst);
  }

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  /** Takes one token for the key; false when the bucket is empty. */
  public boolean tryTake(String key, long nowNanos) {
    if (off) {
      return true;
    }
    Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, nowNanos));
    synchronized (b) {
      b.tokens = Math.min(burst, b.tokens + (nowNanos - b.at) * ratePerNano);
      b.at = nowNanos;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return true;
      }
      return false;
    }
  }

  /** Forgets the buckets that would be full by now. */
  public void sweep(long nowNanos) {
    buckets.values().removeIf(b -> {
      synchronized (b) {
        return b.tokens + (nowNanos - b.at) * ratePerNano >= burst;
      }
    });
  }

  public int size() {
    return buckets.size();
  }
}
