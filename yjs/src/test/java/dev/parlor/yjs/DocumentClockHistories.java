package dev.parlor.yjs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * {@link DocumentClock} over the differential test's random histories: the updates of a history are
 * fed in three orders (as generated, shuffled, and shuffled after a base holding a merged part)
 * through {@code novelPart}/{@code add}, as a room would store them. Checked per order:
 *
 * <ul>
 *   <li>the novel parts merge to the same document as all updates (state vector, compact bytes);
 *   <li>a novel part holds the same structs as {@code YUpdates.diff} against the clock's vector;
 *   <li>step by step (for one of the first two orders, alternately): every null is right (the
 *       updates so far without that one give the same document), and {@code stateVector()} equals
 *       that of the merge of the updates so far while no gap has been seen, and is never ahead of it;
 *   <li>a second pass gives only nulls when the order had no gap; after gaps (pending structs are
 *       forgotten), repeated passes end with nulls, and a clock rebuilt from the merged novel parts
 *       (as at a fold of the tail) answers null to every update at once.
 * </ul>
 */
final class DocumentClockHistories {
  static long orders;
  static long updatesFed;
  static long nulls;
  static long gappedOrders;
  static long vectorsCompared;
  static long nanos;

  private DocumentClockHistories() {}

  /** Runs the checks; returns the merged novel parts of one shuffled order, for Yjs to check. */
  static byte[] check(List<byte[]> updates, long caseSeed) {
    long t0 = System.nanoTime();
    try {
      return checkOrders(updates, caseSeed);
    } finally {
      nanos += System.nanoTime() - t0;
    }
  }

  private static byte[] checkOrders(List<byte[]> updates, long caseSeed) {
    Random rnd = new Random(caseSeed);
    List<List<byte[]>> orders = new ArrayList<>();
    orders.add(updates);
    for (int i = 0; i < 2; i++) {
      List<byte[]> s = new ArrayList<>(updates);
      Collections.shuffle(s, rnd);
      orders.add(s);
    }
    byte[] all = merge(updates);
    byte[] allCompact = YUpdates.compact(List.of(all));
    byte[] allSv = YUpdates.stateVector(all);
    byte[] forYjs = null;
    for (int o = 0; o < orders.size(); o++) {
      List<byte[]> order = orders.get(o);
      int baseSize = o == 2 ? rnd.nextInt(order.size() + 1) : 0;
      // step-by-step comparisons (a merge per update, quadratic) for one order per history: the
      // order as generated or the shuffle, alternately
      boolean perStep = o == (caseSeed & 1);
      byte[] merged = feed(order, baseSize, perStep, allSv, allCompact, "order " + o);
      if (o == 1) {
        forYjs = merged;
      }
    }
    return forYjs;
  }

  private static byte[] feed(List<byte[]> order, int baseSize, boolean perStep, byte[] allSv,
      byte[] allCompact, String what) {
    DocumentClock clock;
    List<byte[]> stored = new ArrayList<>();
    List<byte[]> soFar = order.subList(0, baseSize);
    if (baseSize > 0) {
      byte[] base = merge(soFar);
      clock = DocumentClock.of(base);
      stored.add(base);
    } else {
      clock = new DocumentClock();
    }
    byte[] mergedSoFar = merge(soFar);
    boolean gapFree = perStep && !hasPending(mergedSoFar);
    orders++;
    for (byte[] u : order.subList(baseSize, order.size())) {
      updatesFed++;
      byte[] sv = clock.stateVector();
      byte[] novel = clock.novelPart(u);
      byte[] before = mergedSoFar;
      if (perStep) {
        mergedSoFar = merge(List.of(before, u)); // the document of all so far
      }
      if (novel == null) {
        nulls++;
        if (perStep) {
          expect(Arrays.equals(YUpdates.stateVector(before), YUpdates.stateVector(mergedSoFar))
              && Arrays.equals(compact(before), compact(mergedSoFar)),
              () -> what + ": null for an update that adds something");
        }
      } else {
        expect(structs(novel).equals(structs(YUpdates.diff(u, sv))),
            () -> what + ": novel part holds other structs than diff against the clock's vector");
        stored.add(novel);
        clock.add(novel);
      }
      if (!perStep) {
        continue;
      }
      gapFree = gapFree && !hasPending(mergedSoFar);
      Map<Long, Long> have = StateVectors.decode(clock.stateVector());
      Map<Long, Long> truth = StateVectors.decode(YUpdates.stateVector(mergedSoFar));
      if (gapFree) {
        vectorsCompared++;
        expect(have.equals(truth),
            () -> what + ": state vector " + have + ", merged updates " + truth);
      } else {
        for (Map.Entry<Long, Long> e : have.entrySet()) {
          expect(e.getValue() <= truth.getOrDefault(e.getKey(), 0L),
              () -> what + ": state vector " + have + " ahead of the merged updates " + truth);
        }
      }
    }
    if (perStep && !gapFree) {
      gappedOrders++;
    }
    byte[] mergedStored = merge(stored);
    expect(Arrays.equals(allSv, YUpdates.stateVector(mergedStored)),
        () -> what + ": stored parts have another state vector than all updates");
    expect(Arrays.equals(allCompact, compact(mergedStored)),
        () -> what + ": stored parts compact to another document than all updates");
    // second pass on the same clock: nulls without gaps; with gaps, nulls within a few passes
    for (int pass = 1; ; pass++) {
      boolean allNull = true;
      for (byte[] u : order) {
        byte[] novel = clock.novelPart(u);
        if (novel != null) {
          expect(!gapFree || !perStep,
              () -> what + ": second pass without gaps gives a novel part");
          allNull = false;
          clock.add(novel);
        }
      }
      if (allNull) {
        break;
      }
      expect(pass <= order.size(), () -> what + ": passes do not end with nulls");
    }
    if (!hasPending(mergedStored)) {
      DocumentClock rebuilt = DocumentClock.of(mergedStored);
      for (byte[] u : order) {
        expect(rebuilt.novelPart(u) == null,
            () -> what + ": clock of the merged novel parts finds news");
      }
    }
    return mergedStored;
  }

  private static byte[] merge(List<byte[]> updates) {
    return updates.isEmpty() ? YUpdates.emptyUpdate() : YUpdates.merge(updates);
  }

  private static byte[] compact(byte[] update) {
    return YUpdates.compact(List.of(update));
  }

  /** Whether a merged update holds structs beyond its own state vector (after a gap). */
  private static boolean hasPending(byte[] merged) {
    return !ParsedUpdate.parse(YUpdates.diff(merged, YUpdates.stateVector(merged))).structs.isEmpty();
  }

  /** Kind, client, clock and length of each struct but Skips. */
  private static List<Long> structs(byte[] update) {
    List<Long> out = new ArrayList<>();
    ParsedUpdate.scan(update, s -> {
      if (s.kind != Struct.SKIP) {
        out.addAll(List.of((long) s.kind, s.client, s.clock, s.length));
      }
    });
    return out;
  }

  private static void expect(boolean ok, Supplier<String> what) {
    if (!ok) {
      throw new AssertionError("DocumentClock: " + what.get());
    }
  }

  static String summary() {
    return String.format("DocumentClock: %d orders, %d updates fed, %d judged not novel, %d step-checked orders"
        + " with gaps, %d state vectors compared, %.1f ms", orders, updatesFed, nulls, gappedOrders,
        vectorsCompared, nanos / 1e6);
  }
}
