package dev.parlor.common.bus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parlor.common.bus.RoomEnvelope.Op;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class RoomEnvelopeTest {
  @Test
  void roundTrips() {
    Buffer b = RoomEnvelope.encode(Op.CLOSE, -42L, "yjs/döc-1", "bye ✓", 4400, Buffer.buffer(new byte[] {1, 2, 3}));
    RoomEnvelope e = RoomEnvelope.decode(b);
    assertEquals(Op.CLOSE, e.op());
    assertEquals(-42L, e.connId());
    assertEquals("yjs/döc-1", e.roomKey());
    assertEquals("bye ✓", e.text());
    assertEquals(4400, e.number());
    assertArrayEquals(new byte[] {1, 2, 3}, e.payload().getBytes());
  }

  @Test
  void refusesGarbage() {
    assertThrows(IllegalArgumentException.class, () -> RoomEnvelope.decode(Buffer.buffer(new byte[] {99})));
    assertThrows(IllegalArgumentException.class, () -> RoomEnvelope.decode(Buffer.buffer(new byte[] {1, 0, 0})));
    Buffer truncated = RoomEnvelope.frame(Op.FRAME, 1, "yjs/doc", null).slice(0, 20);
    assertThrows(IllegalArgumentException.class, () -> RoomEnvelope.decode(truncated.copy()));
  }
}
