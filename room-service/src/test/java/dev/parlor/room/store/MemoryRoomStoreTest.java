package dev.parlor.room.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.parlor.common.bus.StorageMessages;
import dev.parlor.yjs.TextUpdates;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryRoomStoreTest {
  private static final String ROOM = "yjs/moving";

  /** Two processes' stores: what one hands over is what the other then loads. */
  @Test
  void aHandedOverDocumentIsWhatTheNextStoreLoads() {
    MemoryRoomStore old = new MemoryRoomStore();
    MemoryRoomStore next = new MemoryRoomStore();
    byte[] first = TextUpdates.typed(1, 0, 'a');
    byte[] second = TextUpdates.typed(1, 1, 'b');
    next.append(ROOM, TextUpdates.typed(2, 0, 'x')); // an older stay of the room there
    old.append(ROOM, first);
    old.append(ROOM, second);

    RoomStore.HandOff handOff = old.handOver(ROOM, () -> List.of(first, second), "node-b").result();
    assertNull(handOff.lease(), "a memory store has no lease to pass");
    next.released(ROOM, new StorageMessages.Reader(handOff.document()).loaded(), null);

    List<byte[]> loaded = next.load(ROOM).result();
    assertEquals(2, loaded.size());
    assertArrayEquals(first, loaded.get(0));
    assertArrayEquals(second, loaded.get(1));
  }

  @Test
  void aReleaseWithoutDocumentLeavesTheRoomAsItWas() {
    MemoryRoomStore store = new MemoryRoomStore();
    byte[] update = TextUpdates.typed(1, 0, 'a');
    store.append(ROOM, update);
    assertNull(store.handOver(ROOM, null, null).result().document());
    store.released(ROOM, null, null);
    assertArrayEquals(update, store.load(ROOM).result().get(0));
  }
}
