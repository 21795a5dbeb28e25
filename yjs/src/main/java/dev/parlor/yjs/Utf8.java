package dev.parlor.yjs;

/**
 * UTF-8 as Yjs sees it. Reading is strict like lib0's fatal {@code TextDecoder} (overlong forms,
 * encoded surrogates, code points past U+10FFFF and truncated sequences are errors); writing follows
 * {@code TextEncoder}, which turns an unpaired surrogate into U+FFFD.
 */
public final class Utf8 {
  private Utf8() {}

  /**
   * Validates {@code len} bytes at {@code off} and returns the string's length in UTF-16 code units
   * (what a JavaScript string's {@code length} would be).
   */
  public static int utf16Length(byte[] b, int off, int len) {
    int units = 0;
    int i = off;
    int end = off + len;
    while (i < end) {
      int c = b[i];
      if (c >= 0) {
        // ASCII fast path
        i++;
        units++;
        continue;
      }
      c &= 0xff;
      int need;
      int min;
      if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        min = 0x800;
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        min = 0x10000;
      } else {
        throw new YjsFormatException("invalid UTF-8 lead byte", i);
      }
      if (i + need >= end) {
        throw new YjsFormatException("truncated UTF-8 sequence", i);
      }
      int cp = c & (0x3f >> need);
      for (int k = 1; k <= need; k++) {
        int cc = b[i + k] & 0xff;
        if ((cc & 0xc0) != 0x80) {
          throw new YjsFormatException("invalid UTF-8 continuation byte", i + k);
        }
        cp = (cp << 6) | (cc & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        throw new YjsFormatException("invalid UTF-8 sequence", i);
      }
      units += cp >= 0x10000 ? 2 : 1;
      i += need + 1;
    }
    return units;
  }

  /** Decodes bytes already validated by {@link #utf16Length}. */
  public static String decode(byte[] b, int off, int len) {
    return new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Number of bytes {@link #encode} will produce. */
  public static int encodedLength(CharSequence s) {
    int n = 0;
    int len = s.length();
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3; // BMP char, or an unpaired surrogate written as U+FFFD
      }
    }
    return n;
  }

  /** Encodes like JavaScript's {@code TextEncoder}: unpaired surrogates become U+FFFD. */
  public static byte[] encode(CharSequence s) {
    byte[] out = new byte[encodedLength(s)];
    int p = 0;
    int len = s.length();
    for (int i = 0; i < len; i++) {
      int c = s.charAt(i);
      if (c < 0x80) {
        out[p++] = (byte) c;
        continue;
      }
      if (Character.isSurrogate((char) c)) {
        if (Character.isHighSurrogate((char) c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
          c = Character.toCodePoint((char) c, s.charAt(++i));
        } else {
          c = 0xfffd;
        }
      }
      if (c < 0x800) {
        out[p++] = (byte) (0xc0 | (c >> 6));
        out[p++] = (byte) (0x80 | (c & 0x3f));
      } else if (c < 0x10000) {
        out[p++] = (byte) (0xe0 | (c >> 12));
        out[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        out[p++] = (byte) (0x80 | (c & 0x3f));
      } else {
        out[p++] = (byte) (0xf0 | (c >> 18));
        out[p++] = (byte) (0x80 | ((c >> 12) & 0x3f));
        out[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        out[p++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    return out;
  }
}
