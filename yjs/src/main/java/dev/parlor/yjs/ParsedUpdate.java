package dev.parlor.yjs;

import java.util.ArrayList;
import java.util.List;

/** A v1 update decoded into its structs (in update order, Skips included) and its delete set. */
final class ParsedUpdate {
  final List<Struct> structs;
  final DeleteSet ds;

  private ParsedUpdate(List<Struct> structs, DeleteSet ds) {
    this.structs = structs;
    this.ds = ds;
  }

  /**
   * Decodes and validates a whole update. Fails with {@link YjsFormatException} on anything Yjs
   * could not decode, and on bytes left over after the delete set.
   */
  static ParsedUpdate parse(byte[] update) {
    Lib0Reader r = new Lib0Reader(update);
    long numClients = r.readVarUint();
    List<Struct> structs = new ArrayList<>(Math.min(16, r.remaining()));
    for (long c = 0; c < numClients; c++) {
      long numStructs = r.readVarUint();
      long client = r.readVarUint();
      long clock = r.readVarUint();
      for (long i = 0; i < numStructs; i++) {
        Struct s = readStruct(r, client, clock, new Struct());
        structs.add(s);
        clock += s.length;
        if (clock > MAX_CLOCK) {
          throw new YjsFormatException("clock out of range", r.pos());
        }
      }
    }
    DeleteSet ds = DeleteSet.read(r);
    if (r.hasRemaining()) {
      throw new YjsFormatException("unexpected bytes after the delete set", r.pos());
    }
    return new ParsedUpdate(structs, ds);
  }

  /**
   * Decodes and validates a whole update like {@link #parse}, handing each struct to {@code visit}
   * without keeping it: the same Struct object is reused, so visitors must copy what they keep.
   * Returns the delete set.
   */
  static DeleteSet scan(byte[] update, java.util.function.Consumer<Struct> visit) {
    Lib0Reader r = new Lib0Reader(update);
    long numClients = r.readVarUint();
    Struct s = new Struct();
    for (long c = 0; c < numClients; c++) {
      long numStructs = r.readVarUint();
      long client = r.readVarUint();
      long clock = r.readVarUint();
      for (long i = 0; i < numStructs; i++) {
        readStruct(r, client, clock, s);
        visit.accept(s);
        clock += s.length;
        if (clock > MAX_CLOCK) {
          throw new YjsFormatException("clock out of range", r.pos());
        }
      }
    }
    DeleteSet ds = DeleteSet.read(r);
    if (r.hasRemaining()) {
      throw new YjsFormatException("unexpected bytes after the delete set", r.pos());
    }
    return ds;
  }

  /** Largest clock accepted: JavaScript numbers are exact up to 2^53. */
  static final long MAX_CLOCK = 1L << 53;

  static Struct readStruct(Lib0Reader r, long client, long clock, Struct s) {
    int at = r.pos();
    int info = r.readUint8();
    s.hasOrigin = false;
    s.hasRightOrigin = false;
    s.parentKind = Struct.PARENT_NONE;
    s.subOff = -1;
    s.client = client;
    s.clock = clock;
    if (info == 10) {
      s.kind = Struct.SKIP;
      s.length = r.readVarUint();
      return s;
    }
    int ref = info & 0x1f;
    if (ref == 0) {
      s.kind = Struct.GC;
      s.length = r.readVarUint();
      return s;
    }
    if (ref > 9) {
      throw new YjsFormatException("unknown content ref " + ref, at);
    }
    s.kind = Struct.ITEM;
    s.contentRef = ref;
    if ((info & 0x80) != 0) {
      s.hasOrigin = true;
      s.originClient = r.readVarUint();
      s.originClock = r.readVarUint();
    }
    if ((info & 0x40) != 0) {
      s.hasRightOrigin = true;
      s.rightClient = r.readVarUint();
      s.rightClock = r.readVarUint();
    }
    if ((info & 0xc0) == 0) {
      byte[] b = r.array();
      s.meta = b;
      if (r.readVarUint() == 1) {
        s.parentKind = Struct.PARENT_ROOT;
        int off = r.skipVarUint8Array();
        s.parentNameOff = off;
        s.parentNameLen = r.pos() - off;
        Utf8.utf16Length(b, off, s.parentNameLen);
      } else {
        s.parentKind = Struct.PARENT_ID;
        s.parentClient = r.readVarUint();
        s.parentClock = r.readVarUint();
      }
      if ((info & 0x20) != 0) {
        int off = r.skipVarUint8Array();
        s.subOff = off;
        s.subLen = r.pos() - off;
        Utf8.utf16Length(b, off, s.subLen);
      }
    }
    s.length = ItemContent.read(r, ref, s);
    return s;
  }
}
