package dev.parlor.room.host;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rooms moving to this node, over all its shards: their documents copied ahead are built here,
 * then the copies are confirmed to their senders (which then hand the rooms over) one room at a
 * time, and only while no build runs. A room's hand-over window then has the node to itself rather
 * than sharing the CPU with the builds and hand-overs of the other rooms coming here: a join
 * receives many at once, and a fresh JVM is slow at first. The next room is confirmed when the
 * hand-over of the previous one has arrived, or {@link #HOLD_MS} after its confirmation.
 */
public final class IncomingMoves {
  /** How long a confirmed room may keep the others waiting for its hand-over. */
  static final long HOLD_MS = 1000;

  private int building;
  private String confirmed;
  /** Built copies waiting for their turn: room key to what confirms it to its sender. */
  private final Map<String, Runnable> ready = new LinkedHashMap<>();

  synchronized void buildStarted() {
    building++;
  }

  /** The room's copy is built: confirm runs when its turn comes (on no particular thread). */
  void built(String roomKey, Runnable confirm) {
    synchronized (this) {
      building--;
      ready.put(roomKey, confirm);
    }
    next();
  }

  /** The room's copy could not be built: nothing to confirm. */
  void buildFailed() {
    synchronized (this) {
      building--;
    }
    next();
  }

  /** The room's hand-over arrived (after its confirmation, or without waiting for it): the next may go. */
  void arrived(String roomKey) {
    synchronized (this) {
      ready.remove(roomKey);
      if (roomKey.equals(confirmed)) {
        confirmed = null;
      }
    }
    next();
  }

  /** HOLD_MS after the room was confirmed: if its hand-over has not come, the next room goes all the same. */
  void overdue(String roomKey) {
    arrived(roomKey);
  }

  private void next() {
    Runnable confirm;
    synchronized (this) {
      if (building > 0 || confirmed != null || ready.isEmpty()) {
        return;
      }
      Iterator<Map.Entry<String, Runnable>> first = ready.entrySet().iterator();
      Map.Entry<String, Runnable> e = first.next();
      first.remove();
      confirmed = e.getKey();
      confirm = e.getValue();
    }
    confirm.run();
  }
}
