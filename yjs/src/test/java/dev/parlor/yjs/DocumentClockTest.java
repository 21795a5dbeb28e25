package dev.parlor.yjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link DocumentClock} on hand-made updates. */
class DocumentClockTest {
  /**
   * One update with one client section: string items of one character each from {@code clock} on,
   * the first at the root type "t" (or after {@code clock - 1}), then {@code deletes} as
   * (client, clock, length) triples.
   */
  static byte[] update(long client, long clock, String text, long... deletes) {
    Lib0Writer w = new Lib0Writer();
    if (text.isEmpty()) {
      w.writeVarUint(0);
    } else {
      w.writeVarUint(1).writeVarUint(text.length()).writeVarUint(client).writeVarUint(clock);
      for (int i = 0; i < text.length(); i++) {
        long c = clock + i;
        if (c == 0) {
          w.writeUint8(4).writeUint8(1).writeVarString("t");
        } else {
          w.writeUint8(4 | 0x80).writeVarUint(client).writeVarUint(c - 1);
        }
        w.writeVarString(text.substring(i, i + 1));
      }
    }
    writeDeletes(w, deletes);
    return w.toByteArray();
  }

  /** One update holding a single string item (several clocks long) at the root type "t". */
  static byte[] longItem(long client, String text) {
    Lib0Writer w = new Lib0Writer();
    w.writeVarUint(1).writeVarUint(1).writeVarUint(client).writeVarUint(0);
    w.writeUint8(4).writeUint8(1).writeVarString("t").writeVarString(text);
    w.writeVarUint(0);
    return w.toByteArray();
  }

  private static void writeDeletes(Lib0Writer w, long... deletes) {
    w.writeVarUint(deletes.length / 3);
    for (int i = 0; i < deletes.length; i += 3) {
      w.writeVarUint(deletes[i]).writeVarUint(1).writeVarUint(deletes[i + 1])
          .writeVarUint(deletes[i + 2]);
    }
  }

  private static List<Struct> structs(byte[] update) {
    return ParsedUpdate.parse(update).structs;
  }

  @Test
  void emptyClock() {
    DocumentClock c = new DocumentClock();
    assertArrayEquals(YUpdates.emptyStateVector(), c.stateVector());
    assertNull(c.novelPart(YUpdates.emptyUpdate()));
    assertNotNull(c.novelPart(update(1, 0, "a")));
  }

  @Test
  void duplicateAddsNothing() {
    byte[] u1 = update(1, 0, "abc");
    byte[] u2 = update(2, 0, "xy", 1, 0, 1);
    DocumentClock c = DocumentClock.of(YUpdates.merge(List.of(u1, u2)));
    assertNull(c.novelPart(u1));
    assertNull(c.novelPart(u2));
    assertNull(c.novelPart(YUpdates.merge(List.of(u2, u1))));
    assertNull(c.novelPart(update(1, 1, "bc")));
  }

  @Test
  void reconnectFullStateGivesTheOneNewStruct() {
    byte[] u1 = update(1, 0, "abc");
    byte[] u2 = update(2, 0, "xyz");
    DocumentClock c = new DocumentClock();
    for (byte[] u : List.of(u1, u2)) {
      byte[] novel = c.novelPart(u);
      assertArrayEquals(u, novel);
      c.add(novel);
    }
    byte[] newer = update(1, 3, "d");
    byte[] full = YUpdates.merge(List.of(u1, u2, newer));
    byte[] novel = c.novelPart(full);
    List<Struct> got = structs(novel);
    assertEquals(1, got.size());
    assertEquals("Item(ref 4)[1:3+1]", got.get(0).toString());
    assertArrayEquals(YUpdates.diff(full, c.stateVector()), novel);
    assertArrayEquals(newer, novel);
    c.add(novel);
    assertNull(c.novelPart(full));
    assertArrayEquals(YUpdates.stateVector(full), c.stateVector());
  }

  @Test
  void straddlingStructIsSliced() {
    DocumentClock c = DocumentClock.of(update(1, 0, "ab"));
    byte[] whole = longItem(1, "abcde");
    byte[] novel = c.novelPart(whole);
    assertArrayEquals(YUpdates.diff(whole, c.stateVector()), novel);
    assertEquals("[Item(ref 4)[1:2+3]]", structs(novel).toString());
    c.add(novel);
    assertEquals(5, c.clock(1));
  }

  @Test
  void deleteOnlyUpdates() {
    DocumentClock c = DocumentClock.of(update(1, 0, "abcdef", 1, 1, 2));
    assertNull(c.novelPart(update(1, 0, "", 1, 1, 1)));
    assertNull(c.novelPart(update(1, 0, "", 1, 1, 2)));
    assertNull(c.novelPart(update(1, 0, "", 1, 2, 0)));
    byte[] novel = c.novelPart(update(1, 0, "", 1, 2, 3));
    assertNotNull(novel);
    // only the new part of the range is kept: [3, 5)
    assertArrayEquals(update(1, 0, "", 1, 3, 2), novel);
    c.add(novel);
    assertNull(c.novelPart(update(1, 0, "", 1, 1, 4)));
    assertEquals(1, c.deleteRanges());
    // a range around the existing one keeps the two outer parts
    byte[] around = c.novelPart(update(1, 0, "", 1, 0, 7));
    Lib0Writer w = new Lib0Writer().writeVarUint(0).writeVarUint(1).writeVarUint(1).writeVarUint(2);
    w.writeVarUint(0).writeVarUint(1).writeVarUint(5).writeVarUint(2);
    assertArrayEquals(w.toByteArray(), around);
    // another client's deletion is new
    assertNotNull(c.novelPart(update(1, 0, "", 2, 1, 1)));
  }

  @Test
  void knownStructsWithNewDeletionKeepOnlyTheDeletion() {
    byte[] u = update(1, 0, "abc");
    DocumentClock c = DocumentClock.of(u);
    byte[] novel = c.novelPart(update(1, 0, "abc", 1, 1, 1));
    assertArrayEquals(update(1, 0, "", 1, 1, 1), novel);
  }

  @Test
  void deleteRangesMerge() {
    DocumentClock c = new DocumentClock();
    c.add(update(1, 0, "", 1, 10, 2));
    c.add(update(1, 0, "", 1, 0, 2));
    c.add(update(1, 0, "", 1, 5, 1));
    assertEquals(3, c.deleteRanges());
    c.add(update(1, 0, "", 1, 2, 3)); // touches [0,2) and [5,6)
    assertEquals(2, c.deleteRanges());
    assertNull(c.novelPart(update(1, 0, "", 1, 0, 6)));
    c.add(update(1, 0, "", 1, 3, 20)); // covers everything
    assertEquals(1, c.deleteRanges());
    assertNull(c.novelPart(update(1, 0, "", 1, 0, 23)));
    assertNotNull(c.novelPart(update(1, 0, "", 1, 0, 24)));
  }

  @Test
  void gapsDoNotAdvanceTheClock() {
    DocumentClock c = DocumentClock.of(update(1, 0, "abcde"));
    byte[] late = update(1, 10, "klm");
    byte[] before = c.stateVector();
    byte[] novel = c.novelPart(late);
    assertArrayEquals(late, novel);
    c.add(novel);
    assertEquals(5, c.clock(1));
    assertArrayEquals(before, c.stateVector());
    // not remembered: judged novel again
    assertArrayEquals(late, c.novelPart(late));
    // filling the gap advances to its end, not past the forgotten structs
    c.add(update(1, 5, "fghij"));
    assertEquals(10, c.clock(1));
    c.add(late);
    assertEquals(13, c.clock(1));
    assertNull(c.novelPart(late));
  }

  @Test
  void mergedUpdateWithSkipStopsAtTheGap() {
    byte[] merged = YUpdates.merge(List.of(update(1, 0, "ab"), update(1, 4, "ef"), update(2, 3, "x")));
    DocumentClock c = DocumentClock.of(merged);
    assertEquals(2, c.clock(1));
    assertEquals(0, c.clock(2));
    assertArrayEquals(YUpdates.stateVector(merged), c.stateVector());
    assertEquals(Map.of(1L, 2L), StateVectors.decode(c.stateVector()));
  }

  @Test
  void badBytesAreRefused() {
    DocumentClock c = DocumentClock.of(update(1, 0, "abc", 1, 0, 1));
    byte[] before = c.stateVector();
    byte[] good = update(1, 3, "de", 1, 2, 1);
    for (int cut = 0; cut < good.length; cut++) {
      byte[] bad = java.util.Arrays.copyOf(good, cut);
      assertThrows(YjsFormatException.class, () -> c.novelPart(bad));
      assertThrows(YjsFormatException.class, () -> c.add(bad));
    }
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
    assertThrows(YjsFormatException.class, () -> c.novelPart(trailing));
    assertThrows(YjsFormatException.class, () -> c.add(trailing));
    assertThrows(YjsFormatException.class, () -> DocumentClock.of(new byte[] {1, 1, 1, 0, 31}));
    // nothing of a refused update was taken
    assertArrayEquals(before, c.stateVector());
    assertNull(c.novelPart(update(1, 0, "", 1, 0, 1)));
    assertEquals(1, c.deleteRanges());
  }
}
