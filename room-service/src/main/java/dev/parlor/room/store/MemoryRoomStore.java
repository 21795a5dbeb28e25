package dev.parlor.room.store;

import dev.parlor.common.bus.RoomEnvelope.PassedLease;
import dev.parlor.common.bus.StorageMessages;
import dev.parlor.common.bus.StorageMessages.Loaded;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Rooms kept in this process's memory only: for tests, the warm-up, and PARLOR_STORE=memory. A room
 * handed over to another process's store goes with its document, the only copy there is.
 */
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

  @Override
  public Future<HandOff> handOver(String roomKey, Supplier<List<byte[]>> document, String nextNode) {
    return Future.succeededFuture(new HandOff(document == null ? null
        : StorageMessages.loaded(new Loaded(0, new byte[0], document.get())), null));
  }

  /** Keeps a handed-over document: all the room holds (this store may have none of it, or an older one). */
  @Override
  public void released(String roomKey, Loaded handedOver, PassedLease lease) {
    if (handedOver != null) {
      List<byte[]> log = new ArrayList<>(handedOver.log().size() + 1);
      if (handedOver.snapshot().length > 0) {
        log.add(handedOver.snapshot());
      }
      log.addAll(handedOver.log());
      rooms.put(roomKey, log);
    }
  }
}
