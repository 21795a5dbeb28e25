package dev.parlor.room.store;

/** The room's fencing token is no longer current: another node owns the room now. */
public final class StaleOwnerException extends RuntimeException {
  public StaleOwnerException(String roomKey) {
    super("stale fencing token for room " + roomKey, null, false, false);
  }
}
