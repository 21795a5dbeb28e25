package dev.parlor.yjs;

/**
 * Builds valid Yjs updates by hand, of one client editing the root text "t": a room node's warm-up
 * and the tests use them where running Yjs itself is not an option.
 */
public final class TextUpdates {
  private TextUpdates() {
  }

  /** Typing: one character after the client's previous one (clock 0 starts at the text's start). */
  public static byte[] typed(long client, long clock, char c) {
    Lib0Writer w = new Lib0Writer().writeVarUint(1).writeVarUint(1).writeVarUint(client).writeVarUint(clock);
    if (clock == 0) {
      w.writeUint8(4).writeVarUint(1).writeVarString("t");
    } else {
      w.writeUint8(0x84).writeVarUint(client).writeVarUint(clock - 1);
    }
    return w.writeVarString(String.valueOf(c)).writeVarUint(0).toByteArray();
  }

  /** The client's first edit: text inserted at clock 0, with no origins. */
  public static byte[] insertText(long client, String text) {
    return new Lib0Writer()
        .writeVarUint(1).writeVarUint(1).writeVarUint(client).writeVarUint(0) // 1 client, 1 struct, at clock 0
        .writeUint8(4)                                                     // Item with string content, no origins
        .writeVarUint(1).writeVarString("t")                                // parent: root type "t"
        .writeVarString(text)
        .writeVarUint(0)                                                   // empty delete set
        .toByteArray();
  }

  /** A delete-only update: no structs, and ranges of {@code length} at each of the client's {@code clocks}. */
  public static byte[] delete(long client, long length, long... clocks) {
    Lib0Writer w = new Lib0Writer().writeVarUint(0).writeVarUint(1).writeVarUint(client).writeVarUint(clocks.length);
    for (long clock : clocks) {
      w.writeVarUint(clock).writeVarUint(length);
    }
    return w.toByteArray();
  }
}
