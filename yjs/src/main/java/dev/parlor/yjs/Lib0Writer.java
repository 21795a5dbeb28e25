package dev.parlor.yjs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes lib0's binary encoding into a growable byte array. */
public final class Lib0Writer {
  private byte[] buf;
  private int len;

  public Lib0Writer() {
    this(64);
  }

  public Lib0Writer(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
  }

  public Lib0Writer writeUint8(int b) {
    ensure(1);
    buf[len++] = (byte) b;
    return this;
  }

  public Lib0Writer writeVarUint(long v) {
    if (v < 0) {
      throw new IllegalArgumentException("negative varuint " + v);
    }
    ensure(10);
    while (v > 0x7f) {
      buf[len++] = (byte) (0x80 | (v & 0x7f));
      v >>>= 7;
    }
    buf[len++] = (byte) v;
    return this;
  }

  public Lib0Writer writeVarInt(long v) {
    boolean negative = v < 0;
    if (negative) {
      v = -v;
    }
    ensure(11);
    int first = (int) (v & 0x3f) | (negative ? 0x40 : 0) | (v > 0x3f ? 0x80 : 0);
    buf[len++] = (byte) first;
    v >>>= 6;
    while (v > 0) {
      buf[len++] = (byte) ((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
      v >>>= 7;
    }
    return this;
  }

  public Lib0Writer writeBytes(byte[] b) {
    return writeBytes(b, 0, b.length);
  }

  public Lib0Writer writeBytes(byte[] b, int off, int n) {
    ensure(n);
    System.arraycopy(b, off, buf, len, n);
    len += n;
    return this;
  }

  public Lib0Writer writeVarUint8Array(byte[] b) {
    return writeVarUint8Array(b, 0, b.length);
  }

  public Lib0Writer writeVarUint8Array(byte[] b, int off, int n) {
    writeVarUint(n);
    return writeBytes(b, off, n);
  }

  public Lib0Writer writeVarString(String s) {
    return writeVarUint8Array(s.getBytes(StandardCharsets.UTF_8));
  }

  public int length() {
    return len;
  }

  /** The number of bytes {@link #writeVarUint} writes for v. */
  public static int varUintSize(long v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  /**
   * The bytes written: the writer's own array when it is exactly full (no copy of a large message),
   * else a copy. Write nothing more afterwards.
   */
  public byte[] detach() {
    return len == buf.length ? buf : toByteArray();
  }

  /** The internal array (valid up to {@link #length()}), for copying out of without a copy in between. */
  byte[] buffer() {
    return buf;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }
}
