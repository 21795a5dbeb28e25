package dev.parlor.yjs;

/** Reading, validating and slicing the content of Items, by content ref (1..9). */
final class ItemContent {
  static final int DELETED = 1;
  static final int JSON = 2;
  static final int BINARY = 3;
  static final int STRING = 4;
  static final int EMBED = 5;
  static final int FORMAT = 6;
  static final int TYPE = 7;
  static final int ANY = 8;
  static final int DOC = 9;

  private static final byte[] UNDEFINED = {'u', 'n', 'd', 'e', 'f', 'i', 'n', 'e', 'd'};

  private ItemContent() {}

  /**
   * Reads the content of {@code ref} at the reader's position, validating it as Yjs would decode it
   * (UTF-8, JSON syntax, lib0 any, type refs), records its bytes in {@code s} and returns the item's
   * length in clock units.
   */
  static long read(Lib0Reader r, int ref, Struct s) {
    int start = r.pos();
    long length;
    switch (ref) {
      case DELETED:
        length = r.readVarUint();
        break;
      case JSON: {
        length = r.readVarUint();
        for (long i = 0; i < length; i++) {
          jsonString(r, true);
        }
        break;
      }
      case BINARY:
        r.skipVarUint8Array();
        length = 1;
        break;
      case STRING: {
        int dataStart = r.skipVarUint8Array();
        length = Utf8.utf16Length(r.array(), dataStart, r.pos() - dataStart);
        break;
      }
      case EMBED:
        jsonString(r, false);
        length = 1;
        break;
      case FORMAT:
        Lib0Any.skipString(r);
        jsonString(r, false);
        length = 1;
        break;
      case TYPE: {
        int typeRef = r.readVarUintAsInt();
        if (typeRef > 6) {
          throw new YjsFormatException("unknown type ref " + typeRef, start);
        }
        if (typeRef == 3 || typeRef == 5) {
          Lib0Any.skipString(r); // xml element node name / xml hook name
        }
        length = 1;
        break;
      }
      case ANY: {
        length = r.readVarUint();
        for (long i = 0; i < length; i++) {
          Lib0Any.skip(r);
        }
        break;
      }
      case DOC: {
        Lib0Any.skipString(r); // guid
        int optsAt = r.pos();
        if (!r.hasRemaining() || (r.array()[optsAt] & 0xff) != 118) {
          throw new YjsFormatException("sub-document options must be an object", optsAt);
        }
        Lib0Any.skip(r);
        length = 1;
        break;
      }
      default:
        throw new YjsFormatException("unknown content ref " + ref, start - 1);
    }
    s.content = r.array();
    s.contentOff = start;
    s.contentLen = r.pos() - start;
    return length;
  }

  private static void jsonString(Lib0Reader r, boolean allowUndefined) {
    int dataStart = r.skipVarUint8Array();
    int len = r.pos() - dataStart;
    byte[] b = r.array();
    Utf8.utf16Length(b, dataStart, len);
    if (allowUndefined && len == UNDEFINED.length
        && java.util.Arrays.equals(b, dataStart, dataStart + len, UNDEFINED, 0, len)) {
      return;
    }
    JsonSyntax.validate(b, dataStart, len);
  }

  static void setContent(Struct s, byte[] encoded) {
    s.content = encoded;
    s.contentOff = 0;
    s.contentLen = encoded.length;
  }

  static byte[] deleted(long length) {
    return new Lib0Writer(10).writeVarUint(length).toByteArray();
  }

  /** Whether Yjs can merge two contents of this ref into one ({@code mergeWith} returns true). */
  static boolean mergeable(int ref) {
    return ref == DELETED || ref == JSON || ref == STRING || ref == ANY;
  }

  /** Encoded content holding the elements {@code [from, to)} of the item's content. */
  static byte[] slice(Struct s, long from, long to) {
    Lib0Reader r = new Lib0Reader(s.content, s.contentOff, s.contentLen);
    switch (s.contentRef) {
      case DELETED:
        return deleted(to - from);
      case JSON:
      case ANY: {
        long count = r.readVarUint();
        for (long i = 0; i < from; i++) {
          skipElement(r, s.contentRef);
        }
        int a = r.pos();
        for (long i = from; i < to; i++) {
          skipElement(r, s.contentRef);
        }
        int n = r.pos() - a;
        Lib0Writer w = new Lib0Writer(n + 10);
        w.writeVarUint(to - from).writeBytes(s.content, a, n);
        return w.toByteArray();
      }
      case STRING: {
        int dataStart = r.skipVarUint8Array();
        String str = Utf8.decode(s.content, dataStart, r.pos() - dataStart);
        byte[] utf8 = Utf8.encode(str.substring((int) from, (int) to));
        Lib0Writer w = new Lib0Writer(utf8.length + 5);
        w.writeVarUint8Array(utf8);
        return w.toByteArray();
      }
      default:
        if (from == 0 && to == s.length) {
          return java.util.Arrays.copyOfRange(s.content, s.contentOff, s.contentOff + s.contentLen);
        }
        throw new IllegalStateException("content ref " + s.contentRef + " cannot be split");
    }
  }

  /**
   * Cuts many parts out of one item's content, decoding it once (strings) or indexing its elements
   * once (JSON, any), so splitting an item n times costs O(size + n), not O(size * n).
   */
  static final class Slicer {
    private final Struct s;
    private String str;
    private int[] offsets;

    Slicer(Struct s) {
      this.s = s;
    }

    byte[] slice(long from, long to) {
      switch (s.contentRef) {
        case STRING: {
          if (str == null) {
            Lib0Reader r = new Lib0Reader(s.content, s.contentOff, s.contentLen);
            int dataStart = r.skipVarUint8Array();
            str = Utf8.decode(s.content, dataStart, r.pos() - dataStart);
          }
          byte[] utf8 = Utf8.encode(str.substring((int) from, (int) to));
          return new Lib0Writer(utf8.length + 5).writeVarUint8Array(utf8).toByteArray();
        }
        case JSON:
        case ANY: {
          if (offsets == null) {
            Lib0Reader r = new Lib0Reader(s.content, s.contentOff, s.contentLen);
            int count = (int) r.readVarUint();
            offsets = new int[count + 1];
            for (int i = 0; i < count; i++) {
              offsets[i] = r.pos();
              skipElement(r, s.contentRef);
            }
            offsets[count] = r.pos();
          }
          int a = offsets[(int) from];
          int n = offsets[(int) to] - a;
          return new Lib0Writer(n + 10).writeVarUint(to - from).writeBytes(s.content, a, n)
              .toByteArray();
        }
        default:
          return ItemContent.slice(s, from, to);
      }
    }
  }

  private static void skipElement(Lib0Reader r, int ref) {
    if (ref == JSON) {
      r.skipVarUint8Array();
    } else {
      Lib0Any.skip(r);
    }
  }

  /** Concatenates the contents of consecutive items of one mergeable ref. */
  static byte[] concat(java.util.List<Struct> parts) {
    int ref = parts.get(0).contentRef;
    long count = 0;
    int bytes = 0;
    for (Struct p : parts) {
      count += p.length;
      bytes += p.contentLen;
    }
    if (ref == DELETED) {
      return deleted(count);
    }
    Lib0Writer w = new Lib0Writer(bytes + 10);
    if (ref == STRING) {
      int payload = 0;
      int[] starts = new int[parts.size()];
      for (int i = 0; i < parts.size(); i++) {
        Struct p = parts.get(i);
        Lib0Reader r = new Lib0Reader(p.content, p.contentOff, p.contentLen);
        starts[i] = r.skipVarUint8Array();
        payload += p.contentOff + p.contentLen - starts[i];
      }
      w.writeVarUint(payload);
      for (int i = 0; i < parts.size(); i++) {
        Struct p = parts.get(i);
        w.writeBytes(p.content, starts[i], p.contentOff + p.contentLen - starts[i]);
      }
      return w.toByteArray();
    }
    if (ref != JSON && ref != ANY) {
      throw new IllegalStateException("content ref " + ref + " cannot be merged");
    }
    w.writeVarUint(count);
    for (Struct p : parts) {
      Lib0Reader r = new Lib0Reader(p.content, p.contentOff, p.contentLen);
      r.readVarUint();
      w.writeBytes(p.content, r.pos(), p.contentOff + p.contentLen - r.pos());
    }
    return w.toByteArray();
  }
}
