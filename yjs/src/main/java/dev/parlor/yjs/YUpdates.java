package dev.parlor.yjs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * The Yjs update format v1 over byte arrays: merge, diff, state vectors and compaction, with the
 * same results as the Yjs functions of the same names. Every method validates its input completely
 * and throws {@link YjsFormatException} for anything Yjs could not decode.
 */
public final class YUpdates {
  private static final byte[] EMPTY_UPDATE = {0, 0};
  private static final byte[] EMPTY_STATE_VECTOR = {0};

  private YUpdates() {}

  /** An update with no structs and no deletions. */
  public static byte[] emptyUpdate() {
    return EMPTY_UPDATE.clone();
  }

  /** The state vector of an empty document. */
  public static byte[] emptyStateVector() {
    return EMPTY_STATE_VECTOR.clone();
  }

  /**
   * Yjs's {@code mergeUpdates}: one update holding everything the given updates hold. Like Yjs, a
   * single update is returned as it is (after validation).
   */
  public static byte[] merge(List<byte[]> updates) {
    if (updates.size() == 1) {
      byte[] only = updates.get(0);
      ParsedUpdate.parse(only);
      return only.clone();
    }
    DisjointMerge.Result disjoint = DisjointMerge.tryMerge(updates);
    if (disjoint != null) {
      return disjoint.update();
    }
    return structMerge(updates);
  }

  /** A merged document and its clock. */
  public record MergedDocument(byte[] update, DocumentClock clock) {
  }

  /**
   * {@link #merge} and the {@link DocumentClock} of the result ({@code DocumentClock.of(merged)}),
   * the clock learnt during the merge where the updates do not overlap (a room's snapshot and log).
   */
  public static MergedDocument mergeWithClock(List<byte[]> updates) {
    DisjointMerge.Result disjoint = updates.size() > 1 ? DisjointMerge.tryMerge(updates) : null;
    if (disjoint != null) {
      return new MergedDocument(disjoint.update(), disjoint.clock());
    }
    byte[] merged = updates.isEmpty() ? emptyUpdate() : merge(updates);
    return new MergedDocument(merged, DocumentClock.of(merged));
  }

  private static byte[] structMerge(List<byte[]> updates) {
    List<ParsedUpdate> parsed = new ArrayList<>(updates.size());
    int size = 0;
    for (byte[] u : updates) {
      parsed.add(ParsedUpdate.parse(u));
      size += u.length;
    }
    return UpdateMerger.merge(parsed, size);
  }

  /**
   * Yjs's {@code diffUpdate}: the part of {@code update} that a peer with {@code stateVector} is
   * missing. Structs below the state vector are dropped, the one that straddles it is sliced; the
   * delete set is kept whole.
   */
  public static byte[] diff(byte[] update, byte[] stateVector) {
    Map<Long, Long> state = StateVectors.decode(stateVector);
    ParsedUpdate u = ParsedUpdate.parse(update);
    return diff(u, client -> state.getOrDefault(client, 0L), u.ds, update.length);
  }

  /**
   * {@link #diff} on a parsed update: structs of each client up to {@code clockOf(client)} dropped,
   * the straddling one sliced, followed by {@code ds}.
   */
  static byte[] diff(ParsedUpdate u, LongUnaryOperator clockOf, DeleteSet ds, int expectedSize) {
    List<Struct> structs = u.structs;
    StructWriter out = new StructWriter(expectedSize);
    int n = structs.size();
    int i = 0;
    while (i < n) {
      Struct curr = structs.get(i);
      long client = curr.client;
      long svClock = clockOf.applyAsLong(client);
      if (curr.kind == Struct.SKIP) {
        i++;
        continue;
      }
      if (curr.end() > svClock) {
        out.write(curr, Math.max(svClock - curr.clock, 0));
        i++;
        while (i < n && structs.get(i).client == client) {
          out.write(structs.get(i), 0);
          i++;
        }
      } else {
        while (i < n && structs.get(i).client == client && structs.get(i).end() <= svClock) {
          i++;
        }
      }
    }
    return out.finish(ds);
  }

  /** Yjs's {@code encodeStateVectorFromUpdate}: per client, the clock reached from 0 before a gap. */
  public static byte[] stateVector(byte[] update) {
    return StateVectors.fromUpdate(update);
  }

  /**
   * Merge plus garbage collection, as a fresh {@code gc: true} Y.Doc would encode its state after
   * applying the updates ({@code Y.encodeStateAsUpdate}): deleted items keep id, origins and parent
   * but their content becomes ContentDeleted; everything inside a deleted type becomes GC;
   * neighbouring mergeable structs merge. Structs a document could not integrate yet (missing
   * dependencies, gaps) are kept unchanged, as are deletions of clocks not integrated yet, exactly
   * like the pending structs and pending delete set a Y.Doc keeps and encodes.
   */
  public static byte[] compact(List<byte[]> updates) {
    return Compactor.compact(updates);
  }
}
