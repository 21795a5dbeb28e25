package dev.parlor.room.yjs;

import dev.parlor.yjs.YUpdates;
import dev.parlor.yjs.YjsFormatException;
import dev.parlor.yjs.protocol.YMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * A room's document: a merged base plus a short tail of recent updates. Appending is O(1); the tail
 * is folded into the base when it grows (off the event loop, see {@link #mergeJob()}) or when a
 * joining client needs the whole state, so answering a sync step 1 stays cheap as updates pile up.
 */
public final class YjsDocument {
  private final int maxTail;
  private byte[] base;
  private final List<byte[]> tail = new ArrayList<>();
  private long tailBytes;
  private long generation;
  private byte[] stateVector;

  /** Builds the document from stored updates (merging them: call off the event loop when large). */
  public YjsDocument(List<byte[]> stored, int maxTail) {
    this.maxTail = maxTail;
    this.base = stored.isEmpty() ? YUpdates.emptyUpdate() : YUpdates.merge(stored);
  }

  /** Throws {@link YjsFormatException} unless the bytes are a complete, decodable Yjs update. */
  public static void validate(byte[] update) {
    YUpdates.stateVector(update);
  }

  public static boolean isEmptyUpdate(byte[] update) {
    return update.length == 2 && update[0] == 0 && update[1] == 0;
  }

  public void apply(byte[] update) {
    if (isEmptyUpdate(update)) {
      return;
    }
    tail.add(update);
    tailBytes += update.length;
    stateVector = null;
  }

  /** The whole document as one update, folding the tail in first if there is one. */
  public byte[] state() {
    if (!tail.isEmpty()) {
      List<byte[]> all = new ArrayList<>(tail.size() + 1);
      all.add(base);
      all.addAll(tail);
      base = YUpdates.merge(all);
      tail.clear();
      tailBytes = 0;
      generation++;
    }
    return base;
  }

  /** The state vector announced in the room's own sync step 1. */
  public byte[] stateVector() {
    if (stateVector == null) {
      stateVector = YUpdates.stateVector(state());
    }
    return stateVector;
  }

  /** The step 2 that answers a client's step 1: everything the client lacks. */
  public byte[] answerStep1(byte[] clientStateVector) {
    if (clientStateVector.length == 1 && clientStateVector[0] == 0) {
      return YMessage.syncStep2(state()); // a new client lacks everything: no diff to compute
    }
    return YMessage.syncStep2(YUpdates.diff(state(), clientStateVector));
  }

  /** Work to fold the tail into the base off the event loop, or null while the tail is short. */
  public MergeJob mergeJob() {
    if (tail.size() < maxTail) {
      return null;
    }
    List<byte[]> inputs = new ArrayList<>(tail.size() + 1);
    inputs.add(base);
    inputs.addAll(tail);
    return new MergeJob(List.copyOf(inputs), tail.size(), generation);
  }

  /** Installs a finished merge unless the document was folded some other way meanwhile. */
  public boolean completeMerge(MergeJob job, byte[] merged) {
    if (job.generation() != generation) {
      return false;
    }
    for (int i = 0; i < job.tailCount(); i++) {
      tailBytes -= tail.get(0).length;
      tail.remove(0);
    }
    base = merged;
    generation++;
    return true;
  }

  /** Inputs of a background merge: base first, then tailCount tail updates. */
  public record MergeJob(List<byte[]> inputs, int tailCount, long generation) {
    public byte[] run() {
      return YUpdates.merge(inputs);
    }
  }

  public int tailSize() {
    return tail.size();
  }

  public long sizeBytes() {
    return base.length + tailBytes;
  }
}
