package dev.parlor.persistence.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.common.config.ParlorConfig;
import dev.parlor.common.redis.LocalRedis;
import dev.parlor.common.redis.RedisConnector;
import dev.parlor.yjs.Lib0Writer;
import dev.parlor.yjs.YUpdates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The room data layout and its fenced scripts, against a real redis-server. */
class RoomDataStoreTest {
  static LocalRedis server;
  static Vertx vertx;
  static Redis redis;
  static RoomDataStore store;
  static Compaction compaction;

  @BeforeAll
  static void start() throws Exception {
    server = LocalRedis.start(Files.createTempDirectory("parlor-redis"));
    vertx = Vertx.vertx();
    redis = RedisConnector.create(vertx, ParlorConfig.of(Map.of("PARLOR_REDIS_URL", server.url())));
    store = new RoomDataStore(redis);
    compaction = new Compaction(vertx, store, new SimpleMeterRegistry().timer("t"));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    server.close();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.await(20, TimeUnit.SECONDS);
  }

  static byte[] insert(long client, String text) {
    return new Lib0Writer().writeVarUint(1).writeVarUint(1).writeVarUint(client).writeVarUint(0)
        .writeUint8(4).writeVarUint(1).writeVarString("t").writeVarString(text).writeVarUint(0).toByteArray();
  }

  /** The document a room's stored data makes, as a comparable state vector plus size. */
  static byte[] document(String roomKey) throws Exception {
    return YUpdates.compact(await(store.read(roomKey)).allUpdates());
  }

  @Test
  void keysShareOneHashTag() {
    RoomKeys keys = RoomKeys.of("yjs/doc-1");
    for (String k : keys.all()) {
      assertTrue(k.startsWith("parlor:{yjs/doc-1}:"), k);
    }
  }

  /** Claims the room for node "node-a" (a test's single owner). */
  static long claim(String roomKey) throws Exception {
    RoomDataStore.LeaseClaim c = await(store.claim(roomKey, "node-a", 60_000));
    assertTrue(c.granted());
    return c.fence();
  }

  @Test
  void aLeaseHasOneHolderAndATokenThatGrowsWithEachOwner() throws Exception {
    String room = "yjs/fenced";
    RoomDataStore.LeaseClaim a = await(store.claim(room, "node-a", 60_000));
    assertTrue(a.granted());
    assertTrue(await(store.append(room, a.fence(), insert(1, "a"))).accepted());
    RoomDataStore.LeaseClaim refused = await(store.claim(room, "node-b", 60_000));
    assertFalse(refused.granted(), "another node holds the lease");
    assertEquals("node-a", refused.holder());
    assertTrue(refused.ttlMillis() > 0 && refused.ttlMillis() <= 60_000);
    assertEquals("node-a", await(store.owner(room)).getString("node"));
    assertTrue(await(store.renew(room, "node-a", a.fence(), 60_000)));
    assertFalse(await(store.renew(room, "node-b", a.fence(), 60_000)), "only the holder renews");
    assertTrue(await(store.release(room, "node-a", a.fence())));
    assertFalse(await(store.renew(room, "node-a", a.fence(), 60_000)), "a released lease is not renewed");
    assertNull(await(store.owner(room)));

    RoomDataStore.LeaseClaim b = await(store.claim(room, "node-b", 60_000));
    assertTrue(b.granted());
    assertTrue(b.fence() > a.fence());
    assertEquals(0, a.previousFence(), "a room never claimed before");
    assertEquals(a.fence(), b.previousFence(), "the claim says whose token it replaced");
    assertFalse(await(store.release(room, "node-a", a.fence())), "a late release never frees a newer lease");
    assertEquals("node-b", await(store.owner(room)).getString("node"));
    assertEquals(1, await(store.read(room)).updates().size(), "the new owner sees what the old one stored");
    assertFalse(await(store.append(room, a.fence(), insert(2, "stale"))).accepted(), "stale owner refused");
    assertEquals(Compaction.Result.STALE, await(compaction.compact(room, a.fence())), "stale compaction refused");
    assertTrue(await(store.append(room, b.fence(), insert(3, "b"))).accepted());
    assertEquals(2, await(store.read(room)).updates().size(), "nothing of the stale owner was written");
    var entries = await(redis.send(Request.cmd(Command.XRANGE).arg(RoomKeys.of(room).log()).arg("-").arg("+")));
    assertEquals(String.valueOf(a.fence()), entries.get(0).get(1).get(3).toString());
    assertEquals(String.valueOf(b.fence()), entries.get(1).get(1).get(3).toString(),
        "each entry keeps the token it was written under");
  }

  @Test
  void aLeasePassedToTheNextOwnerFencesTheOldOneOut() throws Exception {
    String room = "yjs/passed";
    RoomDataStore.LeaseClaim a = await(store.claim(room, "node-a", 60_000));
    assertTrue(await(store.append(room, a.fence(), insert(1, "a"))).accepted());
    assertFalse(await(store.pass(room, "node-b", a.fence(), "node-c", 5000)).granted(), "only the holder passes");
    assertFalse(await(store.pass(room, "node-a", a.fence() + 1, "node-c", 5000)).granted(), "under its own token");
    RoomDataStore.LeaseClaim b = await(store.pass(room, "node-a", a.fence(), "node-b", 5000));
    assertTrue(b.granted());
    assertTrue(b.fence() > a.fence(), "the next owner gets a larger token");
    assertEquals(a.fence(), b.previousFence());
    assertEquals("node-b", await(store.owner(room)).getString("node"));
    assertTrue(await(store.owner(room)).getLong("leaseMillisLeft") <= 5000);
    assertTrue(await(store.renew(room, "node-b", b.fence(), 5000)), "the next owner renews it as its own");
    assertFalse(await(store.renew(room, "node-a", a.fence(), 5000)));
    assertFalse(await(store.release(room, "node-a", a.fence())), "a late release never frees the passed lease");
    assertFalse(await(store.append(room, a.fence(), insert(2, "stale"))).accepted(), "the old owner is fenced out");
    assertTrue(await(store.append(room, b.fence(), insert(3, "b"))).accepted());
    assertFalse(await(store.pass(room, "node-a", a.fence(), "node-c", 5000)).granted(), "passed once only");
    RoomDataStore.LeaseClaim again = await(store.claim(room, "node-b", 5000));
    assertTrue(again.granted(), "the holder may claim its passed lease again");
    assertEquals(b.fence(), again.previousFence());
  }

  @Test
  void aLeaseNotRenewedExpiresAndTheRoomCanBeClaimed() throws Exception {
    String room = "yjs/expiring";
    RoomDataStore.LeaseClaim a = await(store.claim(room, "node-a", 150));
    assertTrue(a.granted());
    assertFalse(await(store.claim(room, "node-b", 5000)).granted());
    Thread.sleep(250);
    assertFalse(await(store.renew(room, "node-a", a.fence(), 5000)), "too late: the lease expired");
    RoomDataStore.LeaseClaim b = await(store.claim(room, "node-b", 5000));
    assertTrue(b.granted());
    assertTrue(b.fence() > a.fence());
    assertEquals(0, a.previousFence(), "a room never claimed before");
    assertEquals(a.fence(), b.previousFence(), "the claim says whose token it replaced");
    RoomDataStore.LeaseClaim again = await(store.claim(room, "node-b", 5000));
    assertTrue(again.granted(), "the holder may claim again");
    assertTrue(again.fence() > b.fence());
  }

  @Test
  void compactionFoldsTheLogAndKeepsLaterAppends() throws Exception {
    String room = "yjs/compact";
    long fence = claim(room);
    List<byte[]> all = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      all.add(insert(i, "u" + i));
      await(store.append(room, fence, all.get(i - 1)));
    }
    byte[] before = document(room);
    assertEquals(Compaction.Result.COMPACTED, await(compaction.compact(room, fence)));
    StoredRoom after = await(store.read(room));
    assertEquals(0, after.updates().size(), "log trimmed");
    assertArrayEquals(before, YUpdates.compact(after.allUpdates()));
    assertEquals(0L, await(redis.send(Request.cmd(Command.XLEN).arg(RoomKeys.of(room).log()))).toLong());
    byte[] late = insert(99, "late");
    await(store.append(room, fence, late));
    all.add(late);
    assertArrayEquals(YUpdates.compact(all), document(room));
    assertEquals(1L, await(store.stats(room)).getLong("logEntries"));
  }

  @Test
  void aCompactionThatFailsMidwayLosesNothing() throws Exception {
    String room = "yjs/midway";
    long fence = claim(room);
    for (int i = 1; i <= 10; i++) {
      await(store.append(room, fence, insert(i, "x" + i)));
    }
    byte[] before = document(room);
    StoredRoom read = await(store.read(room));
    byte[] snapshot = YUpdates.compact(read.allUpdates());
    // The snapshot is written, then the trim fails (a bad id): the script stops midway.
    assertThrows(Throwable.class, () -> await(store.commitCompaction(room, fence, read.lastId(), snapshot,
        read.logBytes(), "not-an-id")));
    assertEquals(10L, await(redis.send(Request.cmd(Command.XLEN).arg(RoomKeys.of(room).log()))).toLong(),
        "the trim did not happen");
    assertArrayEquals(before, document(room), "the document is unchanged");
    assertEquals(0, await(store.read(room)).updates().size(), "entries the snapshot covers are skipped");
    assertEquals(Compaction.Result.NOTHING_TO_DO, await(compaction.compact(room, fence)));
    byte[] next = insert(77, "after");
    assertTrue(await(store.append(room, fence, next)).accepted());
    assertEquals(1, await(store.read(room)).updates().size());
  }

  @Test
  void importRefusesARoomWithDataUnlessOverwriting() throws Exception {
    String room = "yjs/import";
    byte[] doc = YUpdates.compact(List.of(insert(5, "imported")));
    assertTrue(await(store.importDocument(room, doc, false)));
    assertArrayEquals(doc, document(room));
    assertFalse(await(store.importDocument(room, YUpdates.compact(List.of(insert(6, "other"))), false)));
    assertArrayEquals(doc, document(room), "refused import wrote nothing");
    long fence = claim(room);
    await(store.append(room, fence, insert(7, "live")));
    byte[] replacement = YUpdates.compact(List.of(insert(8, "replacement")));
    assertTrue(await(store.importDocument(room, replacement, true)));
    assertArrayEquals(replacement, document(room), "overwrite drops the old log");
    assertFalse(await(store.append(room, fence, insert(9, "old owner"))).accepted(), "the live owner is fenced out");
  }

  @Test
  void deleteRemovesEveryKeyAndTheIndexEntry() throws Exception {
    String room = "yjs/delete-me";
    long fence = claim(room);
    await(store.append(room, fence, insert(1, "gone")));
    await(store.indexRoom(room));
    assertTrue(await(store.list(0, 1000)).stream().anyMatch(o -> o.toString().contains("delete-me")));
    assertTrue(await(store.delete(room)));
    assertTrue(await(store.read(room)).isEmpty());
    assertNull(await(store.stats(room)));
    assertEquals(0L, await(redis.send(Request.cmd(Command.EXISTS).arg(RoomKeys.of(room).meta())
        .arg(RoomKeys.of(room).snapshot()).arg(RoomKeys.of(room).log()))).toLong());
    assertFalse(await(store.list(0, 1000)).stream().anyMatch(o -> o.toString().contains("delete-me")));
    assertFalse(await(store.delete(room)));
  }
}
