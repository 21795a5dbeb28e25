package dev.parlor.auth.keys;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The rotation rules over the keys in Redis, as plain arithmetic on one clock.
 *
 * <ul>
 *   <li>The current key is the one with the latest {@code activeFrom} not after now; every replica
 *       that has loaded the same keys picks the same one.</li>
 *   <li>A new key is created {@code publishAhead} before it starts signing, so every replica and
 *       every gateway's JWKS has it before the first token it signs.</li>
 *   <li>A key signs until the next key's activeFrom, then stays in the JWKS for the longest token
 *       lifetime plus the leeway, then is deleted.</li>
 * </ul>
 */
public final class KeyRing {
  private final List<StoredKey> keys;
  private final long rotationMillis;
  private final long publishAheadMillis;
  private final long retainMillis;

  /** retainMillis: how long a key stays published after it stops signing (max token TTL + leeway). */
  public KeyRing(List<StoredKey> keys, long rotationMillis, long publishAheadMillis, long retainMillis) {
    List<StoredKey> sorted = new ArrayList<>(keys);
    sorted.sort(Comparator.comparingLong(StoredKey::activeFrom).thenComparing(StoredKey::kid));
    this.keys = List.copyOf(sorted);
    this.rotationMillis = rotationMillis;
    this.publishAheadMillis = publishAheadMillis;
    this.retainMillis = retainMillis;
  }

  public List<StoredKey> keys() {
    return keys;
  }

  /** The key that signs now, or null when none is active yet. */
  public StoredKey current(long now) {
    StoredKey cur = null;
    for (StoredKey k : keys) {
      if (k.activeFrom() <= now) {
        cur = k;
      }
    }
    return cur;
  }

  /** When this key stops signing: the next key's activeFrom, or Long.MAX_VALUE. */
  public long signsUntil(StoredKey key) {
    for (StoredKey k : keys) {
      if (k.activeFrom() > key.activeFrom()) {
        return k.activeFrom();
      }
    }
    return Long.MAX_VALUE;
  }

  /** Whether tokens it signed may still be valid (or it will sign), so it must be published. */
  public boolean published(StoredKey key, long now) {
    long until = signsUntil(key);
    return until == Long.MAX_VALUE || now < until + retainMillis;
  }

  public List<StoredKey> retired(long now) {
    return keys.stream().filter(k -> !published(k, now)).toList();
  }

  /** The JWKS document: every published key's public JWK. */
  public JsonObject jwks(long now) {
    JsonArray out = new JsonArray();
    keys.stream().filter(k -> published(k, now)).forEach(k -> out.add(k.publicJwk()));
    return new JsonObject().put("keys", out);
  }

  /** Whether a new key should be made now: none exists, or the newest one is due for replacement. */
  public boolean needsNewKey(long now) {
    if (keys.isEmpty()) {
      return true;
    }
    StoredKey newest = keys.get(keys.size() - 1);
    return newest.activeFrom() + rotationMillis - publishAheadMillis <= now;
  }

  /** When a key made now should start signing. */
  public long nextActiveFrom(long now) {
    if (keys.isEmpty()) {
      return now;
    }
    StoredKey newest = keys.get(keys.size() - 1);
    return Math.max(now + publishAheadMillis, newest.activeFrom() + rotationMillis);
  }
}
