package dev.parlor.common.bus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parlor.common.bus.RoomEnvelope.Op;
import dev.parlor.common.bus.RoomEnvelope.PassedLease;
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
  void aHandOverCarriesTheDocumentAndTheAwarenessTable() {
    RoomEnvelope e = RoomEnvelope.decode(RoomEnvelope.released("yjs/a", 0, null, Buffer.buffer(new byte[] {1, 2, 3}), new byte[] {9, 8}));
    assertEquals(Op.RELEASED, e.op());
    assertEquals(0, e.connId());
    assertArrayEquals(new byte[] {1, 2, 3}, e.handOver().document().getBytes());
    assertArrayEquals(new byte[] {9, 8}, e.handOver().awareness().getBytes());
    RoomEnvelope none = RoomEnvelope.decode(RoomEnvelope.released("yjs/a", 77, null, null, new byte[0]));
    assertEquals(77, none.connId()); // the copy the document continues
    assertNull(none.handOver().lease());
    assertEquals(0, none.handOver().document().length());
    assertEquals(0, none.handOver().awareness().length());
    // a sender without the flag: the payload is the document
    RoomEnvelope older = RoomEnvelope.decode(RoomEnvelope.frame(Op.RELEASED, 0, "yjs/a", Buffer.buffer(new byte[] {4})));
    assertArrayEquals(new byte[] {4}, older.handOver().document().getBytes());
    assertEquals(0, older.handOver().awareness().length());
    RoomEnvelope bad = RoomEnvelope.decode(RoomEnvelope.encode(Op.RELEASED, 0, "yjs/a", null, RoomEnvelope.HAND_OVER,
        Buffer.buffer().appendInt(10).appendByte((byte) 1)));
    assertThrows(IllegalArgumentException.class, bad::handOver);
    // a lease passed to the receiver comes first
    RoomEnvelope passed = RoomEnvelope.decode(RoomEnvelope.released("yjs/a", 0, new PassedLease("node-b", 12, 11, 4900),
        Buffer.buffer(new byte[] {1, 2}), new byte[] {9}));
    assertEquals(new PassedLease("node-b", 12, 11, 4900), passed.handOver().lease());
    assertArrayEquals(new byte[] {1, 2}, passed.handOver().document().getBytes());
    assertArrayEquals(new byte[] {9}, passed.handOver().awareness().getBytes());
    assertEquals(4800, passed.handOver().lease().less(100).millisLeft());
    assertEquals(0, passed.handOver().lease().less(9000).millisLeft());
    RoomEnvelope cut = RoomEnvelope.decode(RoomEnvelope.encode(Op.RELEASED, 0, "yjs/a", null,
        RoomEnvelope.HAND_OVER | RoomEnvelope.LEASE_PASSED, Buffer.buffer().appendLong(12).appendInt(0)));
    assertThrows(IllegalArgumentException.class, cut::handOver);
  }

  @Test
  void refusesGarbage() {
    assertThrows(IllegalArgumentException.class, () -> RoomEnvelope.decode(Buffer.buffer(new byte[] {99})));
    assertThrows(IllegalArgumentException.class, () -> RoomEnvelope.decode(Buffer.buffer(new byte[] {1, 0, 0})));
    Buffer truncated = RoomEnvelope.frame(Op.FRAME, 1, "yjs/doc", null).slice(0, 20);
    assertThrows(IllegalArgumentException.class, () -> RoomEnvelope.decode(truncated.copy()));
  }
}
