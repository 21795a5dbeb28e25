package dev.parlor.room.host;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Queue;
import java.util.Set;

/**
 * The rooms this node copies ahead to their next owners, over all its shards: one at a time per
 * next owner, the next copy leaving only once the previous room's hand-over has been sent (and
 * its clients had a moment to resync, see {@link RoomHandOvers#COPY_SETTLE_MS}). The
 * event bus keeps one ordered connection per pair of nodes, and a room's {@code RELEASED} queued
 * behind other rooms' megabyte copies on it waited 100–250 ms for them (a graceful leave's first
 * room, in the moves benchmark), its clients waiting with it.
 */
public final class OutgoingCopies {
  private final Set<String> busy = new HashSet<>();
  private final Map<String, Queue<Runnable>> waiting = new HashMap<>();

  /** Runs start (on no particular thread) when no other room is being copied to node; its room then calls {@link #done}. */
  public void whenFree(String node, Runnable start) {
    synchronized (this) {
      if (!busy.add(node)) {
        waiting.computeIfAbsent(node, n -> new ArrayDeque<>()).add(start);
        return;
      }
    }
    start.run();
  }

  /** The room copied to node has been handed over (or will not be): the next room for node may go. */
  public void done(String node) {
    Runnable next;
    synchronized (this) {
      Queue<Runnable> queue = waiting.get(node);
      next = queue == null ? null : queue.poll();
      if (queue != null && queue.isEmpty()) {
        waiting.remove(node);
      }
      if (next == null) {
        busy.remove(node);
      }
    }
    if (next != null) {
      next.run();
    }
  }
}
