package dev.parlor.yjs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code mergeUpdates} for the common case where no two updates hold the same struct: a room's
 * snapshot and the log entries after it, a base and its tail. Each client section is then written
 * as a whole, struct after struct as read (re-encoded as Yjs would: Yjs normalizes some headers),
 * and the sections are only re-framed (ordered by client, gaps filled with Skips): no struct
 * objects, no ordering of structs, no slicing.
 * Returns null, and {@link UpdateMerger} does the work, whenever Yjs's merge would change a struct:
 * overlapping clock ranges, Skips in the input, or GCs that meet (Yjs merges those).
 */
final class DisjointMerge {
  private DisjointMerge() {}

  /** One client section of an input: where its structs' bytes lie and what clocks they cover. */
  private record Section(long client, long first, long end, int count, Lib0Writer src, int from, int to,
                         byte firstKind, byte lastKind, int order) {
  }

  /** A merged update and its clock. */
  record Result(byte[] update, DocumentClock clock) {
  }

  /**
   * The merged update and its {@link DocumentClock} (learnt from the sections and the merged
   * deletions, no extra pass), or null when the inputs overlap (or need struct-level merging).
   */
  static Result tryMerge(List<byte[]> updates) {
    List<Section> sections = new ArrayList<>();
    DeleteSet ds = new DeleteSet();
    for (byte[] u : updates) {
      if (!scan(u, sections, ds)) {
        return null;
      }
    }
    sections.sort((a, b) -> a.client != b.client ? Long.compare(b.client, a.client)
        : a.first != b.first ? Long.compare(a.first, b.first) : Integer.compare(a.order, b.order));
    int clients = 0;
    for (int i = 0; i < sections.size(); i++) {
      Section s = sections.get(i);
      if (i == 0 || sections.get(i - 1).client != s.client) {
        clients++;
      } else {
        Section prev = sections.get(i - 1);
        boolean touching = prev.end == s.first;
        if (prev.end > s.first || touching && prev.lastKind == Struct.GC && s.firstKind == Struct.GC) {
          return null;
        }
      }
    }
    ds.sortAndMerge();
    Lib0Writer deletions = new Lib0Writer(16);
    ds.write(deletions);
    // per client: where its sections start, how many structs it writes (Skips included)
    int[] groupStart = new int[clients + 1];
    long[] counts = new long[clients];
    Map<Long, Long> clocks = new HashMap<>();
    int size = Lib0Writer.varUintSize(clients) + deletions.length();
    for (int i = 0, g = 0; i < sections.size(); g++) {
      Section head = sections.get(i);
      groupStart[g] = i;
      long contiguousEnd = head.first == 0 ? head.end : -1; // the clock: end of the run from 0
      int j = i;
      for (; j < sections.size() && sections.get(j).client == head.client; j++) {
        Section s = sections.get(j);
        long gap = j > i ? s.first - sections.get(j - 1).end : 0;
        counts[g] += s.count + (gap > 0 ? 1 : 0);
        size += s.to - s.from + (gap > 0 ? 1 + Lib0Writer.varUintSize(gap) : 0);
        if (j > i && contiguousEnd == sections.get(j - 1).end && gap == 0) {
          contiguousEnd = s.end;
        }
      }
      size += Lib0Writer.varUintSize(counts[g]) + Lib0Writer.varUintSize(head.client)
          + Lib0Writer.varUintSize(head.first);
      if (contiguousEnd > 0) {
        clocks.put(head.client, contiguousEnd);
      }
      i = j;
    }
    groupStart[clients] = sections.size();
    Lib0Writer out = new Lib0Writer(size); // sized exactly: the array is the result, no copy
    out.writeVarUint(clients);
    for (int g = 0; g < clients; g++) {
      Section head = sections.get(groupStart[g]);
      out.writeVarUint(counts[g]).writeVarUint(head.client).writeVarUint(head.first);
      for (int k = groupStart[g]; k < groupStart[g + 1]; k++) {
        Section s = sections.get(k);
        if (k > groupStart[g] && sections.get(k - 1).end < s.first) {
          out.writeUint8(10).writeVarUint(s.first - sections.get(k - 1).end); // a Skip over the gap
        }
        out.writeBytes(s.src.buffer(), s.from, s.to - s.from);
      }
    }
    out.writeBytes(deletions.buffer(), 0, deletions.length());
    return new Result(out.detach(), DocumentClock.of(clocks, ds));
  }

  /**
   * Validates one update as {@link ParsedUpdate#parse} does and records its non-empty sections and
   * deletions; false when it holds something only struct-level merging reproduces.
   */
  private static boolean scan(byte[] update, List<Section> sections, DeleteSet ds) {
    Lib0Reader r = new Lib0Reader(update);
    long numClients = r.readVarUint();
    Struct s = new Struct();
    Lib0Writer canonical = new Lib0Writer(update.length);
    for (long c = 0; c < numClients; c++) {
      long numStructs = r.readVarUint();
      long client = r.readVarUint();
      long first = r.readVarUint();
      long clock = first;
      int from = canonical.length();
      byte firstKind = 0;
      byte prevKind = -1;
      for (long i = 0; i < numStructs; i++) {
        ParsedUpdate.readStruct(r, client, clock, s);
        if (s.kind == Struct.SKIP || s.length == 0 || s.kind == Struct.GC && prevKind == Struct.GC) {
          return false; // the fallback parses (and validates) every input again
        }
        if (i == 0) {
          firstKind = s.kind;
        }
        prevKind = s.kind;
        s.write(canonical, 0);
        clock += s.length;
        if (clock > ParsedUpdate.MAX_CLOCK) {
          throw new YjsFormatException("clock out of range", r.pos());
        }
      }
      if (numStructs > 0) {
        sections.add(new Section(client, first, clock, (int) numStructs, canonical, from, canonical.length(),
            firstKind, prevKind,
            sections.size()));
      }
    }
    ds.addAll(DeleteSet.read(r));
    if (r.hasRemaining()) {
      throw new YjsFormatException("unexpected bytes after the delete set", r.pos());
    }
    return true;
  }
}
