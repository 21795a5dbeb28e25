package dev.parlor.gateway.access;

import dev.parlor.common.bus.RoomEnvelope.Access;
import dev.parlor.common.room.RoomRef;
import java.util.concurrent.ConcurrentHashMap;

/**
 * auth-service's ACL answers, kept briefly (PARLOR_AUTH_ACL_CACHE_MS) so reconnect storms do not
 * turn into authorize storms. Only admissions are kept: a user just added to a room gets in at
 * once. A revocation for the user and room evicts the entry on every gateway.
 */
final class AuthorizeCache {
  private final long ttlNanos;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  private record Entry(Access access, long expiresAtNanos) {
  }

  AuthorizeCache(long ttlMillis) {
    this.ttlNanos = ttlMillis * 1_000_000L;
  }

  private static String key(String user, String roomKey) {
    return roomKey + '\n' + user;
  }

  Access get(String user, RoomRef room, long nowNanos) {
    Entry e = entries.get(key(user, room.key()));
    return e != null && e.expiresAtNanos() - nowNanos > 0 ? e.access() : null;
  }

  void put(String user, RoomRef room, Access access, long nowNanos) {
    if (ttlNanos > 0 && access != null) {
      entries.put(key(user, room.key()), new Entry(access, nowNanos + ttlNanos));
    }
  }

  void evict(String user, String roomKey) {
    entries.remove(key(user, roomKey));
  }

  void sweep(long nowNanos) {
    entries.values().removeIf(e -> e.expiresAtNanos() - nowNanos <= 0);
  }
}
