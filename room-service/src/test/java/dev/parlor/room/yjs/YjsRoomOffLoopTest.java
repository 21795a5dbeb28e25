package dev.parlor.room.yjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.common.bus.RoomEnvelope.Access;
import dev.parlor.room.store.MemoryRoomStore;
import dev.parlor.yjs.YUpdates;
import dev.parlor.yjs.protocol.YMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A room whose document is large enough that folds, diffs and novelty checks of large updates run
 * off the event loop: what clients get when that work finishes after other traffic.
 */
class YjsRoomOffLoopTest {
  private static final String BIG = "x".repeat(YjsRoom.OFF_LOOP_BYTES);
  private final RecordingOutput out = new RecordingOutput();
  private final MemoryRoomStore store = new MemoryRoomStore();
  private final byte[] snapshot = YjsDocumentTest.insert(1, BIG);
  private final List<byte[]> everything = new ArrayList<>(List.of(snapshot));
  private YjsRoom room;
  private int joinedAt;

  @BeforeEach
  void setUp() {
    room = new YjsRoom("yjs/big", new YjsDocument(List.of(snapshot), 64), store, out);
    room.join(1, Access.WRITE, false, null);
    edit(1, YjsDocumentTest.insert(10, "tail"));
  }

  private void edit(long connId, byte[] update) {
    everything.add(update);
    room.message(connId, YMessage.syncUpdate(update));
  }

  /** What connection connId was sent since it joined (step 2s and updates). */
  private List<byte[]> payloadsTo(long connId) {
    List<byte[]> got = new ArrayList<>();
    List<RecordingOutput.Sent> sent = out.sent.subList(joinedAt, out.sent.size());
    for (RecordingOutput.Sent s : sent) {
      boolean toConn = s.kind().equals("send") && s.connId() == connId
          || s.kind().equals("broadcast") && s.connId() != connId;
      YMessage m = toConn ? YMessage.decode(s.frame()) : null;
      if (m != null && (m.kind() == YMessage.Kind.SYNC_STEP2 || m.kind() == YMessage.Kind.SYNC_UPDATE)) {
        got.add(m.payload());
      }
    }
    return got;
  }

  @Test
  void aJoinerGetsEverythingEvenWhenUpdatesOvertakeItsStep2() {
    out.deferOffLoop = true;
    joinedAt = out.sent.size();
    room.join(2, Access.WRITE, false, null);
    room.message(2, YMessage.syncStep1(YUpdates.emptyStateVector()));
    assertEquals(1, out.offLoopWork.size(), "the fold of base and tail waits for a worker");
    edit(1, YjsDocumentTest.insert(11, "meanwhile"));
    out.runOffLoopWork();
    List<byte[]> got = payloadsTo(2);
    assertEquals(2, got.size(), "the update broadcast meanwhile, then the step 2");
    assertArrayEquals(YUpdates.stateVector(YUpdates.merge(everything)), YUpdates.stateVector(YUpdates.merge(got)));
    assertEquals(1, room.document().tailSize(), "the fold was kept; the update that came meanwhile is the tail");
  }

  @Test
  void aReconnectingClientGetsOnlyWhatItLacks() {
    out.deferOffLoop = true;
    joinedAt = out.sent.size();
    room.join(3, Access.WRITE, false, null);
    room.message(3, YMessage.syncStep1(YUpdates.stateVector(snapshot)));
    out.runOffLoopWork();
    List<byte[]> got = payloadsTo(3);
    assertEquals(1, got.size());
    assertTrue(got.get(0).length < 100, "the snapshot it has is not sent again");
    assertArrayEquals(YUpdates.stateVector(YUpdates.merge(everything)),
        YUpdates.stateVector(YUpdates.merge(List.of(snapshot, got.get(0)))));
  }

  @Test
  void aLargeUpdateIsCheckedOffTheLoopThenStoredAndRelayed() {
    joinedAt = out.sent.size();
    room.join(2, Access.WRITE, false, null);
    out.deferOffLoop = true;
    byte[] large = YjsDocumentTest.insert(20, BIG);
    edit(2, large);
    assertEquals(1, store.load("yjs/big").result().size(), "not stored before its check is done");
    edit(1, YjsDocumentTest.insert(12, "small, meanwhile"));
    out.runOffLoopWork();
    List<byte[]> stored = store.load("yjs/big").result();
    assertEquals(3, stored.size());
    assertArrayEquals(large, stored.get(2));
    assertArrayEquals(YUpdates.stateVector(YUpdates.merge(everything)), room.document().stateVector(),
        "the clock took the update applied while it was lent out");
    room.message(2, YMessage.syncUpdate(large));
    out.runOffLoopWork();
    assertEquals(3, store.load("yjs/big").result().size(), "sent again, it adds nothing");
  }
}
