package dev.parlor.room.yjs;

import dev.parlor.yjs.DocumentClock;
import dev.parlor.yjs.YUpdates;
import dev.parlor.yjs.YjsFormatException;
import dev.parlor.yjs.protocol.YMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A room's document: a merged base plus a short tail of recent updates. Appending is O(1); the tail
 * is folded into the base when it grows (off the event loop, see {@link #mergeJob()}) or when a
 * joining client needs the whole state, so answering a sync step 1 stays cheap as updates pile up.
 * A {@link DocumentClock} beside it knows what the document holds, so each incoming update is
 * reduced to what is new in time proportional to the update, not the document.
 *
 * <p>One thread owns it (the room's event loop). Work proportional to the document runs elsewhere
 * on immutable inputs: {@link #foldJob()} and {@link #mergeJob()} take the base and a copy of the
 * tail; {@link #novelPartCheck} lends the clock out and holds back changes to it until returned.
 */
public final class YjsDocument {
  static final int BASE_PER_TAIL = 8;

  private final int maxTail;
  private byte[] base;
  private final List<byte[]> tail = new ArrayList<>();
  private long tailBytes;
  private long generation;
  private DocumentClock clock;
  /** Novelty checks running on other threads: while there are any, clock updates wait in the backlog. */
  private int clockReaders;
  private final List<byte[]> clockBacklog = new ArrayList<>();
  /** Updates applied since {@link #startCopy()}, while a copy is out; null when none is. */
  private List<byte[]> sinceCopy;

  /** Builds the document from stored updates (merging them: call off the event loop when large). */
  public YjsDocument(List<byte[]> stored, int maxTail) {
    this.maxTail = maxTail;
    YUpdates.MergedDocument merged = YUpdates.mergeWithClock(stored);
    this.base = merged.update();
    this.clock = merged.clock();
  }

  /**
   * What of this update the document lacks (structs it has dropped, delete ranges it has left
   * out), or null when it adds nothing: a reconnecting client's whole state costs nothing to
   * store or relay. Throws {@link YjsFormatException} for bytes that are not a Yjs update.
   */
  public byte[] novelPart(byte[] update) {
    return clock.novelPart(update);
  }

  /**
   * {@link #novelPart} to run on another thread (a large update costs time proportional to its
   * size). The clock it reads does not change until {@link #novelPartCheckDone()}: updates applied
   * meanwhile reach the clock then, so checks running on the loop meanwhile may judge part of them
   * novel again (harmless: stored twice, merged away).
   */
  public Callable<byte[]> novelPartCheck(byte[] update) {
    clockReaders++;
    DocumentClock lent = clock;
    return () -> lent.novelPart(update);
  }

  /** A check from {@link #novelPartCheck} finished (or failed). */
  public void novelPartCheckDone() {
    if (--clockReaders == 0) {
      clockBacklog.forEach(clock::add);
      clockBacklog.clear();
    }
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
    if (sinceCopy != null) {
      sinceCopy.add(update);
    }
    if (clockReaders > 0) {
      clockBacklog.add(update);
    } else {
      clock.add(update);
    }
  }

  /** The whole document as one update when the tail is empty (nothing to fold), else null. */
  public byte[] foldedState() {
    return tail.isEmpty() ? base : null;
  }

  /** The whole document as one update, folding the tail in first on this thread if there is one. */
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

  /** The whole document as its base and tail, unmerged: what a hand-over ships to the next owner. */
  public List<byte[]> updates() {
    List<byte[]> all = new ArrayList<>(tail.size() + 1);
    all.add(base);
    all.addAll(tail);
    return all;
  }

  /**
   * The whole document as {@link #updates()}, for a copy sent ahead of a hand-over: from now on the
   * document records what is applied, so that the hand-over ships only {@link #updatesSinceCopy()}.
   */
  public List<byte[]> startCopy() {
    sinceCopy = new ArrayList<>();
    return updates();
  }

  /** What was applied since {@link #startCopy()}: the copy plus these is the whole document. */
  public List<byte[]> updatesSinceCopy() {
    return sinceCopy == null ? updates() : List.copyOf(sinceCopy);
  }

  /** The copy was not taken (or the hand-over is done): stop recording. */
  public void endCopy() {
    sinceCopy = null;
  }

  /** The state vector announced in the room's own sync step 1. */
  public byte[] stateVector() {
    return clock.stateVector();
  }

  /** The step 2 that answers a client's step 1: everything the client lacks. */
  public byte[] answerStep1(byte[] clientStateVector) {
    return step2(state(), clientStateVector);
  }

  /** The step 2 for a client with that state vector, from the whole document {@code state}. */
  public static byte[] step2(byte[] state, byte[] clientStateVector) {
    if (isEmptyStateVector(clientStateVector)) {
      return YMessage.syncStep2(state); // a new client lacks everything: no diff to compute
    }
    return YMessage.syncStep2(YUpdates.diff(state, clientStateVector));
  }

  public static boolean isEmptyStateVector(byte[] stateVector) {
    return stateVector.length == 1 && stateVector[0] == 0;
  }

  /**
   * Work to fold the tail into the base off the event loop, or null while the tail is short: fewer
   * than maxTail updates, or less than 1/{@value #BASE_PER_TAIL} of the base's bytes, so that a big
   * document is not merged whole every few updates (folding costs the whole document each time).
   */
  public MergeJob mergeJob() {
    return tail.size() < maxTail || tailBytes * BASE_PER_TAIL < base.length ? null : foldJob();
  }

  /** Work to fold the whole tail (to answer a joining client off the loop), or null when it is empty. */
  public MergeJob foldJob() {
    if (tail.isEmpty()) {
      return null;
    }
    List<byte[]> inputs = new ArrayList<>(tail.size() + 1);
    inputs.add(base);
    inputs.addAll(tail);
    return new MergeJob(List.copyOf(inputs), tail.size(), generation);
  }

  /**
   * A finished fold: the merged base and a clock rebuilt from it (forgets stale gaps), or a null
   * clock to keep the current one (it already holds base and tail).
   */
  public record Merged(byte[] base, DocumentClock clock) {
  }

  /** Installs a finished merge unless the document was folded some other way meanwhile. */
  public boolean completeMerge(MergeJob job, Merged merged) {
    if (job.generation() != generation) {
      return false;
    }
    for (int i = 0; i < job.tailCount(); i++) {
      tailBytes -= tail.get(0).length;
      tail.remove(0);
    }
    base = merged.base();
    if (merged.clock() != null) {
      clock = merged.clock(); // a clock lent to a novelty check is the old object: not changed here
      tail.forEach(clock::add); // updates that arrived during the fold
    }
    generation++;
    return true;
  }

  /** Inputs of a background merge: base first, then tailCount tail updates. */
  public record MergeJob(List<byte[]> inputs, int tailCount, long generation) {
    public Merged run() {
      YUpdates.MergedDocument merged = YUpdates.mergeWithClock(inputs);
      return new Merged(merged.update(), merged.clock());
    }

    /** The merged base only, keeping the document's clock: a joining client waits for less. */
    public Merged mergeOnly() {
      return new Merged(YUpdates.merge(inputs), null);
    }
  }

  public int tailSize() {
    return tail.size();
  }

  public long sizeBytes() {
    return base.length + tailBytes;
  }
}
