package dev.parlor.yjs;

/**
 * One struct of an update: a GC range, a Skip (gap) or an Item. Item content is kept as the encoded
 * bytes that follow the item header, so untouched items are copied without decoding their content.
 */
final class Struct {
  static final byte GC = 0;
  static final byte ITEM = 1;
  static final byte SKIP = 2;

  static final byte PARENT_NONE = 0;
  static final byte PARENT_ROOT = 1;
  static final byte PARENT_ID = 2;

  byte kind;
  long client;
  long clock;
  long length;

  // Item header
  int contentRef;
  boolean hasOrigin;
  long originClient;
  long originClock;
  boolean hasRightOrigin;
  long rightClient;
  long rightClock;
  byte parentKind;
  long parentClient;
  long parentClock;
  /** Holds the root type name and parentSub (raw, validated UTF-8). */
  byte[] meta;
  int parentNameOff;
  int parentNameLen;
  int subOff = -1;
  int subLen;

  // Item content, encoded
  byte[] content;
  int contentOff;
  int contentLen;

  // Compaction bookkeeping (see Compactor)
  static final byte PENDING = 0;
  static final byte INTEGRATED = 1;
  static final byte COLLECTED = 2; // ends up as a GC struct
  byte state;
  /** Resolved parent: a root type name (String) or the type's Item (Struct). */
  Object parent;
  /** Resolved parentSub (map key), or null for list content. */
  String key;
  /** Deleted as a whole by an overwrite in a map (not in any delete set). */
  boolean overwritten;

  static Struct gc(long client, long clock, long length) {
    Struct s = new Struct();
    s.kind = GC;
    s.client = client;
    s.clock = clock;
    s.length = length;
    return s;
  }

  static Struct skip(long client, long clock, long length) {
    Struct s = gc(client, clock, length);
    s.kind = SKIP;
    return s;
  }

  long end() {
    return clock + length;
  }

  boolean isItem() {
    return kind == ITEM;
  }

  boolean hasParentSub() {
    return subOff >= 0;
  }

  /** Same fields, independent object (content bytes are shared, never mutated in place). */
  Struct copy() {
    Struct s = new Struct();
    s.kind = kind;
    s.client = client;
    s.clock = clock;
    s.length = length;
    s.contentRef = contentRef;
    s.hasOrigin = hasOrigin;
    s.originClient = originClient;
    s.originClock = originClock;
    s.hasRightOrigin = hasRightOrigin;
    s.rightClient = rightClient;
    s.rightClock = rightClock;
    s.parentKind = parentKind;
    s.parentClient = parentClient;
    s.parentClock = parentClock;
    s.meta = meta;
    s.parentNameOff = parentNameOff;
    s.parentNameLen = parentNameLen;
    s.subOff = subOff;
    s.subLen = subLen;
    s.content = content;
    s.contentOff = contentOff;
    s.contentLen = contentLen;
    return s;
  }

  /**
   * The part of this struct from {@code diff} on, as Yjs's {@code sliceStruct}: an item's right part
   * gets the left part's last id as origin and keeps right origin, parent and parentSub.
   */
  Struct sliceFrom(long diff) {
    if (kind != ITEM) {
      Struct s = gc(client, clock + diff, length - diff);
      s.kind = kind;
      return s;
    }
    Struct s = copy();
    s.clock = clock + diff;
    s.length = length - diff;
    s.hasOrigin = true;
    s.originClient = client;
    s.originClock = clock + diff - 1;
    ItemContent.setContent(s, ItemContent.slice(this, diff, length));
    return s;
  }

  /** Writes the struct as Yjs's {@code write(encoder, offset)} does. */
  void write(Lib0Writer w, long offset) {
    if (kind == GC) {
      w.writeUint8(0).writeVarUint(length - offset);
      return;
    }
    if (kind == SKIP) {
      w.writeUint8(10).writeVarUint(length - offset);
      return;
    }
    boolean origin = offset > 0 || hasOrigin;
    int info = (contentRef & 0x1f) | (origin ? 0x80 : 0) | (hasRightOrigin ? 0x40 : 0)
        | (subOff >= 0 ? 0x20 : 0);
    w.writeUint8(info);
    if (offset > 0) {
      w.writeVarUint(client).writeVarUint(clock + offset - 1);
    } else if (hasOrigin) {
      w.writeVarUint(originClient).writeVarUint(originClock);
    }
    if (hasRightOrigin) {
      w.writeVarUint(rightClient).writeVarUint(rightClock);
    }
    if (!origin && !hasRightOrigin) {
      if (parentKind == PARENT_ROOT) {
        w.writeUint8(1).writeVarUint(parentNameLen).writeBytes(meta, parentNameOff, parentNameLen);
      } else if (parentKind == PARENT_ID) {
        w.writeUint8(0).writeVarUint(parentClient).writeVarUint(parentClock);
      } else {
        throw new IllegalStateException("item without parent information");
      }
      if (subOff >= 0) {
        w.writeVarUint(subLen).writeBytes(meta, subOff, subLen);
      }
    }
    if (offset == 0) {
      w.writeBytes(content, contentOff, contentLen);
    } else {
      w.writeBytes(ItemContent.slice(this, offset, length));
    }
  }

  @Override
  public String toString() {
    String k = kind == GC ? "GC" : kind == SKIP ? "Skip" : "Item(ref " + contentRef + ")";
    return k + "[" + client + ":" + clock + "+" + length + "]";
  }
}
