package dev.parlor.room.store;

import io.vertx.core.Future;
import java.util.List;

/**
 * A room's durable data as the room sees it. {@link #load} makes this node the room's owner;
 * {@link #append} completes only once the update is stored, so a room broadcasts after it, and fails
 * with {@link StaleOwnerException} when another node has taken the room over.
 */
public interface RoomStore {
  Future<List<byte[]>> load(String roomKey);

  Future<Void> append(String roomKey, byte[] update);

  /** The last client left: a store may fold the room's log into a snapshot now. */
  default Future<Void> roomEmpty(String roomKey) {
    return Future.succeededFuture();
  }

  /** The room is no longer served here; forget what was kept for it. */
  default void roomUnloaded(String roomKey) {
  }
}
