package dev.parlor.room.host;

import java.util.ArrayList;
import java.util.List;

/**
 * The builds of documents copied ahead to this node, over all its shards. A copy is confirmed to
 * its sender once no build runs here (or, by the shard's timer, {@link #HOLD_MS} after its own
 * ended): the hand-overs the confirmations start then do not share the CPU with the builds of the
 * other rooms coming here. A join receives many rooms at once, and on a fresh JVM building a 1 MB
 * document takes a few hundred ms.
 */
public final class CopyBuilds {
  /** The longest a built copy waits for the node's other builds before it is confirmed. */
  static final long HOLD_MS = 1000;

  private int running;
  private final List<Runnable> held = new ArrayList<>();

  synchronized void started() {
    running++;
  }

  /** A build ended (or failed): confirm runs now, or once the node's other builds have ended too. */
  void ended(Runnable confirm) {
    List<Runnable> due;
    synchronized (this) {
      running--;
      held.add(confirm);
      if (running > 0) {
        return;
      }
      due = new ArrayList<>(held);
      held.clear();
    }
    due.forEach(Runnable::run);
  }
}
