package dev.parlor.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.common.bus.CloseCodes;
import dev.parlor.common.placement.RoomNodeDirectory;
import dev.parlor.common.placement.RoomPlacement;
import dev.parlor.common.telemetry.Telemetry;
import dev.parlor.yjs.TextUpdates;
import dev.parlor.yjs.protocol.YMessage;
import dev.parlor.yjs.protocol.YMessage.Kind;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The foundation through the real architecture: a gateway, two room-service nodes and
 * persistence-service as clustered Vert.x instances over a real Hazelcast cluster and event bus, a
 * real Redis, and real WebSocket clients.
 */
class RoomsOverClusterTest {
  static LocalParlor parlor;
  static int port;
  static Vertx clients;
  static RoomNodeDirectory directory;

  @BeforeAll
  static void start() throws Exception {
    parlor = LocalParlor.start(Files.createTempDirectory("parlor-redis"), 2, Map.of(
        "PARLOR_MAX_FRAME_BYTES", String.valueOf(1 << 20),
        "PARLOR_MAX_PENDING_BYTES", String.valueOf(256 << 10)));
    port = parlor.port;
    directory = parlor.directory;
    clients = Vertx.vertx();
    assertEquals(2, directory.roomNodes().size(), "both room nodes announced");
  }

  @AfterAll
  static void stop() throws Exception {
    clients.close().await(10, TimeUnit.SECONDS);
    parlor.close();
  }

  private static RoomClient join(String room) throws Exception {
    RoomClient c = RoomClient.connect(clients, port, "/parties/yjs/" + room);
    c.await(Kind.SYNC_STEP1, 5000);
    return c;
  }

  @Test
  void updatesReachOtherClientsAndLateJoinersOnEitherRoomNode() throws Exception {
    // Two rooms that hash to different room nodes: routing works across the cluster.
    String a = null;
    String b = null;
    for (int i = 0; a == null || b == null; i++) {
      String owner = RoomPlacement.owner("yjs/route-" + i, directory.roomNodes());
      if (owner.equals(directory.roomNodes().get(0)) && a == null) {
        a = "route-" + i;
      } else if (owner.equals(directory.roomNodes().get(1)) && b == null) {
        b = "route-" + i;
      }
    }
    for (String room : List.of(a, b)) {
      RoomClient c1 = join(room);
      RoomClient c2 = join(room);
      byte[] update = TextUpdates.insertText(101, "hello " + room);
      c1.send(YMessage.syncUpdate(update));
      assertArrayEquals(update, c2.await(Kind.SYNC_UPDATE, 5000).payload());
      RoomClient late = join(room);
      late.send(YMessage.syncStep1(new byte[] {0}));
      byte[] state = late.await(Kind.SYNC_STEP2, 5000).payload();
      assertArrayEquals(update, state, "the late joiner's step 2 holds the earlier update");
      c1.ws.close();
      c2.ws.close();
      late.ws.close();
    }
    assertNotEquals(RoomPlacement.owner("yjs/" + a, directory.roomNodes()),
        RoomPlacement.owner("yjs/" + b, directory.roomNodes()));
  }

  @Test
  void malformedFrameClosesThatConnectionAndTheRoomCarriesOn() throws Exception {
    RoomClient good = join("malformed-1");
    RoomClient other = join("malformed-1");
    RoomClient bad = join("malformed-1");
    bad.send(new byte[] {0, 2, (byte) 0xff, (byte) 0xff}); // truncated varint
    assertEquals(CloseCodes.MALFORMED, bad.awaitClose(5000));
    assertTrue(bad.closeReason.startsWith("malformed message"), bad.closeReason);
    RoomClient unknown = join("malformed-1");
    unknown.send(new byte[] {7, 1});
    assertEquals(CloseCodes.MALFORMED, unknown.awaitClose(5000));
    byte[] update = TextUpdates.insertText(202, "still here");
    good.send(YMessage.syncUpdate(update));
    assertArrayEquals(update, other.await(Kind.SYNC_UPDATE, 5000).payload());
  }

  @Test
  void textFramesAreRefused() throws Exception {
    RoomClient c = join("text-1");
    c.ws.writeTextMessage("hello");
    assertEquals(CloseCodes.MALFORMED, c.awaitClose(5000));
  }

  @Test
  void oversizeFrameClosesWith1009() throws Exception {
    RoomClient c = join("big-1");
    c.send(YMessage.syncUpdate(TextUpdates.insertText(303, "x".repeat(2 << 20))));
    assertEquals(CloseCodes.TOO_BIG, c.awaitClose(10_000));
  }

  @Test
  void unknownPartyAndBadRoomIdAreRefusedBeforeTheUpgrade() {
    assertEquals(404, rejectedStatus("/parties/nope/doc-1"));
    assertEquals(404, rejectedStatus("/elsewhere"));
    assertEquals(400, rejectedStatus("/parties/yjs/" + "x".repeat(200)));
    assertEquals(400, rejectedStatus("/parties/yjs/bad%20id"));
  }

  private static int rejectedStatus(String path) {
    Exception cause = assertThrows(Exception.class, () -> RoomClient.connect(clients, port, path));
    assertTrue(cause instanceof UpgradeRejectedException, "expected an upgrade rejection, got " + cause);
    return ((UpgradeRejectedException) cause).getStatus();
  }

  private static double slowConsumerCloses() {
    var counter = Telemetry.registry().find("parlor_gateway_closes").tag("code", "4408").counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aClientThatDoesNotReadIsClosedWith4408() throws Exception {
    RoomClient writer = join("slow-1");
    try (StalledClient slow = StalledClient.connect(port, "/parties/yjs/slow-1")) {
      Thread.sleep(300); // let the join reach the room
      for (int i = 0; i < 40; i++) {
        writer.send(YMessage.syncUpdate(TextUpdates.insertText(1000 + i, "y".repeat(200_000))));
      }
      // Only once the server has given up on it does the stalled client read on, to find the close.
      long deadline = System.currentTimeMillis() + 20_000;
      while (slowConsumerCloses() < 1 && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(CloseCodes.SLOW_CONSUMER, slow.readUntilClose(20_000));
    }
    byte[] update = TextUpdates.insertText(5000, "after");
    RoomClient reader = join("slow-1");
    writer.send(YMessage.syncUpdate(update));
    // Big updates may still be on their way to the reader; the room carries on if "after" arrives.
    reader.await(m -> m.kind() == Kind.SYNC_UPDATE && java.util.Arrays.equals(update, m.payload()), 20_000,
        "the update sent after the slow consumer was closed");
  }
}
