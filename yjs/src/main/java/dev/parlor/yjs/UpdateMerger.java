package dev.parlor.yjs;

import java.util.List;
import java.util.PriorityQueue;

/**
 * Yjs's {@code mergeUpdates} on decoded updates. Same output bytes: structs ordered by client
 * (descending) then clock, structs another update already covered dropped, partial overlaps sliced,
 * gaps filled with Skips, adjacent GCs merged, delete sets merged.
 *
 * <p>Yjs re-sorts its list of update readers (stably) before each step; only the head reader moves
 * between sorts, so a heap where a re-inserted reader goes before readers with an equal position
 * gives the same order. One exception: when two updates hold an Item and a GC starting at the same
 * id, Yjs's comparator is inconsistent and either may win; this class always takes the Item. Both
 * results describe the same document (the GC range is in the delete set either way), but the bytes
 * can differ from Yjs's in that case.
 */
final class UpdateMerger {
  private static final class Cursor {
    final List<Struct> structs;
    int index;
    Struct curr;
    long seq;

    Cursor(List<Struct> structs) {
      this.structs = structs;
      next();
    }

    /** Advances to the next non-Skip struct (Yjs reads these with Skips filtered). */
    Struct next() {
      while (index < structs.size()) {
        Struct s = structs.get(index++);
        if (s.kind != Struct.SKIP) {
          curr = s;
          return s;
        }
      }
      curr = null;
      return null;
    }
  }

  private UpdateMerger() {}

  static byte[] merge(List<ParsedUpdate> updates, int expectedSize) {
    PriorityQueue<Cursor> heap = new PriorityQueue<>(Math.max(1, updates.size()), (a, b) -> {
      if (a.curr.client != b.curr.client) {
        return Long.compare(b.curr.client, a.curr.client);
      }
      if (a.curr.clock != b.curr.clock) {
        return Long.compare(a.curr.clock, b.curr.clock);
      }
      if (a.curr.kind != b.curr.kind) {
        // an Item and a GC at the same id: Yjs's comparator is inconsistent here and the winner
        // depends on its sort's internals; we take the Item (either gives the same document)
        return a.curr.kind == Struct.ITEM ? -1 : 1;
      }
      return Long.compare(a.seq, b.seq);
    });
    DeleteSet ds = new DeleteSet();
    long seq = 0;
    for (ParsedUpdate u : updates) {
      Cursor c = new Cursor(u.structs);
      c.seq = seq++;
      if (c.curr != null) {
        heap.add(c);
      }
      ds.addAll(u.ds);
    }
    ds.sortAndMerge();
    long reinserted = 0;
    StructWriter out = new StructWriter(expectedSize);
    Struct currWrite = null;
    while (!heap.isEmpty()) {
      Cursor dec = heap.poll();
      long firstClient = dec.curr.client;
      boolean proceed = true;
      if (currWrite != null) {
        Struct curr = dec.curr;
        boolean iterated = false;
        // skip what was already written (higher clients are written first)
        while (curr != null && curr.end() <= currWrite.end() && curr.client >= currWrite.client) {
          curr = dec.next();
          iterated = true;
        }
        if (curr == null || curr.client != firstClient
            || (iterated && curr.clock > currWrite.end())) {
          proceed = false;
        } else if (firstClient != currWrite.client) {
          out.write(currWrite, 0);
          currWrite = curr;
          dec.next();
        } else if (currWrite.end() < curr.clock) {
          // gap
          if (currWrite.kind == Struct.SKIP) {
            currWrite.length = curr.end() - currWrite.clock;
          } else {
            out.write(currWrite, 0);
            long diff = curr.clock - currWrite.end();
            currWrite = Struct.skip(firstClient, currWrite.end(), diff);
          }
        } else {
          long diff = currWrite.end() - curr.clock;
          if (diff > 0) {
            if (currWrite.kind == Struct.SKIP) {
              currWrite.length -= diff;
            } else {
              curr = curr.sliceFrom(diff);
            }
          }
          if (!mergeWith(currWrite, curr)) {
            out.write(currWrite, 0);
            currWrite = curr;
            dec.next();
          }
        }
      } else {
        currWrite = dec.curr;
        dec.next();
      }
      if (proceed) {
        for (Struct next = dec.curr;
            next != null && next.client == firstClient && next.clock == currWrite.end()
                && next.kind != Struct.SKIP;
            next = dec.next()) {
          out.write(currWrite, 0);
          currWrite = next;
        }
      }
      if (dec.curr != null) {
        dec.seq = --reinserted - 1;
        heap.add(dec);
      }
    }
    if (currWrite != null) {
      out.write(currWrite, 0);
    }
    return out.finish(ds);
  }

  /**
   * {@code mergeWith} of structs read from updates: GC with GC and Skip with Skip merge; Items never
   * do (Yjs requires {@code left.right === right}, which is never true outside a document).
   */
  private static boolean mergeWith(Struct left, Struct right) {
    if (left.kind == Struct.ITEM || left.kind != right.kind) {
      return false;
    }
    left.length += right.length;
    return true;
  }
}
