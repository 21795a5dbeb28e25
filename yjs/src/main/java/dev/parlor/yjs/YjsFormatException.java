package dev.parlor.yjs;

/**
 * The one exception this library throws for input it cannot decode: truncated data, varints or
 * lengths that run past the end, unknown type references, absurd counts. {@link #offset()} is the
 * byte offset in the input where decoding failed.
 */
public final class YjsFormatException extends RuntimeException {
  private final int offset;

  public YjsFormatException(String message, int offset) {
    super(message + " (at byte " + offset + ")");
    this.offset = offset;
  }

  public int offset() {
    return offset;
  }
}
