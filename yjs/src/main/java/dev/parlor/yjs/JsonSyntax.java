package dev.parlor.yjs;

import java.util.Arrays;

/**
 * Checks that UTF-8 bytes are one JSON text as {@code JSON.parse} accepts it, without building
 * values. Iterative, so deep nesting cannot overflow the stack.
 */
final class JsonSyntax {
  private final byte[] b;
  private final int end;
  private int p;

  private JsonSyntax(byte[] b, int off, int len) {
    this.b = b;
    this.p = off;
    this.end = off + len;
  }

  static void validate(byte[] b, int off, int len) {
    new JsonSyntax(b, off, len).run();
  }

  private YjsFormatException bad(String what) {
    return new YjsFormatException("invalid JSON: " + what, p);
  }

  private void skipWs() {
    while (p < end) {
      byte c = b[p];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        p++;
      } else {
        return;
      }
    }
  }

  private void expect(char c) {
    if (p >= end || b[p] != c) {
      throw bad("expected '" + c + "'");
    }
    p++;
  }

  private void run() {
    byte[] stack = new byte[16];
    int depth = 0;
    skipWs();
    while (true) {
      // parse one value
      if (p >= end) {
        throw bad("value expected");
      }
      byte c = b[p];
      boolean opened = false;
      if (c == '{' || c == '[') {
        p++;
        skipWs();
        byte close = c == '{' ? (byte) '}' : (byte) ']';
        if (p < end && b[p] == close) {
          p++;
        } else {
          if (depth == stack.length) {
            stack = Arrays.copyOf(stack, depth * 2);
          }
          stack[depth++] = c;
          if (c == '{') {
            string();
            skipWs();
            expect(':');
            skipWs();
          }
          opened = true;
        }
      } else if (c == '"') {
        string();
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        number();
      } else if (c == 't') {
        literal("true");
      } else if (c == 'f') {
        literal("false");
      } else if (c == 'n') {
        literal("null");
      } else {
        throw bad("unexpected character");
      }
      if (opened) {
        continue;
      }
      // after a value: close containers or move to the next element
      while (true) {
        skipWs();
        if (depth == 0) {
          if (p != end) {
            throw bad("trailing characters");
          }
          return;
        }
        byte top = stack[depth - 1];
        if (p >= end) {
          throw bad("unterminated container");
        }
        byte d = b[p];
        if (d == ',') {
          p++;
          skipWs();
          if (top == '{') {
            string();
            skipWs();
            expect(':');
            skipWs();
          }
          break;
        } else if ((top == '{' && d == '}') || (top == '[' && d == ']')) {
          p++;
          depth--;
        } else {
          throw bad("expected ',' or end of container");
        }
      }
    }
  }

  private void literal(String word) {
    if (end - p < word.length()) {
      throw bad("bad literal");
    }
    for (int i = 0; i < word.length(); i++) {
      if (b[p + i] != word.charAt(i)) {
        throw bad("bad literal");
      }
    }
    p += word.length();
  }

  private void string() {
    expect('"');
    while (true) {
      if (p >= end) {
        throw bad("unterminated string");
      }
      int c = b[p] & 0xff;
      if (c == '"') {
        p++;
        return;
      }
      if (c < 0x20) {
        throw bad("control character in string");
      }
      if (c == '\\') {
        p++;
        if (p >= end) {
          throw bad("unterminated escape");
        }
        byte e = b[p++];
        switch (e) {
          case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            break;
          case 'u':
            for (int i = 0; i < 4; i++) {
              if (p >= end || Character.digit(b[p], 16) < 0) {
                throw bad("bad \\u escape");
              }
              p++;
            }
            break;
          default:
            throw bad("bad escape");
        }
      } else {
        p++;
      }
    }
  }

  private boolean digit() {
    return p < end && b[p] >= '0' && b[p] <= '9';
  }

  private void number() {
    if (b[p] == '-') {
      p++;
    }
    if (!digit()) {
      throw bad("digit expected");
    }
    if (b[p] == '0') {
      p++;
    } else {
      while (digit()) {
        p++;
      }
    }
    if (p < end && b[p] == '.') {
      p++;
      if (!digit()) {
        throw bad("digit expected");
      }
      while (digit()) {
        p++;
      }
    }
    if (p < end && (b[p] == 'e' || b[p] == 'E')) {
      p++;
      if (p < end && (b[p] == '+' || b[p] == '-')) {
        p++;
      }
      if (!digit()) {
        throw bad("digit expected");
      }
      while (digit()) {
        p++;
      }
    }
  }
}
