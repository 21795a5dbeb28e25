package dev.parlor.yjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextUpdatesTest {
  @Test
  void typingAfterAnInsertAdvancesTheClientsClock() {
    byte[] merged = YUpdates.merge(List.of(TextUpdates.insertText(3, "hello"), TextUpdates.typed(3, 5, '!')));
    assertEquals(Map.of(3L, 6L), StateVectors.decode(YUpdates.stateVector(merged)));
  }

  @Test
  void aDeleteAddsNoStructsButKeepsItsRanges() {
    byte[] delete = TextUpdates.delete(3, 2, 0, 3);
    assertEquals(Map.of(), StateVectors.decode(YUpdates.stateVector(delete)));
    byte[] merged = YUpdates.merge(List.of(TextUpdates.insertText(3, "hello"), delete));
    assertEquals(Map.of(3L, 5L), StateVectors.decode(YUpdates.stateVector(merged)));
    byte[] deleteSet = java.util.Arrays.copyOfRange(merged, merged.length - 7, merged.length);
    assertArrayEquals(new byte[] {1, 3, 2, 0, 2, 3, 2}, deleteSet, "client 3: [0, 2) and [3, 5) deleted");
  }
}
