package dev.parlor.common.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.common.bus.RoomEnvelope.Access;
import dev.parlor.common.room.RoomRef;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class RoomGrantsTest {
  private static RoomRef yjs(String room) {
    return new RoomRef("yjs", room);
  }

  @Test
  void anExactGrantMatchesThatRoomOnlyNeverALongerId() {
    assertTrue(RoomGrants.matches("yjs/doc-1", yjs("doc-1")));
    assertFalse(RoomGrants.matches("yjs/doc-1", yjs("doc-12")));
    assertFalse(RoomGrants.matches("yjs/doc-1", yjs("doc-")));
    assertFalse(RoomGrants.matches("yjs/doc-1", new RoomRef("broadcast", "doc-1")));
  }

  @Test
  void aStarIsAPrefixMatch() {
    assertTrue(RoomGrants.matches("yjs/doc-*", yjs("doc-1")));
    assertTrue(RoomGrants.matches("yjs/doc-*", yjs("doc-12")));
    assertTrue(RoomGrants.matches("yjs/doc-1*", yjs("doc-12")));
    assertTrue(RoomGrants.matches("yjs/doc-1*", yjs("doc-1")));
    assertFalse(RoomGrants.matches("yjs/doc-*", yjs("diagram-1")));
    assertFalse(RoomGrants.matches("yjs/doc-*", yjs("xdoc-1")));
    assertTrue(RoomGrants.matches("yjs/*", yjs("anything")));
    assertTrue(RoomGrants.matches("*/doc-*", new RoomRef("broadcast", "doc-9")));
  }

  @Test
  void invalidPatternsAreNamedAndMatchNothing() {
    assertNotNull(RoomGrants.problem("doc-1"));
    assertNotNull(RoomGrants.problem("yjs/d*c"));
    assertNotNull(RoomGrants.problem("yjs/**"));
    assertNotNull(RoomGrants.problem("YJS/doc"));
    assertNotNull(RoomGrants.problem("yjs/"));
    assertNotNull(RoomGrants.problem(null));
    assertNull(RoomGrants.problem("yjs/doc-*"));
    assertNull(RoomGrants.problem("*/*"));
    assertFalse(RoomGrants.matches("yjs/d*c", yjs("doc")));
    assertFalse(RoomGrants.matches("nonsense", yjs("doc")));
  }

  @Test
  void theHighestMatchingAccessWins() {
    JsonObject grants = new JsonObject().put("yjs/doc-*", "read").put("yjs/doc-7", "write").put("yjs/x", "bogus");
    assertEquals(Access.WRITE, RoomGrants.accessFor(grants, yjs("doc-7")));
    assertEquals(Access.READ, RoomGrants.accessFor(grants, yjs("doc-8")));
    assertNull(RoomGrants.accessFor(grants, yjs("x")));
    assertNull(RoomGrants.accessFor(grants, yjs("other")));
    assertNull(RoomGrants.accessFor(null, yjs("doc-7")));
  }
}
