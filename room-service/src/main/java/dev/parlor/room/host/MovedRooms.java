package dev.parlor.room.host;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rooms a shard recently stopped serving, with the gateway of each of their connections, so a
 * frame still on its way from a gateway is answered MOVED rather than lost. Entries are kept for
 * {@link #KEEP_MILLIS}, long enough for every gateway to have routed its sockets again.
 */
final class MovedRooms {
  static final long KEEP_MILLIS = 30_000;

  private record Moved(Map<Long, String> gateways, long atMillis) {
  }

  private final LinkedHashMap<String, Moved> rooms = new LinkedHashMap<>();

  void remember(String roomKey, Map<Long, String> gatewayOfConnection, long nowMillis) {
    forgetOlderThan(nowMillis - KEEP_MILLIS);
    rooms.remove(roomKey);
    if (!gatewayOfConnection.isEmpty()) {
      rooms.put(roomKey, new Moved(Map.copyOf(gatewayOfConnection), nowMillis));
    }
  }

  /** The gateway a connection of a moved room was on, or null. */
  String gatewayOf(String roomKey, long connId, long nowMillis) {
    forgetOlderThan(nowMillis - KEEP_MILLIS);
    Moved moved = rooms.get(roomKey);
    return moved == null ? null : moved.gateways().get(connId);
  }

  /** The room is served here again. */
  void forget(String roomKey) {
    rooms.remove(roomKey);
  }

  int size() {
    return rooms.size();
  }

  private void forgetOlderThan(long cutoffMillis) {
    Iterator<Moved> it = rooms.values().iterator();
    while (it.hasNext() && it.next().atMillis() < cutoffMillis) {
      it.remove();
    }
  }
}
