package dev.parlor.room.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MovedRoomsTest {
  @Test
  void remembersEachConnectionsGatewayForAWhile() {
    MovedRooms moved = new MovedRooms();
    moved.remember("yjs/a", Map.of(1L, "gw-1", 2L, "gw-2"), 1_000);
    assertEquals("gw-2", moved.gatewayOf("yjs/a", 2L, 2_000));
    assertNull(moved.gatewayOf("yjs/a", 3L, 2_000), "a connection that was never here");
    assertNull(moved.gatewayOf("yjs/b", 1L, 2_000));
    assertNull(moved.gatewayOf("yjs/a", 1L, 1_000 + MovedRooms.KEEP_MILLIS + 1), "forgotten after the keep time");
    assertEquals(0, moved.size());
  }

  @Test
  void aRoomServedAgainIsForgotten() {
    MovedRooms moved = new MovedRooms();
    moved.remember("yjs/a", Map.of(1L, "gw-1"), 0);
    moved.forget("yjs/a");
    assertNull(moved.gatewayOf("yjs/a", 1L, 1));
  }
}
