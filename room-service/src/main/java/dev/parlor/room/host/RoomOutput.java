package dev.parlor.room.host;

/** Where a room's output goes: to one connection, to all but one, or a close. */
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
}
