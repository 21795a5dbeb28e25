package dev.parlor.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.common.cluster.ClusterNode;
import dev.parlor.common.placement.RoomPlacement;
import dev.parlor.yjs.StateVectors;
import dev.parlor.yjs.TextUpdates;
import dev.parlor.yjs.YUpdates;
import dev.parlor.yjs.protocol.AwarenessUpdate;
import dev.parlor.yjs.protocol.YMessage;
import dev.parlor.yjs.protocol.YMessage.Kind;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rooms move when room nodes leave gracefully or join: clients stay connected to their gateway,
 * are re-attached to the new owner, and nothing they were sent is lost.
 */
class RoomMoveTest {
  record Pair(String room, RoomClient a, RoomClient b, List<byte[]> sent) {
  }

  private static Pair open(Vertx clients, LocalParlor parlor, String room) throws Exception {
    RoomClient a = RoomClient.connect(clients, parlor.port, "/parties/yjs/" + room);
    RoomClient b = RoomClient.connect(clients, parlor.port, "/parties/yjs/" + room);
    for (RoomClient c : List.of(a, b)) { // synced as a stock client is: its step 1 answered
      c.await(Kind.SYNC_STEP1, 5000);
      c.send(YMessage.syncStep1(YUpdates.emptyStateVector()));
      c.await(Kind.SYNC_STEP2, 5000);
    }
    // a's cursor: a stock client announces it once, then renews it every 15 s (not within this test)
    a.send(YMessage.awareness(new AwarenessUpdate(List.of(cursorOf(room))).encode()));
    b.await(Kind.AWARENESS, 5000);
    return new Pair(room, a, b, new ArrayList<>());
  }

  private static AwarenessUpdate.Entry cursorOf(String room) {
    return new AwarenessUpdate.Entry(4242, 1, "{\"user\":\"" + room + "\"}");
  }

  /**
   * A client re-attached to the room's new owner is resynced with what it lacks, not the whole
   * document: its old owner handed the room over and told the gateway what the client holds.
   */
  private static void assertResyncedWithADiff(Pair p, long clientsBefore) throws Exception {
    for (RoomClient c : List.of(p.a(), p.b())) {
      byte[] step2 = c.await(Kind.SYNC_STEP2, 10_000).payload();
      Map<Long, Long> holds = StateVectors.decode(YUpdates.stateVector(step2));
      for (long client = 1; client <= clientsBefore; client++) {
        assertFalse(holds.containsKey(client), "the resync of " + p.room() + " resends client " + client
            + "'s update, which it had: " + holds);
      }
    }
  }

  private static void exchange(Pair p, long client) throws Exception {
    exchange(p, client, p.room() + "#" + client);
  }

  private static void exchange(Pair p, long client, String text) throws Exception {
    byte[] u = TextUpdates.insertText(client, text);
    p.sent().add(u);
    p.a().send(YMessage.syncUpdate(u));
    assertArrayEquals(u, p.b().await(m -> m.kind() == Kind.SYNC_UPDATE, 10_000, "update in " + p.room()).payload());
  }

  private static void assertStoredAndConnected(Vertx clients, LocalParlor parlor, Pair p) throws Exception {
    assertFalse(p.a().closeCode.isDone(), "client a of " + p.room() + " stayed connected");
    assertFalse(p.b().closeCode.isDone(), "client b of " + p.room() + " stayed connected");
    RoomClient late = RoomClient.connect(clients, parlor.port, "/parties/yjs/" + p.room());
    late.await(Kind.SYNC_STEP1, 5000);
    // The room's owner has a's cursor although a announced it to an earlier owner.
    assertEquals(List.of(cursorOf(p.room())),
        AwarenessUpdate.decode(late.await(Kind.AWARENESS, 5000).payload()).entries(),
        "the awareness states of " + p.room() + " moved with it");
    late.send(YMessage.syncStep1(YUpdates.emptyStateVector()));
    byte[] state = late.await(Kind.SYNC_STEP2, 5000).payload();
    assertArrayEquals(YUpdates.stateVector(YUpdates.merge(p.sent())), YUpdates.stateVector(state),
        "every update of " + p.room() + " is in the new owner's document");
    late.ws.close();
  }

  private static double count(LocalParlor parlor, String counterName) {
    var counter = parlor.roomNodes.get(0).metrics().find(counterName).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void roomsMoveOnGracefulLeaveAndOnJoinWithoutDroppingClients() throws Exception {
    Vertx clients = Vertx.vertx();
    try (LocalParlor parlor = LocalParlor.start(Files.createTempDirectory("parlor-redis"), 2, Map.of())) {
      List<Pair> pairs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        pairs.add(open(clients, parlor, "move-" + i));
      }
      long client = 1;
      for (Pair p : pairs) {
        exchange(p, client++);
      }
      ClusterNode leaving = parlor.roomNodes.get(0);
      List<String> before = parlor.directory.roomNodes();
      long moved = pairs.stream().filter(p -> leaving.nodeId().equals(RoomPlacement.owner("yjs/" + p.room(), before)))
          .count();
      assertTrue(moved > 0 && moved < pairs.size(), "the rooms are spread over both nodes: " + moved);
      // One moving room is large: its document is copied ahead to the next owner before the hand-over.
      Pair large = pairs.stream().filter(p -> leaving.nodeId().equals(RoomPlacement.owner("yjs/" + p.room(), before)))
          .findFirst().orElseThrow();
      exchange(large, client++, "L".repeat(100_000));
      double handedBefore = count(parlor, "parlor_room_handed_over_loads");
      double copiedBefore = count(parlor, "parlor_room_copied_loads");
      double passedBefore = count(parlor, "parlor_room_leases_passed_in");
      parlor.stopRoomNode(leaving);
      for (Pair p : pairs) {
        if (leaving.nodeId().equals(RoomPlacement.owner("yjs/" + p.room(), before))) {
          assertResyncedWithADiff(p, client - 1);
        }
      }
      double batchesBefore = count(parlor, "parlor_room_append_batches");
      for (Pair p : pairs) {
        exchange(p, client++);
      }
      // Every room is on the one node left now: its updates reached Redis in group commits, counted.
      double batches = count(parlor, "parlor_room_append_batches") - batchesBefore;
      assertTrue(batches >= 1 && batches <= pairs.size(), batches + " group commits for " + pairs.size() + " updates");
      for (Pair p : pairs) {
        assertStoredAndConnected(clients, parlor, p);
      }
      // The leaving node handed its documents to the new owners, which did not read them back from
      // Redis (the document checks above hold all the same).
      // (A claim whose retry timer fires between the release and the hand-over's arrival reads
      // Redis instead: correct, only slower; hence at least one rather than all.)
      double handed = count(parlor, "parlor_room_handed_over_loads") - handedBefore;
      assertTrue(handed >= 1 && handed <= moved, handed + " of " + moved + " moved rooms loaded from the hand-over");
      double copied = count(parlor, "parlor_room_copied_loads") - copiedBefore;
      assertEquals(1, copied, "the large room, and only it, loaded from the copy sent ahead");
      assertEquals(moved, count(parlor, "parlor_room_leases_passed_in") - passedBefore,
          "every moved room's lease was passed to its new owner, which did not claim it");
      // A node joins: the rooms that now hash to it move to it.
      List<String> beforeJoin = parlor.directory.roomNodes();
      parlor.addRoomNode();
      long deadline = System.currentTimeMillis() + 10_000;
      while (parlor.roomNodes.size() > parlor.directory.roomNodes().size() && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      List<String> afterJoin = parlor.directory.roomNodes();
      for (Pair p : pairs) {
        String key = "yjs/" + p.room();
        if (!RoomPlacement.owner(key, beforeJoin).equals(RoomPlacement.owner(key, afterJoin))) {
          assertResyncedWithADiff(p, client - 1);
        }
      }
      for (Pair p : pairs) {
        exchange(p, client++);
      }
      for (Pair p : pairs) {
        assertStoredAndConnected(clients, parlor, p);
      }
      assertEquals(2, parlor.directory.roomNodes().size());
    } finally {
      clients.close().await();
    }
  }
}
