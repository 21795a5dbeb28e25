package dev.parlor.room.yjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
