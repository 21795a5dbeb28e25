package dev.parlor.room.store;

import io.vertx.core.Future;
import java.util.List;

/**
 * A room's durable data as the room sees it: load everything stored, append one update. An
 * append's future completes only once the update is stored, so a room broadcasts after it.
 */
public interface RoomStore {
  Future<List<byte[]>> load(String roomKey);

  Future<Void> append(String roomKey, byte[] update);

  /** The room has no clients left; a store may fold its log into a snapshot now. */
  default Future<Void> roomIdle(String roomKey) {
    return Future.succeededFuture();
  }
}
