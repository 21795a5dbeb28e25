package dev.parlor.yjs;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a document holds, without its content: the state vector (per client, the clock reached
 * contiguously from 0) and the delete set (per client, merged clock ranges). A room keeps one next to
 * its stored updates to decide, per incoming update and without merging the document, whether the
 * update adds anything and which part of it to store and relay.
 *
 * <p>{@link #novelPart} and {@link #add} cost time proportional to the given update (times the log
 * of the number of delete ranges), never to the document. One thread; not synchronized.
 *
 * <p>The tracked state never claims more than the stored updates hold: structs that start beyond a
 * client's clock (a gap) do not advance it and are not remembered, so a later copy of such a struct
 * is judged novel again (harmless: merging drops duplicates).
 */
public final class DocumentClock {
  private final Map<Long, Long> clocks = new HashMap<>();
  /** Per client, disjoint non-touching ranges as start → end (exclusive). */
  private final Map<Long, TreeMap<Long, Long>> deleted = new HashMap<>();

  /** The clock of an empty document. */
  public DocumentClock() {}

  /** The clock of a document given as one (merged) update, e.g. a room's base. */
  public static DocumentClock of(byte[] update) {
    DocumentClock c = new DocumentClock();
    c.add(update);
    return c;
  }

  /**
   * The part of {@code update} the document does not hold yet, or null when it adds nothing: every
   * struct ends at or below this state vector and every deleted range is already deleted. Otherwise
   * the update without the structs below the state vector (the straddling one sliced, as {@link
   * YUpdates#diff}) and with only the deleted ranges that are new. When nothing is dropped the
   * result is a copy of {@code update}.
   *
   * @throws YjsFormatException when {@code update} is not a valid v1 update
   */
  public byte[] novelPart(byte[] update) {
    // a first pass without keeping structs; the update is parsed again only to drop some of them
    boolean[] news = new boolean[2]; // [0]: some struct is new, [1]: some struct is (partly) known
    DeleteSet ds = ParsedUpdate.scan(update, s -> {
      if (s.kind != Struct.SKIP) {
        long known = clock(s.client);
        news[0] |= s.end() > known;
        news[1] |= s.clock < known;
      }
    });
    DeleteSet newDeletes = new DeleteSet();
    boolean droppedDeletes = false;
    for (Map.Entry<Long, DeleteSet.Ranges> e : ds.clients.entrySet()) {
      DeleteSet.Ranges ranges = e.getValue();
      int before = ranges.size;
      ranges.sortAndMerge();
      droppedDeletes |= ranges.size != before;
      TreeMap<Long, Long> have = deleted.get(e.getKey());
      for (int i = 0; i < ranges.size; i++) {
        long start = ranges.clock(i);
        long end = start + ranges.len(i);
        if (start == end) {
          droppedDeletes = true;
        } else if (have == null) {
          newDeletes.add(e.getKey(), start, end - start);
        } else {
          droppedDeletes |= subtract(have, start, end, e.getKey(), newDeletes);
        }
      }
    }
    if (!news[0] && newDeletes.clients.isEmpty()) {
      return null;
    }
    if (!news[1] && !droppedDeletes) {
      return update.clone();
    }
    return YUpdates.diff(ParsedUpdate.parse(update), this::clock, newDeletes, update.length);
  }

  /**
   * Appends to {@code out} the parts of [start, end) not in {@code have}; true when some part was
   * already there.
   */
  private static boolean subtract(TreeMap<Long, Long> have, long start, long end, long client,
      DeleteSet out) {
    boolean overlap = false;
    long from = start;
    Map.Entry<Long, Long> r = have.floorEntry(start);
    if (r == null || r.getValue() <= start) {
      r = have.higherEntry(start);
    }
    while (r != null && r.getKey() < end) {
      overlap = true;
      if (r.getKey() > from) {
        out.add(client, from, r.getKey() - from);
      }
      from = Math.max(from, r.getValue());
      if (from >= end) {
        break;
      }
      r = have.higherEntry(r.getKey());
    }
    if (from < end) {
      out.add(client, from, end - from);
    }
    return overlap;
  }

  /**
   * Integrates an update that was stored: advances each client's clock over structs that continue
   * it (not past a gap) and adds the deleted ranges.
   *
   * @throws YjsFormatException when {@code update} is not a valid v1 update
   */
  public void add(byte[] update) {
    // new clocks are collected first: nothing of an update that fails to decode is taken
    Map<Long, Long> advanced = new HashMap<>();
    DeleteSet ds = ParsedUpdate.scan(update, s -> {
      if (s.kind != Struct.SKIP) {
        Long a = advanced.get(s.client);
        long known = a != null ? a : clock(s.client);
        if (s.clock <= known && s.end() > known) {
          advanced.put(s.client, s.end());
        }
      }
    });
    clocks.putAll(advanced);
    addDeletes(ds);
  }

  /**
   * The clock of a merge's result from what the merge learnt on its way: each client's clock (the
   * end of its structs contiguous from 0) and the merged delete set. Same as {@link #of} of the
   * result, without a pass over its structs.
   */
  static DocumentClock of(Map<Long, Long> clientClocks, DeleteSet ds) {
    DocumentClock c = new DocumentClock();
    c.clocks.putAll(clientClocks);
    c.addDeletes(ds);
    return c;
  }

  private void addDeletes(DeleteSet ds) {
    for (Map.Entry<Long, DeleteSet.Ranges> e : ds.clients.entrySet()) {
      DeleteSet.Ranges ranges = e.getValue();
      TreeMap<Long, Long> have = null;
      for (int i = 0; i < ranges.size; i++) {
        if (ranges.len(i) > 0) {
          if (have == null) {
            have = deleted.computeIfAbsent(e.getKey(), k -> new TreeMap<>());
          }
          insert(have, ranges.clock(i), ranges.clock(i) + ranges.len(i));
        }
      }
    }
  }

  /** Adds [start, end), merging it with the ranges it overlaps or touches. */
  private static void insert(TreeMap<Long, Long> have, long start, long end) {
    Map.Entry<Long, Long> left = have.floorEntry(start);
    if (left != null && left.getValue() >= start) {
      if (left.getValue() >= end) {
        return;
      }
      start = left.getKey();
    }
    for (Map.Entry<Long, Long> r = have.ceilingEntry(start); r != null && r.getKey() <= end;
        r = have.ceilingEntry(start)) {
      end = Math.max(end, r.getValue());
      have.remove(r.getKey());
    }
    have.put(start, end);
  }

  /** The clock reached by {@code client} (0 when the document has nothing of it). */
  public long clock(long client) {
    Long c = clocks.get(client);
    return c == null ? 0 : c;
  }

  /** The state vector, encoded as Yjs's {@code encodeStateVector} (clients in descending order). */
  public byte[] stateVector() {
    return StateVectors.encode(clocks);
  }

  /** Whether both clocks hold the same clocks and deleted ranges (for tests). */
  boolean holdsTheSameAs(DocumentClock other) {
    return clocks.equals(other.clocks) && deleted.equals(other.deleted);
  }

  /** Number of merged delete ranges held (memory grows with it). */
  int deleteRanges() {
    int n = 0;
    for (TreeMap<Long, Long> t : deleted.values()) {
      n += t.size();
    }
    return n;
  }
}
