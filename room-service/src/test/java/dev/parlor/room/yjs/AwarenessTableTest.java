package dev.parlor.room.yjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.yjs.YjsFormatException;
import dev.parlor.yjs.protocol.AwarenessUpdate;
import dev.parlor.yjs.protocol.AwarenessUpdate.Entry;
import java.util.List;
import org.junit.jupiter.api.Test;

class AwarenessTableTest {
  private static AwarenessUpdate u(long client, long clock, String json) {
    return new AwarenessUpdate(List.of(new Entry(client, clock, json)));
  }

  @Test
  void olderClocksAreIgnored() {
    AwarenessTable t = new AwarenessTable();
    assertEquals(1, t.apply(1, u(10, 5, "{}")).size());
    assertEquals(0, t.apply(1, u(10, 4, "{\"a\":1}")).size());
    assertEquals(0, t.apply(1, u(10, 5, "{\"a\":1}")).size());
    assertEquals(1, t.apply(1, u(10, 6, "{\"a\":1}")).size());
  }

  @Test
  void nullAtSameClockRemoves() {
    AwarenessTable t = new AwarenessTable();
    t.apply(1, u(10, 5, "{}"));
    assertEquals(1, t.apply(1, u(10, 5, "null")).size());
    assertTrue(t.present().entries().isEmpty());
  }

  @Test
  void closingConnectionRemovesOnlyItsClients() {
    AwarenessTable t = new AwarenessTable();
    t.apply(1, u(10, 1, "{}"));
    t.apply(2, u(20, 1, "{}"));
    List<Entry> removed = t.removeConnection(1);
    assertEquals(List.of(new Entry(10, 2, "null")), removed);
    assertEquals(20, t.present().entries().get(0).clientId());
    assertTrue(t.removeConnection(1).isEmpty());
  }

  @Test
  void anExportedTableKeepsWhichConnectionAnnouncedEachState() {
    AwarenessTable t = new AwarenessTable();
    t.apply(-7L, u(10, 1, "{\"a\":1}")); // connection ids are random 64-bit numbers
    t.apply(2, u(20, 4, "{}"));
    t.apply(2, u(21, 2, "null"));
    AwarenessTable copy = new AwarenessTable();
    copy.apply(2, u(20, 9, "{\"newer\":1}")); // newer clocks win over the handed-over ones
    copy.restore(t.export());
    assertEquals(java.util.Set.of(-7L, 2L), copy.connections());
    assertEquals(List.of(new Entry(10, 2, "null")), copy.removeConnection(-7L));
    assertEquals(List.of(new Entry(20, 10, "null")), copy.removeConnection(2));
  }

  @Test
  void aMalformedTableChangesNothing() {
    AwarenessTable t = new AwarenessTable();
    t.apply(1, u(10, 1, "{}"));
    byte[] exported = t.export();
    AwarenessTable copy = new AwarenessTable();
    assertThrows(YjsFormatException.class, () -> copy.restore(java.util.Arrays.copyOf(exported, exported.length - 1)));
    assertThrows(YjsFormatException.class, () -> copy.restore(java.util.Arrays.copyOf(exported, exported.length + 1)));
    assertEquals(0, copy.size());
  }
}
