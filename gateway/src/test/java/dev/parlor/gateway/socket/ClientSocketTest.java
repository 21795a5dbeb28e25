package dev.parlor.gateway.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.common.room.RoomRef;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientSocketTest {
  private final ClientSocket socket = new ClientSocket(1, new RoomRef("yjs", "doc"), null,
      "parlor.room.a.0", 10, null);

  @Test
  void framesHeldDuringAMoveComeBackInOrderOnce() {
    assertTrue(socket.hold(Buffer.buffer("abc")));
    assertTrue(socket.hold(Buffer.buffer("de")));
    assertEquals(List.of(Buffer.buffer("abc"), Buffer.buffer("de")), socket.takeHeld());
    assertEquals(List.of(), socket.takeHeld());
  }

  @Test
  void heldFramesAreBoundedByTheSocketsPendingLimit() {
    assertTrue(socket.hold(Buffer.buffer("123456")));
    assertFalse(socket.hold(Buffer.buffer("12345")), "6 + 5 bytes exceed the 10-byte bound");
    socket.takeHeld();
    assertTrue(socket.hold(Buffer.buffer("12345")), "taking the frames frees the bound");
  }

  @Test
  void theKnownStateLastsUntilTheSocketJoins() {
    socket.knownState(Buffer.buffer(new byte[] {1, 7, 3}));
    assertEquals(Buffer.buffer(new byte[] {1, 7, 3}), socket.knownState());
    socket.joined();
    assertEquals(null, socket.knownState());
  }
}
