package dev.parlor.yjs;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * lib0's self-describing value encoding ({@code writeAny}/{@code readAny}), used by Yjs for
 * {@code ContentAny} values and sub-document options.
 *
 * <p>Java mapping: undefined = {@link #UNDEFINED}, null = {@code null}, booleans = {@link Boolean},
 * numbers = {@link Long} (type 125) or {@link Double} (types 123/124), bigint = {@link BigInteger},
 * strings = {@link String}, arrays = {@link List}, objects = {@link Map} (insertion order), binary =
 * {@code byte[]}. Writing picks the encoding the way lib0 does for a JavaScript value.
 */
public final class Lib0Any {
  /** JavaScript's {@code undefined}. */
  public static final Object UNDEFINED = new Object() {
    @Override
    public String toString() {
      return "undefined";
    }
  };

  /** Nesting limit of {@link #read}; {@link #skip} has none. */
  public static final int MAX_READ_DEPTH = 1000;

  private static final long BITS31 = 0x7fffffffL;

  private Lib0Any() {}

  /**
   * Steps over one encoded value, validating it (type tags, lengths, UTF-8 of strings), without
   * building it. Iterative: any nesting depth is fine.
   */
  public static void skip(Lib0Reader r) {
    // pending[i]: values still to read at level i; keyed[i]: level i is an object (key before value)
    long[] pending = new long[8];
    boolean[] keyed = new boolean[8];
    int depth = 0;
    pending[0] = 1;
    while (true) {
      while (pending[depth] == 0) {
        if (depth == 0) {
          return;
        }
        depth--;
      }
      pending[depth]--;
      if (keyed[depth]) {
        skipString(r);
      }
      int start = r.pos();
      int type = r.readUint8();
      switch (type) {
        case 127: case 126: case 121: case 120:
          break;
        case 125:
          r.readVarInt();
          break;
        case 124:
          r.readBytes(4);
          break;
        case 123: case 122:
          r.readBytes(8);
          break;
        case 119:
          skipString(r);
          break;
        case 118: case 117: {
          long n = r.readVarUint();
          if (n > 0) {
            depth++;
            if (depth == pending.length) {
              pending = java.util.Arrays.copyOf(pending, depth * 2);
              keyed = java.util.Arrays.copyOf(keyed, depth * 2);
            }
            pending[depth] = n;
            keyed[depth] = type == 118;
          }
          break;
        }
        case 116:
          r.skipVarUint8Array();
          break;
        default:
          throw new YjsFormatException("unknown lib0 any type " + type, start);
      }
    }
  }

  static void skipString(Lib0Reader r) {
    int dataStart = r.skipVarUint8Array();
    Utf8.utf16Length(r.array(), dataStart, r.pos() - dataStart);
  }

  /** Reads one value into the Java mapping described on the class. */
  public static Object read(Lib0Reader r) {
    return read(r, 0);
  }

  private static Object read(Lib0Reader r, int depth) {
    int start = r.pos();
    if (depth > MAX_READ_DEPTH) {
      throw new YjsFormatException("lib0 any nested too deeply", start);
    }
    int type = r.readUint8();
    switch (type) {
      case 127:
        return UNDEFINED;
      case 126:
        return null;
      case 125:
        return r.readVarInt();
      case 124:
        return (double) Float.intBitsToFloat(readInt(r.readBytes(4)));
      case 123:
        return Double.longBitsToDouble(readLong(r.readBytes(8)));
      case 122:
        return BigInteger.valueOf(readLong(r.readBytes(8)));
      case 121:
        return Boolean.FALSE;
      case 120:
        return Boolean.TRUE;
      case 119:
        return readString(r);
      case 118: {
        long n = r.readVarUint();
        Map<String, Object> obj = new LinkedHashMap<>();
        for (long i = 0; i < n; i++) {
          String key = readString(r);
          obj.put(key, read(r, depth + 1));
        }
        return obj;
      }
      case 117: {
        long n = r.readVarUint();
        List<Object> arr = new ArrayList<>((int) Math.min(n, r.remaining()));
        for (long i = 0; i < n; i++) {
          arr.add(read(r, depth + 1));
        }
        return arr;
      }
      case 116:
        return r.readVarUint8Array();
      default:
        throw new YjsFormatException("unknown lib0 any type " + type, start);
    }
  }

  private static String readString(Lib0Reader r) {
    int dataStart = r.skipVarUint8Array();
    int len = r.pos() - dataStart;
    Utf8.utf16Length(r.array(), dataStart, len);
    return Utf8.decode(r.array(), dataStart, len);
  }

  private static int readInt(byte[] b) {
    return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
  }

  private static long readLong(byte[] b) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[i] & 0xff);
    }
    return v;
  }

  /** Writes a value as lib0's {@code writeAny} would write the corresponding JavaScript value. */
  public static void write(Lib0Writer w, Object v) {
    if (v == UNDEFINED) {
      w.writeUint8(127);
    } else if (v == null) {
      w.writeUint8(126);
    } else if (v instanceof Boolean) {
      w.writeUint8((Boolean) v ? 120 : 121);
    } else if (v instanceof String) {
      w.writeUint8(119);
      w.writeVarUint8Array(Utf8.encode((String) v));
    } else if (v instanceof BigInteger) {
      w.writeUint8(122);
      writeLong(w, ((BigInteger) v).longValue());
    } else if (v instanceof Number) {
      writeNumber(w, ((Number) v).doubleValue());
    } else if (v instanceof byte[]) {
      w.writeUint8(116);
      w.writeVarUint8Array((byte[]) v);
    } else if (v instanceof List) {
      List<?> list = (List<?>) v;
      w.writeUint8(117);
      w.writeVarUint(list.size());
      for (Object o : list) {
        write(w, o);
      }
    } else if (v instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) v;
      w.writeUint8(118);
      w.writeVarUint(map.size());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        w.writeVarUint8Array(Utf8.encode(String.valueOf(e.getKey())));
        write(w, e.getValue());
      }
    } else {
      throw new IllegalArgumentException("no lib0 encoding for " + v.getClass());
    }
  }

  private static void writeNumber(Lib0Writer w, double d) {
    if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) <= BITS31) {
      w.writeUint8(125);
      if (d == 0 && 1 / d < 0) {
        w.writeUint8(0x40); // negative zero
      } else {
        w.writeVarInt((long) d);
      }
    } else if ((double) (float) d == d) {
      w.writeUint8(124);
      int bits = Float.floatToIntBits((float) d);
      w.writeUint8(bits >>> 24).writeUint8(bits >>> 16).writeUint8(bits >>> 8).writeUint8(bits);
    } else {
      w.writeUint8(123);
      writeLong(w, Double.doubleToLongBits(d));
    }
  }

  private static void writeLong(Lib0Writer w, long v) {
    for (int i = 7; i >= 0; i--) {
      w.writeUint8((int) (v >>> (i * 8)));
    }
  }
}
