package dev.parlor.system;

import dev.parlor.yjs.Lib0Writer;

/** Builds valid Yjs updates by hand: one client inserting text at the start of root text "t". */
final class TestUpdates {
  private TestUpdates() {
  }

  static byte[] insertText(long clientId, String text) {
    return new Lib0Writer()
        .writeVarUint(1).writeVarUint(1).writeVarUint(clientId).writeVarUint(0) // 1 client, 1 struct, at clock 0
        .writeUint8(4)                                                        // Item with string content, no origins
        .writeVarUint(1).writeVarString("t")                                   // parent: root type "t"
        .writeVarString(text)
        .writeVarUint(0)                                                      // empty delete set
        .toByteArray();
  }
}
