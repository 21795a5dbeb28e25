package dev.parlor.yjs.bench;

import dev.parlor.yjs.DocumentClock;
import dev.parlor.yjs.Lib0Reader;
import dev.parlor.yjs.YUpdates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What a room pays per incoming update to find its novel part ({@link DocumentClock#novelPart} +
 * {@link DocumentClock#add}) against what folding its tail costs ({@code YUpdates.merge(base +
 * tail)}), on the automerge-paper trace from {@code yjs-bench.mjs prepare} (argument: inputs file).
 * Plain timing (median of rounds after warm-up rounds), not JMH: the point is the order of
 * magnitude.
 */
public final class NoveltyCheck {
  private static final int TAIL = 64; // PARLOR_DOC_TAIL_UPDATES default
  private static final int WARMUP = 3;
  private static final int ROUNDS = 7;

  private NoveltyCheck() {}

  public static void main(String[] args) throws IOException {
    Lib0Reader r = new Lib0Reader(Files.readAllBytes(Path.of(args[0])));
    int small = r.readVarUintAsInt();
    for (int i = 0; i < small; i++) {
      readList(r);
      r.readVarUint8Array();
      r.readVarUint8Array();
    }
    List<byte[]> updates = readList(r);
    byte[] doc = r.readVarUint8Array();
    int n = updates.size();
    long updateBytes = 0;
    for (byte[] u : updates) {
      updateBytes += u.length;
    }
    System.out.printf("trace: %d updates (%.1f bytes on average), merged document %d bytes%n", n,
        (double) updateBytes / n, doc.length);

    // a live room: every update is new; novel part found, stored, added to the clock
    double stream = time(() -> {
      DocumentClock c = new DocumentClock();
      long novel = 0;
      for (byte[] u : updates) {
        byte[] part = c.novelPart(u);
        c.add(part);
        novel += part.length;
      }
      check(Arrays.equals(c.stateVector(), YUpdates.stateVector(doc)), "stream state vector");
      return novel;
    }) / n;
    DocumentClock full = DocumentClock.of(doc);
    // every update again (a reconnecting client resending what the room has)
    double duplicates = time(() -> {
      long nulls = 0;
      for (byte[] u : updates) {
        nulls += full.novelPart(u) == null ? 1 : 0;
      }
      check(nulls == n, "duplicates judged novel");
      return nulls;
    }) / n;
    double rebuild = time(() -> DocumentClock.of(doc).stateVector().length);
    double clockSv = time(() -> {
      long s = 0;
      for (int i = 0; i < 1000; i++) {
        s += full.stateVector().length;
      }
      return s;
    }) / 1000;
    double mergedSv = time(() -> YUpdates.stateVector(doc).length);

    // a reconnect: the client's whole state, of which the room lacks the last update
    byte[] withoutLast = CodecBenchmark.mergeTree(updates.subList(0, n - 1));
    DocumentClock almost = DocumentClock.of(withoutLast);
    byte[] reconnectPart = almost.novelPart(doc);
    check(Arrays.equals(YUpdates.stateVector(YUpdates.merge(List.of(withoutLast, reconnectPart))),
        YUpdates.stateVector(doc)), "reconnect part");
    double reconnect = time(() -> almost.novelPart(doc).length);
    double reconnectDup = time(() -> full.novelPart(doc) == null ? 1 : 0);

    // the fold it is compared with: base + the default tail of 64 updates
    byte[] base = CodecBenchmark.mergeTree(updates.subList(0, n - TAIL));
    List<byte[]> fold = new ArrayList<>();
    fold.add(base);
    fold.addAll(updates.subList(n - TAIL, n));
    double foldTail = time(() -> YUpdates.merge(fold).length);
    double foldOne = time(() -> YUpdates.merge(List.of(withoutLast, updates.get(n - 1))).length);

    System.out.printf("novelPart + add per update, live stream of the trace: %.2f µs%n",
        stream / 1e3);
    System.out.printf("novelPart per update, every update resent (all null): %.2f µs%n",
        duplicates / 1e3);
    System.out.printf("novelPart of the whole document (%d bytes), room lacks the last update:"
        + " %.2f ms, novel part %d bytes (last update %d bytes)%n", doc.length, reconnect / 1e6,
        reconnectPart.length, updates.get(n - 1).length);
    System.out.printf("novelPart of the whole document, room has it all (null): %.2f ms%n",
        reconnectDup / 1e6);
    System.out.printf("fold: merge(base + %d tail updates): %.2f ms = %.2f µs per update%n", TAIL,
        foldTail / 1e6, foldTail / TAIL / 1e3);
    System.out.printf("fold: merge(base + 1 update): %.2f ms%n", foldOne / 1e6);
    System.out.printf("DocumentClock.of(document): %.2f ms%n", rebuild / 1e6);
    System.out.printf("stateVector(): DocumentClock %.2f µs, YUpdates.stateVector(document) %.2f ms%n",
        clockSv / 1e3, mergedSv / 1e6);
    System.out.printf("clock heap: about %d KB%n", heapOf(doc) / 1024);
  }

  /** Median nanoseconds of one call after warm-up. */
  private static double time(LongSupplier work) {
    long sink = 0;
    for (int i = 0; i < WARMUP; i++) {
      sink += work.getAsLong();
    }
    long[] t = new long[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
      long t0 = System.nanoTime();
      sink += work.getAsLong();
      t[i] = System.nanoTime() - t0;
    }
    if (sink == 42) {
      System.out.print("");
    }
    Arrays.sort(t);
    return t[ROUNDS / 2];
  }

  /** Heap taken by a clock of the document (used heap after a GC, with and without it). */
  private static long heapOf(byte[] doc) {
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long before = rt.totalMemory() - rt.freeMemory();
    DocumentClock c = DocumentClock.of(doc);
    System.gc();
    long after = rt.totalMemory() - rt.freeMemory();
    java.lang.ref.Reference.reachabilityFence(c);
    return after - before;
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  private static List<byte[]> readList(Lib0Reader r) {
    int n = r.readVarUintAsInt();
    List<byte[]> l = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      l.add(r.readVarUint8Array());
    }
    return l;
  }
}
