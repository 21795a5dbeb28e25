package dev.parlor.yjs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a compacted document: integrated structs with deleted content replaced (ContentDeleted,
 * or GC inside deleted types), neighbours merged where Yjs could merge them, pending structs as they
 * came (after a Skip where there is a gap), and the delete set of everything deleted plus the
 * deletions that refer to clocks not integrated yet.
 */
final class CompactOutput {
  private final Compactor c;
  private final DeleteSet outDs = new DeleteSet();
  private StructWriter out;

  // the run of mergeable structs being built
  private final List<Struct> run = new ArrayList<>();
  private long runLength;

  CompactOutput(Compactor c) {
    this.c = c;
  }

  byte[] write(int sizeHint) {
    out = new StructWriter(Math.max(64, sizeHint / 2));
    List<Long> ids = new ArrayList<>(c.clients.keySet());
    ids.sort((a, b) -> Long.compare(b, a));
    for (long id : ids) {
      writeClient(c.clients.get(id));
    }
    // deletions of clocks no document has integrated (pending deletes)
    for (Map.Entry<Long, DeleteSet.Ranges> e : c.ds.clients.entrySet()) {
      Compactor.Client cl = c.clients.get(e.getKey());
      long state = cl == null ? 0 : cl.state;
      DeleteSet.Ranges r = e.getValue();
      for (int i = 0; i < r.size; i++) {
        long end = r.clock(i) + r.len(i);
        if (end > state) {
          long from = Math.max(r.clock(i), state);
          outDs.add(e.getKey(), from, end - from);
        }
      }
    }
    outDs.sortAndMerge();
    return out.finish(outDs);
  }

  private void writeClient(Compactor.Client cl) {
    DeleteSet.Ranges dels = c.ds.clients.get(cl.id);
    int d = 0;
    for (int i = 0; i < cl.next; i++) {
      Struct s = cl.structs[i];
      if (s.kind == Struct.GC || s.state == Struct.COLLECTED) {
        emit(Struct.gc(s.client, s.clock, s.length));
        continue;
      }
      if (s.overwritten || s.contentRef == ItemContent.DELETED) {
        emit(deletedPiece(s, s.clock, s.end()));
        continue;
      }
      // split by the delete set
      long pos = s.clock;
      while (dels != null && d < dels.size && dels.clock(d) + dels.len(d) <= pos) {
        d++;
      }
      int k = d;
      ItemContent.Slicer slicer = null;
      while (pos < s.end()) {
        if (dels == null || k >= dels.size || dels.clock(k) >= s.end()) {
          if (pos == s.clock) {
            emit(s);
          } else {
            slicer = slicer == null ? new ItemContent.Slicer(s) : slicer;
            emit(alivePiece(s, slicer, pos, s.end()));
          }
          pos = s.end();
        } else if (dels.clock(k) > pos) {
          long to = dels.clock(k);
          slicer = slicer == null ? new ItemContent.Slicer(s) : slicer;
          emit(alivePiece(s, slicer, pos, to));
          pos = to;
        } else {
          long to = Math.min(s.end(), dels.clock(k) + dels.len(k));
          emit(deletedPiece(s, pos, to));
          pos = to;
          if (to == dels.clock(k) + dels.len(k)) {
            k++;
          }
        }
      }
    }
    flush();
    long end = cl.state;
    for (int i = cl.next; i < cl.size; i++) {
      Struct s = cl.structs[i];
      if (s.clock > end && i > 0) {
        out.write(Struct.skip(s.client, end, s.clock - end), 0);
      }
      out.write(s, 0);
      end = s.end();
    }
  }

  /** The part [from, to) of item {@code s}, header as Yjs gives split items. */
  private static Struct piece(Struct s, long from, long to) {
    Struct p = s.copy();
    p.clock = from;
    p.length = to - from;
    if (from > s.clock) {
      p.hasOrigin = true;
      p.originClient = s.client;
      p.originClock = from - 1;
    }
    return p;
  }

  private static Struct alivePiece(Struct s, ItemContent.Slicer slicer, long from, long to) {
    Struct p = piece(s, from, to);
    ItemContent.setContent(p, slicer.slice(from - s.clock, to - s.clock));
    return p;
  }

  private Struct deletedPiece(Struct s, long from, long to) {
    Struct p = piece(s, from, to);
    p.contentRef = ItemContent.DELETED;
    ItemContent.setContent(p, ItemContent.deleted(to - from));
    return p;
  }

  private void emit(Struct p) {
    if (p.kind == Struct.GC || p.contentRef == ItemContent.DELETED) {
      outDs.add(p.client, p.clock, p.length);
    }
    if (!run.isEmpty() && !mergeable(run.get(0), run.get(run.size() - 1), p)) {
      flush();
    }
    run.add(p);
    runLength += p.length;
  }

  /** Whether {@code p} can extend the run (Yjs's mergeWith conditions that a document keeps). */
  private boolean mergeable(Struct first, Struct last, Struct p) {
    if (p.client != first.client || p.clock != first.clock + runLength) {
      return false;
    }
    if (first.kind == Struct.GC || p.kind == Struct.GC) {
      return first.kind == p.kind;
    }
    return p.contentRef == first.contentRef && ItemContent.mergeable(p.contentRef)
        && p.hasOrigin && p.originClient == p.client && p.originClock == p.clock - 1
        && p.hasRightOrigin == last.hasRightOrigin
        && (!p.hasRightOrigin
            || (p.rightClient == last.rightClient && p.rightClock == last.rightClock));
  }

  private void flush() {
    if (run.isEmpty()) {
      return;
    }
    Struct first = run.get(0);
    if (run.size() == 1) {
      out.write(first, 0);
    } else if (first.kind == Struct.GC) {
      out.write(Struct.gc(first.client, first.clock, runLength), 0);
    } else {
      Struct merged = first.copy();
      merged.length = runLength;
      ItemContent.setContent(merged, ItemContent.concat(run));
      out.write(merged, 0);
    }
    run.clear();
    runLength = 0;
  }
}
