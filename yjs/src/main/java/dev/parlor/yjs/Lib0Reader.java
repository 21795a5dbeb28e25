package dev.parlor.yjs;

import java.nio.charset.StandardCharsets;

/**
 * Reads lib0's binary encoding (unsigned LEB128 varints, length-prefixed bytes and strings) from a
 * byte array slice. Every read checks bounds and fails with {@link YjsFormatException}.
 */
public final class Lib0Reader {
  private final byte[] buf;
  private final int end;
  private int pos;

  public Lib0Reader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  public Lib0Reader(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > buf.length) {
      throw new IllegalArgumentException("slice out of range");
    }
    this.buf = buf;
    this.pos = offset;
    this.end = offset + length;
  }

  public int pos() {
    return pos;
  }

  public boolean hasRemaining() {
    return pos < end;
  }

  public int remaining() {
    return end - pos;
  }

  public byte[] array() {
    return buf;
  }

  public int readUint8() {
    if (pos >= end) {
      throw new YjsFormatException("unexpected end of data", pos);
    }
    return buf[pos++] & 0xff;
  }

  /** An unsigned varint that must fit in 53 bits, as lib0 allows; returned as a long. */
  public long readVarUint() {
    int start = pos;
    long value = 0;
    int shift = 0;
    while (true) {
      if (pos >= end) {
        throw new YjsFormatException("varint runs past the end", start);
      }
      int b = buf[pos++] & 0xff;
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
      shift += 7;
      if (shift > 53) {
        throw new YjsFormatException("varint longer than 53 bits", start);
      }
    }
  }

  /** An unsigned varint used as a count or length: must fit in an int. */
  public int readVarUintAsInt() {
    int start = pos;
    long v = readVarUint();
    if (v > Integer.MAX_VALUE) {
      throw new YjsFormatException("value too large: " + v, start);
    }
    return (int) v;
  }

  /** lib0's signed varint: first byte carries 6 bits and a sign bit. */
  public long readVarInt() {
    int start = pos;
    int b = readUint8();
    long value = b & 0x3f;
    boolean negative = (b & 0x40) != 0;
    int shift = 6;
    while ((b & 0x80) != 0) {
      b = readUint8();
      value |= (long) (b & 0x7f) << shift;
      shift += 7;
      if (shift > 60) {
        throw new YjsFormatException("signed varint too long", start);
      }
    }
    return negative ? -value : value;
  }

  /** Length-prefixed bytes; the length is checked against what remains before allocating. */
  public byte[] readVarUint8Array() {
    int start = pos;
    int len = readVarUintAsInt();
    if (len > end - pos) {
      throw new YjsFormatException("length " + len + " runs past the end", start);
    }
    byte[] out = new byte[len];
    System.arraycopy(buf, pos, out, 0, len);
    pos += len;
    return out;
  }

  /** Skips a length-prefixed byte array and returns its start offset (its length is pos()-start). */
  public int skipVarUint8Array() {
    int start = pos;
    int len = readVarUintAsInt();
    if (len > end - pos) {
      throw new YjsFormatException("length " + len + " runs past the end", start);
    }
    int dataStart = pos;
    pos += len;
    return dataStart;
  }

  public String readVarString() {
    int start = pos;
    int len = readVarUintAsInt();
    if (len > end - pos) {
      throw new YjsFormatException("string length " + len + " runs past the end", start);
    }
    String s = new String(buf, pos, len, StandardCharsets.UTF_8);
    pos += len;
    return s;
  }

  public byte[] readBytes(int len) {
    if (len < 0 || len > end - pos) {
      throw new YjsFormatException("length " + len + " runs past the end", pos);
    }
    byte[] out = new byte[len];
    System.arraycopy(buf, pos, out, 0, len);
    pos += len;
    return out;
  }
}
