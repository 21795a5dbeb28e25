package dev.parlor.room.store;

import dev.parlor.common.bus.RoomEnvelope.PassedLease;
import dev.parlor.common.bus.StorageMessages.Loaded;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

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

  /**
   * The room is no longer served here (unloaded or handed over): once its writes are stored, give
   * its ownership up so another node may load it.
   */
  default Future<Void> release(String roomKey) {
    return Future.succeededFuture();
  }

  /** Where the store reports rooms this node no longer owns (a lease lost); they must stop at once. */
  default void onOwnershipLost(Consumer<String> lost) {
  }

  /**
   * As {@link #release}, for a room handed over to nextNode (null when unknown): completes with
   * what to send the next owner along with the news: the room's document, if this store can vouch
   * that it is exactly what is stored (else null), and the lease when it was passed to nextNode
   * rather than released (else null).
   */
  default Future<HandOff> handOver(String roomKey, Supplier<List<byte[]>> document, String nextNode) {
    return release(roomKey).map(v -> new HandOff(null, null));
  }

  /** What {@link #handOver} gives the room's next owner. */
  record HandOff(Buffer document, PassedLease lease) {
  }

  /**
   * Another node released a room this store may be waiting to claim, or passed its lease here:
   * {@code handedOver} is the document that node's {@link #handOver} gave, decoded (null when
   * none); lease the lease it passed, its time left already reduced by the message's transit (or null).
   */
  default void released(String roomKey, Loaded handedOver, PassedLease lease) {
  }
}
