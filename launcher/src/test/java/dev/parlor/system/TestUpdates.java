package dev.parlor.system;

import dev.parlor.yjs.Lib0Writer;

/** Builds valid Yjs updates by hand: one client inserting text into root text "t". */
public final class TestUpdates {
  private TestUpdates() {
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

  public static byte[] insertText(long clientId, String text) {
    return new Lib0Writer()
        .writeVarUint(1).writeVarUint(1).writeVarUint(clientId).writeVarUint(0) // 1 client, 1 struct, at clock 0
        .writeUint8(4)                                                        // Item with string content, no origins
        .writeVarUint(1).writeVarString("t")                                   // parent: root type "t"
        .writeVarString(text)
        .writeVarUint(0)                                                      // empty delete set
        .toByteArray();
  }
}
