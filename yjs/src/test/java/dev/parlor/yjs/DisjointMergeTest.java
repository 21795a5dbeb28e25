package dev.parlor.yjs;

import static dev.parlor.yjs.DocumentClockTest.update;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link DisjointMerge} against {@link UpdateMerger} (whose bytes the differential test checks
 * against Yjs): same bytes whenever it takes the byte-copy path, null where it must not.
 */
class DisjointMergeTest {
  private static byte[] structLevel(List<byte[]> updates) {
    List<ParsedUpdate> parsed = new ArrayList<>();
    for (byte[] u : updates) {
      parsed.add(ParsedUpdate.parse(u));
    }
    return UpdateMerger.merge(parsed, 64);
  }

  private static void assertSameAsStructMerge(byte[]... updates) {
    DisjointMerge.Result fast = DisjointMerge.tryMerge(Arrays.asList(updates));
    assertNotNull(fast, "expected the section-copy path");
    assertArrayEquals(structLevel(Arrays.asList(updates)), fast.update());
    assertArrayEquals(fast.update(), YUpdates.merge(Arrays.asList(updates)));
    assertTrue(DocumentClock.of(fast.update()).holdsTheSameAs(fast.clock()), "the clock learnt on the way");
  }

  @Test
  void snapshotThenTailOfSeveralClients() {
    byte[] snapshot = YUpdates.merge(List.of(update(1, 0, "abc"), update(7, 0, "xy", 1, 1, 1)));
    assertSameAsStructMerge(snapshot, update(1, 3, "d"), update(9, 0, "q"), update(1, 4, "ef", 7, 0, 1),
        update(3, 0, "z"));
  }

  @Test
  void tailOutOfClockOrderAndGapsGetSkips() {
    assertSameAsStructMerge(update(1, 0, "ab"), update(1, 5, "f"), update(1, 2, "c"));
    assertSameAsStructMerge(update(1, 3, "d"), update(2, 0, "x"), update(1, 4, "e"));
  }

  @Test
  void deletionsOnlyAndEmptyUpdates() {
    assertSameAsStructMerge(update(1, 0, "abc"), update(2, 0, "", 1, 0, 2), YUpdates.emptyUpdate());
    assertSameAsStructMerge(YUpdates.emptyUpdate(), YUpdates.emptyUpdate());
  }

  @Test
  void headersAreWrittenAsYjsWritesThem() {
    // Yjs sets the parentSub bit of a map entry that has an origin but writes no parentSub then;
    // its merge (and ours) clear the bit
    byte[] mapEntry = new Lib0Writer().writeVarUint(1).writeVarUint(1).writeVarUint(5).writeVarUint(1)
        .writeUint8(0x80 | 0x20 | 4).writeVarUint(5).writeVarUint(0).writeVarString("v").writeVarUint(0).toByteArray();
    byte[] first = new Lib0Writer().writeVarUint(1).writeVarUint(1).writeVarUint(5).writeVarUint(0)
        .writeUint8(0x20 | 4).writeUint8(1).writeVarString("m").writeVarString("k").writeVarString("u")
        .writeVarUint(0).toByteArray();
    assertSameAsStructMerge(first, mapEntry);
    byte[] merged = YUpdates.merge(List.of(first, mapEntry));
    assertEquals(0x84, merged[merged.length - 6] & 0xff, "info byte of the map entry with an origin");
  }

  @Test
  void overlapGoesToStructLevelMerge() {
    assertNull(DisjointMerge.tryMerge(List.of(update(1, 0, "abc"), update(1, 2, "cd"))));
    assertNull(DisjointMerge.tryMerge(List.of(update(1, 0, "abc"), update(1, 0, "abc"))));
  }

  @Test
  void skipsAndMeetingGcsGoToStructLevelMerge() {
    byte[] withGap = YUpdates.merge(List.of(update(1, 0, "a"), update(1, 3, "d")));
    assertNull(DisjointMerge.tryMerge(List.of(withGap, update(2, 0, "x"))));
    byte[] gc = new Lib0Writer().writeVarUint(1).writeVarUint(1).writeVarUint(4).writeVarUint(0)
        .writeUint8(0).writeVarUint(3).writeVarUint(0).toByteArray();
    byte[] gcNext = new Lib0Writer().writeVarUint(1).writeVarUint(1).writeVarUint(4).writeVarUint(3)
        .writeUint8(0).writeVarUint(2).writeVarUint(0).toByteArray();
    assertNull(DisjointMerge.tryMerge(List.of(gc, gcNext)));
    assertArrayEquals(structLevel(List.of(gc, gcNext)), YUpdates.merge(List.of(gc, gcNext)));
  }

  @Test
  void malformedInputStillFails() {
    byte[] good = update(1, 0, "abc");
    byte[] truncated = Arrays.copyOf(good, good.length - 2);
    assertThrows(YjsFormatException.class, () -> YUpdates.merge(List.of(good, truncated)));
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    assertThrows(YjsFormatException.class, () -> YUpdates.merge(List.of(trailing, update(2, 0, "x"))));
  }
}
