package dev.parlor.room.store;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Rooms kept in this process's memory only: for tests and for PARLOR_STORE=memory. */
public final class MemoryRoomStore implements RoomStore {
  private final Map<String, List<byte[]>> rooms = new ConcurrentHashMap<>();

  @Override
  public Future<List<byte[]>> load(String roomKey) {
    List<byte[]> log = rooms.get(roomKey);
    if (log == null) {
      return Future.succeededFuture(List.of());
    }
    synchronized (log) {
      return Future.succeededFuture(new ArrayList<>(log));
    }
  }

  @Override
  public Future<Void> append(String roomKey, byte[] update) {
    List<byte[]> log = rooms.computeIfAbsent(roomKey, k -> new ArrayList<>());
    synchronized (log) {
      log.add(update);
    }
    return Future.succeededFuture();
  }
}
