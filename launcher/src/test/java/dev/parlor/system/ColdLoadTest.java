package dev.parlor.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.common.config.ParlorConfig;
import dev.parlor.common.redis.RedisConnector;
import dev.parlor.persistence.store.RoomDataStore;
import dev.parlor.yjs.Lib0Writer;
import dev.parlor.yjs.TextUpdates;
import dev.parlor.yjs.YUpdates;
import dev.parlor.yjs.protocol.YMessage;
import dev.parlor.yjs.protocol.YMessage.Kind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Loading a room that Redis holds as a snapshot plus a log, through the whole system: what fresh,
 * concurrent and reconnecting clients get, and that nothing stored is lost or doubled.
 */
class ColdLoadTest {
  static LocalParlor parlor;
  static Vertx clients;
  static RoomDataStore store;

  @BeforeAll
  static void start() throws Exception {
    parlor = LocalParlor.start(Files.createTempDirectory("parlor-redis"), 1, Map.of());
    clients = Vertx.vertx();
    store = new RoomDataStore(RedisConnector.create(clients,
        ParlorConfig.of(Map.of("PARLOR_REDIS_URL", parlor.redis.url()))));
  }

  @AfterAll
  static void stop() throws Exception {
    clients.close().await();
    parlor.close();
  }

  /** Deletes one clock of a client, and nothing else. */
  static byte[] deletion(long client, long clock) {
    return new Lib0Writer().writeVarUint(0).writeVarUint(1).writeVarUint(client).writeVarUint(1)
        .writeVarUint(clock).writeVarUint(1).toByteArray();
  }

  /**
   * Stores a room as a room would have: a snapshot of 200 KB (imported) and a log of {@code entries}
   * updates after it (appended under the room's fence), typing that continues the snapshot's
   * clients, a new client and deletions. Returns the updates in stored order.
   */
  static List<byte[]> seed(String room, int entries) throws Exception {
    List<byte[]> history = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      history.add(TextUpdates.insertText(i, "snapshot text of client " + i + " ".repeat(2000)));
    }
    byte[] snapshot = YUpdates.compact(history);
    List<byte[]> log = new ArrayList<>();
    for (int i = 0; i < entries; i++) {
      log.add(switch (i % 3) {
        case 0 -> TextUpdates.typed(500, i / 3, (char) ('a' + i % 26));
        case 1 -> deletion(1 + i % 100, i % 20);
        default -> TextUpdates.typed(600 + i % 5, i / 15, 'z');
      });
    }
    String key = "yjs/" + room;
    store.importDocument(key, snapshot, true).await(10, TimeUnit.SECONDS);
    long fence = store.claim(key, "test-writer", 60_000).await(10, TimeUnit.SECONDS).fence();
    Future.all(log.stream().map(u -> store.append(key, fence, u)).toList()).await(30, TimeUnit.SECONDS);
    store.release(key, "test-writer", fence).await(10, TimeUnit.SECONDS); // the room node claims it next
    List<byte[]> stored = new ArrayList<>(List.of(snapshot));
    stored.addAll(log);
    return stored;
  }

  /** What Redis holds for the room, as one update. */
  static byte[] inRedis(String room) throws Exception {
    return YUpdates.merge(store.read("yjs/" + room).await(10, TimeUnit.SECONDS).allUpdates());
  }

  static void assertSameDocument(byte[] expected, byte[] actual, String message) {
    assertArrayEquals(YUpdates.stateVector(expected), YUpdates.stateVector(actual), message + " (state vector)");
    assertArrayEquals(YUpdates.compact(List.of(expected)), YUpdates.compact(List.of(actual)), message);
  }

  static boolean hasAll(byte[] doc, byte[] update) {
    return java.util.Arrays.equals(YUpdates.stateVector(doc), YUpdates.stateVector(YUpdates.merge(List.of(doc, update))));
  }

  static RoomClient connect(String room) throws Exception {
    return RoomClient.connect(clients, parlor.port, "/parties/yjs/" + room);
  }

  @Test
  void aFreshClientGetsExactlyWhatRedisHolds() throws Exception {
    List<byte[]> stored = seed("cold-fresh", 1000);
    RoomClient c = connect("cold-fresh");
    c.send(YMessage.syncStep1(YUpdates.emptyStateVector()));
    byte[] step2 = c.await(Kind.SYNC_STEP2, 10_000).payload();
    assertArrayEquals(YUpdates.merge(stored), step2, "the merge of snapshot and log, as Yjs merges them");
    assertSameDocument(inRedis("cold-fresh"), step2, "the document Redis holds");
    c.ws.close();
  }

  @Test
  void clientsJoiningDuringTheLoadGetTheDocumentAndAnEditMadeMeanwhile() throws Exception {
    List<byte[]> stored = seed("cold-crowd", 1000);
    List<RoomClient> crowd = new ArrayList<>();
    byte[] edit = TextUpdates.insertText(9001, "typed while the room was loading");
    for (int i = 0; i < 5; i++) {
      RoomClient c = connect("cold-crowd"); // no waiting: every join and step 1 reaches the room as it loads
      c.send(YMessage.syncStep1(YUpdates.emptyStateVector()));
      if (i == 0) {
        c.send(YMessage.syncUpdate(edit));
      }
      crowd.add(c);
    }
    List<byte[]> all = new ArrayList<>(stored);
    all.add(edit);
    for (int i = 0; i < crowd.size(); i++) {
      List<byte[]> got = new ArrayList<>(List.of(crowd.get(i).await(Kind.SYNC_STEP2, 10_000).payload()));
      if (i == 0) {
        got.add(edit); // its own edit
      } else if (!hasAll(got.get(0), edit)) {
        got.add(crowd.get(i).await(Kind.SYNC_UPDATE, 10_000).payload()); // relayed after its step 2
      }
      assertSameDocument(YUpdates.merge(all), YUpdates.merge(got), "client " + i);
    }
    assertSameDocument(YUpdates.merge(all), inRedis("cold-crowd"), "Redis holds the load and the edit");
    crowd.forEach(c -> c.ws.close());
  }

  @Test
  void aReconnectingClientGetsWhatItLacksAndOnlyItsOfflineEditsAreStored() throws Exception {
    List<byte[]> stored = seed("cold-back", 600);
    // The client saw the snapshot and the first half of the log, then edited offline: 100 KB.
    List<byte[]> known = new ArrayList<>(stored.subList(0, 301));
    byte[] offline = TextUpdates.insertText(7777, "offline ".repeat(12_800));
    known.add(offline);
    byte[] clientDoc = YUpdates.merge(known);
    RoomClient watcher = connect("cold-back");
    watcher.send(YMessage.syncStep1(YUpdates.emptyStateVector()));
    watcher.await(Kind.SYNC_STEP2, 10_000);

    RoomClient back = connect("cold-back");
    back.await(Kind.SYNC_STEP1, 10_000);
    back.send(YMessage.syncStep1(YUpdates.stateVector(clientDoc)));
    back.send(YMessage.syncStep2(clientDoc)); // its answer to the room's step 1: its whole state
    byte[] missing = back.await(Kind.SYNC_STEP2, 10_000).payload();
    assertTrue(missing.length < YUpdates.merge(stored).length / 10, "not the whole document: " + missing.length);
    List<byte[]> all = new ArrayList<>(stored);
    all.add(offline);
    byte[] everything = YUpdates.merge(all);
    assertSameDocument(everything, YUpdates.merge(List.of(clientDoc, missing)), "the client ends with everything");

    byte[] relayed = watcher.await(Kind.SYNC_UPDATE, 10_000).payload();
    assertSameDocument(offline, relayed, "only the offline edit is new to the room");
    assertSameDocument(everything, inRedis("cold-back"), "Redis holds the room's document and the offline edit");
    assertEquals(600 + 1, store.read("yjs/cold-back").await(10, TimeUnit.SECONDS).updates().size(),
        "one entry appended: the novel part");
    back.ws.close();
    watcher.ws.close();
  }
}
