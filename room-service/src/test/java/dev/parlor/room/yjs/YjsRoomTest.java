package dev.parlor.room.yjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.common.bus.CloseCodes;
import dev.parlor.common.bus.RoomEnvelope.Access;
import dev.parlor.room.store.MemoryRoomStore;
import dev.parlor.room.store.RoomStore;
import dev.parlor.yjs.TextUpdates;
import dev.parlor.yjs.YUpdates;
import dev.parlor.yjs.protocol.AwarenessUpdate;
import dev.parlor.yjs.protocol.YMessage;
import io.vertx.core.Future;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class YjsRoomTest {
  /** Real Yjs updates: client 7 inserts "hi" into text "t", then "!". */
  static final byte[] HI = HexFormat.of().parseHex("010107000401017402686900");
  static final byte[] BANG = HexFormat.of().parseHex("01010702840701012100");

  private final RecordingOutput out = new RecordingOutput();
  private final MemoryRoomStore store = new MemoryRoomStore();
  private YjsRoom room;

  @BeforeEach
  void setUp() {
    room = new YjsRoom("yjs/doc-1", new YjsDocument(List.of(), 4), store, out);
  }

  private List<byte[]> stored() {
    return store.load("yjs/doc-1").result();
  }

  @Test
  void joinSendsTheRoomsStep1() {
    room.join(1, Access.WRITE, false, null);
    assertEquals(1, out.sent.size());
    assertEquals(YMessage.Kind.SYNC_STEP1, YMessage.decode(out.sent.get(0).frame()).kind());
  }

  @Test
  void aReattachedConnectionGetsTheWholeDocument() {
    room.join(1, Access.WRITE, false, null);
    room.message(1, YMessage.syncUpdate(HI));
    out.sent.clear();
    room.join(2, Access.WRITE, true, null);
    List<RecordingOutput.Sent> sent = out.of("send");
    assertEquals(YMessage.Kind.SYNC_STEP1, YMessage.decode(sent.get(0).frame()).kind());
    YMessage step2 = YMessage.decode(sent.get(1).frame());
    assertEquals(YMessage.Kind.SYNC_STEP2, step2.kind());
    assertArrayEquals(YUpdates.stateVector(HI), YUpdates.stateVector(step2.payload()));
  }

  @Test
  void aReattachedConnectionWithAKnownStateGetsOnlyWhatLiesBeyondIt() {
    room.join(1, Access.WRITE, false, null);
    room.message(1, YMessage.syncUpdate(HI));
    byte[] known = YUpdates.stateVector(HI); // the previous owner had sent the client "hi"
    room.message(1, YMessage.syncUpdate(BANG));
    out.sent.clear();
    room.join(2, Access.WRITE, true, known);
    YMessage step2 = YMessage.decode(out.of("send").get(1).frame());
    assertEquals(YMessage.Kind.SYNC_STEP2, step2.kind());
    assertArrayEquals(YUpdates.stateVector(BANG), YUpdates.stateVector(step2.payload()));
    assertArrayEquals(YUpdates.diff(YUpdates.merge(List.of(HI, BANG)), known), step2.payload(),
        "the step 2 holds \"!\" and not \"hi\"");
  }

  @Test
  void aClientReattachedToAHandedOverDocumentGetsOnlyWhatWasAppliedSince() {
    YjsRoom moved = new YjsRoom("yjs/doc-1", new YjsDocument(List.of(HI), 4), store, out);
    moved.handedOver();
    byte[] known = YUpdates.stateVector(HI); // all the previous owner had, and had sent its clients
    moved.join(1, Access.WRITE, true, known);
    YMessage first = YMessage.decode(out.of("send").get(1).frame());
    assertEquals(YMessage.Kind.SYNC_STEP2, first.kind());
    assertArrayEquals(new byte[] {0, 0}, first.payload(), "nothing was applied since: an empty update");
    moved.message(1, YMessage.syncUpdate(BANG));
    byte[] deletion = TextUpdates.delete(7, 1, 0); // changes no state vector
    moved.message(1, YMessage.syncUpdate(deletion));
    out.sent.clear();
    moved.join(2, Access.WRITE, true, known);
    YMessage second = YMessage.decode(out.of("send").get(1).frame());
    assertArrayEquals(YUpdates.merge(List.of(BANG, deletion)), second.payload(),
        "what was applied since, the deletion included, and not \"hi\"");
    out.sent.clear();
    moved.join(3, Access.WRITE, true, YUpdates.emptyStateVector());
    assertArrayEquals(YUpdates.stateVector(YUpdates.merge(List.of(HI, BANG))),
        YUpdates.stateVector(YMessage.decode(out.of("send").get(1).frame()).payload()),
        "another known state: a diff of the whole document");
    for (int i = 0; i <= YjsRoom.MAX_SINCE_HAND_OVER; i++) {
      moved.message(1, YMessage.syncUpdate(TextUpdates.typed(8, i, 'x')));
    }
    out.sent.clear();
    moved.join(4, Access.WRITE, true, known);
    byte[] whole = YMessage.decode(out.of("send").get(1).frame()).payload();
    assertArrayEquals(YUpdates.diff(moved.document().state(), known), whole,
        "past the limit, a diff of the whole document");
  }

  @Test
  void aMalformedKnownStateFallsBackToTheWholeDocument() {
    room.join(1, Access.WRITE, false, null);
    room.message(1, YMessage.syncUpdate(HI));
    out.sent.clear();
    room.join(2, Access.WRITE, true, new byte[] {5, (byte) 0x80});
    YMessage step2 = YMessage.decode(out.of("send").get(1).frame());
    assertArrayEquals(YUpdates.stateVector(HI), YUpdates.stateVector(step2.payload()));
  }

  @Test
  void aConnectionIsSyncedOnceItWasSentAStep2() {
    room.join(1, Access.WRITE, false, null);
    assertFalse(room.isSynced(1), "a step 1 alone does not bring the client up to date");
    room.message(1, YMessage.syncStep1(YUpdates.emptyStateVector()));
    assertTrue(room.isSynced(1));
    room.join(2, Access.WRITE, true, null);
    assertTrue(room.isSynced(2), "a re-attached connection is sent its step 2 on joining");
    room.leave(1);
    assertFalse(room.isSynced(1));
  }

  @Test
  void updatesAreStoredThenBroadcastToOthers() {
    room.join(1, Access.WRITE, false, null);
    room.join(2, Access.WRITE, false, null);
    out.sent.clear();
    byte[] frame = YMessage.syncUpdate(HI);
    room.message(1, frame);
    assertEquals(1, stored().size());
    assertArrayEquals(HI, stored().get(0));
    List<RecordingOutput.Sent> b = out.of("broadcast");
    assertEquals(1, b.size());
    assertEquals(1, b.get(0).connId(), "the sender is excluded");
    assertArrayEquals(frame, b.get(0).frame());
  }

  @Test
  void step2FromAClientIsRelayedAsAnUpdate() {
    room.join(1, Access.WRITE, false, null);
    room.join(2, Access.WRITE, false, null);
    out.sent.clear();
    room.message(1, YMessage.syncStep2(HI));
    YMessage relayed = YMessage.decode(out.of("broadcast").get(0).frame());
    assertEquals(YMessage.Kind.SYNC_UPDATE, relayed.kind());
    assertArrayEquals(HI, relayed.payload());
  }

  @Test
  void lateJoinerGetsEverythingAndAStep2() {
    room.join(1, Access.WRITE, false, null);
    room.message(1, YMessage.syncUpdate(HI));
    room.message(1, YMessage.syncUpdate(BANG));
    room.join(3, Access.WRITE, false, null);
    out.sent.clear();
    room.message(3, YMessage.syncStep1(new byte[] {0}));
    List<RecordingOutput.Sent> sent = out.of("send");
    assertEquals(1, sent.size());
    YMessage step2 = YMessage.decode(sent.get(0).frame());
    assertEquals(YMessage.Kind.SYNC_STEP2, step2.kind(), "a client counts as synced on step 2");
    assertArrayEquals(YUpdates.merge(List.of(HI, BANG)), step2.payload());
    // A client that already has "hi" gets only "!".
    out.sent.clear();
    room.message(3, YMessage.syncStep1(YUpdates.stateVector(HI)));
    assertArrayEquals(YUpdates.diff(YUpdates.merge(List.of(HI, BANG)), YUpdates.stateVector(HI)),
        YMessage.decode(out.of("send").get(0).frame()).payload());
  }

  @Test
  void readOnlyUpdatesAreRefusedAndNeverStored() {
    room.join(1, Access.READ, false, null);
    room.join(2, Access.WRITE, false, null);
    out.sent.clear();
    room.message(1, YMessage.syncUpdate(HI));
    assertEquals(0, stored().size());
    assertEquals(0, out.of("broadcast").size());
    YMessage denied = YMessage.decode(out.of("send").get(0).frame());
    assertEquals(YMessage.Kind.AUTH_DENIED, denied.kind());
  }

  @Test
  void malformedFrameClosesOnlyThatConnection() {
    room.join(1, Access.WRITE, false, null);
    room.join(2, Access.WRITE, false, null);
    room.message(1, YMessage.syncUpdate(HI));
    out.sent.clear();
    room.message(2, new byte[] {0, 2, (byte) 0xff}); // update whose length varint runs past the end
    room.message(2, new byte[] {9});                  // unknown message type
    room.message(1, YMessage.syncUpdate(new byte[] {1, 1, 7, 0, 4, 1})); // update cut short
    List<RecordingOutput.Sent> closes = out.of("close");
    assertEquals(CloseCodes.MALFORMED, closes.get(0).code());
    assertEquals(2, closes.get(0).connId());
    assertEquals(CloseCodes.MALFORMED, closes.get(2).code());
    assertTrue(closes.get(2).reason().startsWith("invalid Yjs update"), closes.get(2).reason());
    assertEquals(0, out.of("broadcast").size(), "nothing of the bad update reached anyone");
    assertEquals(1, stored().size(), "room state intact");
  }

  @Test
  void awarenessIsRelayedAndRemovedWhenItsConnectionLeaves() {
    room.join(1, Access.WRITE, false, null);
    room.join(2, Access.READ, false, null); // read-only clients may still send awareness
    out.sent.clear();
    byte[] aw = new AwarenessUpdate(List.of(new AwarenessUpdate.Entry(55, 1, "{\"user\":\"a\"}"))).encode();
    room.message(2, YMessage.awareness(aw));
    assertEquals(2, out.of("broadcast").get(0).connId());
    room.join(3, Access.WRITE, false, null);
    AwarenessUpdate present = AwarenessUpdate.decode(YMessage.decode(out.of("send").get(1).frame()).payload());
    assertEquals(55, present.entries().get(0).clientId());
    out.sent.clear();
    room.leave(2);
    AwarenessUpdate removal = AwarenessUpdate.decode(YMessage.decode(out.of("broadcast").get(0).frame()).payload());
    assertEquals(55, removal.entries().get(0).clientId());
    assertEquals(2, removal.entries().get(0).clock());
    assertTrue(removal.entries().get(0).removed());
  }

  @Test
  void handedOverAwarenessIsSentToJoinersAndDroppedForConnectionsThatNeverCame() {
    YjsRoom old = new YjsRoom("yjs/doc-1", new YjsDocument(List.of(), 4), store, new RecordingOutput());
    old.join(1, Access.WRITE, false, null);
    old.join(2, Access.WRITE, false, null);
    old.message(1, YMessage.awareness(new AwarenessUpdate(List.of(new AwarenessUpdate.Entry(11, 3, "{\"u\":1}"))).encode()));
    old.message(2, YMessage.awareness(new AwarenessUpdate(List.of(new AwarenessUpdate.Entry(22, 5, "{\"u\":2}"))).encode()));

    room.restoreAwareness(old.exportAwareness());
    room.join(1, Access.WRITE, true, null); // connection 1 re-attached; 2 closed during the move
    room.join(3, Access.WRITE, false, null);
    AwarenessUpdate present = AwarenessUpdate.decode(YMessage.decode(out.of("send").get(out.of("send").size() - 1).frame()).payload());
    assertEquals(List.of(11L, 22L), present.entries().stream().map(AwarenessUpdate.Entry::clientId).sorted().toList());
    out.sent.clear();
    room.dropAwarenessOfAbsent();
    assertEquals(1, out.of("broadcast").size());
    AwarenessUpdate removal = AwarenessUpdate.decode(YMessage.decode(out.of("broadcast").get(0).frame()).payload());
    assertEquals(List.of(new AwarenessUpdate.Entry(22, 6, "null")), removal.entries());
    out.sent.clear();
    room.leave(1); // the re-attached connection's state is still its own
    removal = AwarenessUpdate.decode(YMessage.decode(out.of("broadcast").get(0).frame()).payload());
    assertEquals(List.of(new AwarenessUpdate.Entry(11, 4, "null")), removal.entries());
  }

  @Test
  void aMalformedHandedOverAwarenessTableIsIgnored() {
    room.restoreAwareness(new byte[] {5, 1, 2});
    room.join(1, Access.WRITE, false, null);
    assertEquals(1, out.of("send").size(), "only the step 1: no awareness states");
  }

  @Test
  void aResentUpdateIsNeitherStoredNorRelayedAgain() {
    room.join(1, Access.WRITE, false, null);
    room.join(2, Access.WRITE, false, null);
    room.message(1, YMessage.syncUpdate(HI));
    out.sent.clear();
    room.message(2, YMessage.syncStep2(YUpdates.merge(List.of(HI)))); // a reconnect's full state
    room.message(1, YMessage.syncUpdate(HI));
    assertEquals(1, stored().size());
    assertEquals(0, out.of("broadcast").size());
    room.message(2, YMessage.syncStep2(YUpdates.merge(List.of(HI, BANG))));
    assertEquals(2, stored().size());
    assertArrayEquals(YUpdates.stateVector(YUpdates.merge(List.of(HI, BANG))),
        YUpdates.stateVector(YUpdates.merge(stored())), "only the new part is stored");
    assertEquals(1, out.of("broadcast").size());
  }

  @Test
  void anUpdateThatCannotBeStoredIsNeverBroadcast() {
    RoomStore failing = new RoomStore() {
      @Override
      public Future<List<byte[]>> load(String roomKey) {
        return Future.succeededFuture(List.of());
      }

      @Override
      public Future<Void> append(String roomKey, byte[] update) {
        return Future.failedFuture("redis down");
      }
    };
    YjsRoom r = new YjsRoom("yjs/doc-2", new YjsDocument(List.of(), 4), failing, out);
    r.join(1, Access.WRITE, false, null);
    r.join(2, Access.WRITE, false, null);
    out.sent.clear();
    r.message(1, YMessage.syncUpdate(HI));
    assertEquals(0, out.of("broadcast").size());
    assertEquals(CloseCodes.ROOM_UNAVAILABLE, out.of("close").get(0).code());
  }
}
