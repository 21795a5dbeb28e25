package dev.parlor.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.parlor.common.bus.CloseCodes;
import dev.parlor.common.config.ParlorConfig;
import dev.parlor.common.redis.RedisConnector;
import dev.parlor.yjs.TextUpdates;
import dev.parlor.yjs.YUpdates;
import dev.parlor.yjs.protocol.YMessage;
import dev.parlor.yjs.protocol.YMessage.Kind;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the stored data survives: a whole-system restart, a Redis outage, a stale owner. */
class DurabilityTest {
  static Vertx clients;

  @BeforeAll
  static void start() {
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    clients.close().await();
  }

  private static RoomClient join(int port, String room) throws Exception {
    RoomClient c = RoomClient.connect(clients, port, "/parties/yjs/" + room);
    c.await(Kind.SYNC_STEP1, 5000);
    return c;
  }

  private static String readiness(LocalParlor parlor) throws Exception {
    return parlor.persistence.health().checkStatus().await(5, TimeUnit.SECONDS).toJson().getString("outcome");
  }

  /** The whole document of a room, as a fresh client receives it. */
  private static byte[] fullState(int port, String room) throws Exception {
    RoomClient c = join(port, room);
    c.send(YMessage.syncStep1(YUpdates.emptyStateVector()));
    byte[] state = c.await(Kind.SYNC_STEP2, 5000).payload();
    c.ws.close();
    return state;
  }

  /** Sends an update and waits until another client of the room has it (so it is stored). */
  private static void sendAndSee(RoomClient from, RoomClient watcher, byte[] update) throws Exception {
    from.send(YMessage.syncUpdate(update));
    assertArrayEquals(update, watcher.await(Kind.SYNC_UPDATE, 5000).payload());
  }

  @Test
  void aRestartOfEverythingKeepsEveryDocument() throws Exception {
    Path dir = Files.createTempDirectory("parlor-redis");
    Map<String, List<byte[]>> sent = Map.of("doc-r1", new ArrayList<>(), "doc-r2", new ArrayList<>(),
        "doc-r3", new ArrayList<>());
    // Small thresholds so that compaction happens on the way, not only at the end.
    Map<String, String> settings = Map.of("PARLOR_COMPACT_LOG_ENTRIES", "7");
    try (LocalParlor parlor = LocalParlor.start(dir, 1, settings)) {
      long client = 1;
      for (String room : sent.keySet()) {
        RoomClient a = join(parlor.port, room);
        RoomClient b = join(parlor.port, room);
        for (int i = 0; i < 20; i++) {
          byte[] u = TextUpdates.insertText(client++, room + "-" + i);
          sent.get(room).add(u);
          sendAndSee(i % 2 == 0 ? a : b, i % 2 == 0 ? b : a, u);
        }
        a.ws.close();
        b.ws.close();
      }
    }
    try (LocalParlor again = LocalParlor.start(dir, 1, settings)) {
      for (var e : sent.entrySet()) {
        byte[] state = fullState(again.port, e.getKey());
        assertArrayEquals(YUpdates.stateVector(YUpdates.merge(e.getValue())), YUpdates.stateVector(state),
            "room " + e.getKey() + " has every update after the restart");
        assertArrayEquals(YUpdates.compact(e.getValue()), YUpdates.compact(List.of(state)));
      }
    }
  }

  @Test
  void aRedisOutageStopsAcknowledgingAndServiceResumesWhenItReturns() throws Exception {
    try (LocalParlor parlor = LocalParlor.start(Files.createTempDirectory("parlor-redis"), 1, Map.of())) {
      RoomClient a = join(parlor.port, "outage");
      RoomClient b = join(parlor.port, "outage");
      byte[] before = TextUpdates.insertText(1, "before");
      sendAndSee(a, b, before);
      assertEquals("UP", readiness(parlor));

      parlor.killRedis();
      assertEquals("DOWN", readiness(parlor), "readiness goes false without Redis");
      a.send(YMessage.syncUpdate(TextUpdates.insertText(2, "during the outage")));
      assertEquals(CloseCodes.ROOM_UNAVAILABLE, a.awaitClose(15_000), "the sender is told to come back later");
      Thread.sleep(300);
      assertNull(b.received.stream().filter(m -> m.kind() == Kind.SYNC_UPDATE).findAny().orElse(null),
          "nothing unstored was broadcast");

      parlor.restartRedis();
      long deadline = System.currentTimeMillis() + 20_000;
      while (!"UP".equals(readiness(parlor))
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(200);
      }
      RoomClient c = join(parlor.port, "outage");
      byte[] after = TextUpdates.insertText(3, "after");
      sendAndSee(c, b, after);
      byte[] state = fullState(parlor.port, "outage");
      assertArrayEquals(YUpdates.stateVector(YUpdates.merge(List.of(before, after))), YUpdates.stateVector(state),
          "service resumed without a restart and kept what was acknowledged");
    }
  }

  @Test
  void aStaleOwnerIsRefusedAndLetsTheRoomGo() throws Exception {
    try (LocalParlor parlor = LocalParlor.start(Files.createTempDirectory("parlor-redis"), 1, Map.of())) {
      RoomClient a = join(parlor.port, "stale");
      RoomClient b = join(parlor.port, "stale");
      byte[] first = TextUpdates.insertText(1, "first");
      sendAndSee(a, b, first);
      // Another owner takes the room over: the fencing token in Redis moves on.
      var redis = RedisConnector.create(clients, ParlorConfig.of(Map.of("PARLOR_REDIS_URL", parlor.redis.url())));
      long taken = redis.send(Request.cmd(Command.HINCRBY).arg("parlor:{yjs/stale}:meta").arg("fence").arg(1000))
          .await(5, TimeUnit.SECONDS).toLong();
      a.send(YMessage.syncUpdate(TextUpdates.insertText(2, "refused")));
      // The old owner drops the room at once; the gateway routes both sockets again, without closing
      // them, and the room's owner (the same node, by placement) claims it under a newer token.
      a.await(Kind.SYNC_STEP1, 10_000); // the fresh sync of the room claimed again
      b.await(Kind.SYNC_STEP1, 10_000);
      assertEquals(1L, redis.send(Request.cmd(Command.XLEN).arg("parlor:{yjs/stale}:log")).await(5, TimeUnit.SECONDS)
          .toLong(), "the refused update is not stored");
      assertTrue(Long.parseLong(redis.send(Request.cmd(Command.HGET).arg("parlor:{yjs/stale}:meta").arg("fence"))
          .await(5, TimeUnit.SECONDS).toString()) > taken, "the room is served under a newer token");
      byte[] next = TextUpdates.insertText(3, "next");
      sendAndSee(b, a, next);
      assertFalse(a.closeCode.isDone() || b.closeCode.isDone(), "the clients stayed connected");
      byte[] state = fullState(parlor.port, "stale");
      assertArrayEquals(YUpdates.stateVector(YUpdates.merge(List.of(first, next))), YUpdates.stateVector(state),
          "the room is served again with what was stored");
      redis.close();
    }
  }
}
