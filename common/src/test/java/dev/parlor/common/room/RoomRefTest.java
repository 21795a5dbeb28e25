package dev.parlor.common.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RoomRefTest {
  @Test
  void acceptsProductStyleIds() {
    assertNull(RoomRef.problem("yjs", "doc-123"));
    assertNull(RoomRef.problem("yjs", "diagram_9.v2:main@team"));
    assertEquals("yjs/doc-1", new RoomRef("yjs", "doc-1").key());
    assertEquals(new RoomRef("yjs", "doc-1"), RoomRef.fromKey("yjs/doc-1"));
  }

  @Test
  void refusesBadIds() {
    assertNotNull(RoomRef.problem("yjs", ""));
    assertNotNull(RoomRef.problem("yjs", "x".repeat(129)));
    assertNotNull(RoomRef.problem("yjs", "a b"));
    assertNotNull(RoomRef.problem("yjs", "../etc"));
    assertNotNull(RoomRef.problem("Yjs", "doc"));
  }
}
