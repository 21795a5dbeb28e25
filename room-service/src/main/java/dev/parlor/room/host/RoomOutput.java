package dev.parlor.room.host;

import io.vertx.core.Future;
import java.util.concurrent.Callable;

/**
 * What a room's host does for it: output to one connection, to all but one, or a close; and CPU
 * work off the room's event loop.
 */
public interface RoomOutput {
  void send(long connId, byte[] frame);

  /** To every connection of the room except {@code exceptConnId} (0 excludes none). */
  void broadcast(long exceptConnId, byte[] frame);

  void close(long connId, int code, String reason);

  /** The room's store says another node owns the room now: stop serving it at once. */
  default void lostOwnership() {
  }

  /** The document took an update; the host may fold its tail in the background. */
  default void documentChanged() {
  }

  /**
   * Runs work proportional to the document on a worker thread; the room's traffic keeps flowing
   * meanwhile. The future completes on the room's thread. Without a host (tests), runs inline.
   */
  default <T> Future<T> offLoop(Callable<T> work) {
    try {
      return Future.succeededFuture(work.call());
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * As {@link #offLoop}, but the room's later frames wait until the work and the handlers of the
   * returned future are done: messages keep the order they arrived in.
   */
  default <T> Future<T> offLoopInOrder(Callable<T> work) {
    return offLoop(work);
  }
}
