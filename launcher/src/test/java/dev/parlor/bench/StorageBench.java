package dev.parlor.bench;

import dev.parlor.common.config.ParlorConfig;
import dev.parlor.common.redis.LocalRedis;
import dev.parlor.common.redis.RedisConnector;
import dev.parlor.common.testing.TestCluster;
import dev.parlor.gateway.GatewayService;
import dev.parlor.persistence.PersistenceService;
import dev.parlor.persistence.store.Compaction;
import dev.parlor.persistence.store.RoomDataStore;
import dev.parlor.room.RoomService;
import dev.parlor.yjs.Lib0Writer;
import dev.parlor.yjs.TextUpdates;
import dev.parlor.yjs.YUpdates;
import dev.parlor.yjs.protocol.YMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.Promise;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Storage figures of the persistence issue, through the real system (Redis, persistence-service,
 * a room node and a gateway as clustered Vert.x instances in one server JVM, "server" mode; the
 * client, this class's main without arguments, in another JVM on another core):
 * cold load of a 1 MB room (snapshot plus a 1,000-entry log) from first connect to the client's
 * full sync, p50/p99 over 50 rooms (after 90 s of unmeasured loads), once with each load after the
 * previous room's compaction (which its client's leaving starts) and once back to back; and
 * compaction of a 10,000-entry log. -Drooms=N, -DwarmupSeconds=N, -Dbreakdown=true (costs of the steps).
 * Run with bench/storage.sh.
 */
public final class StorageBench {
  private StorageBench() {
  }

  static byte[] insert(long client, String text) {
    return new Lib0Writer().writeVarUint(1).writeVarUint(1).writeVarUint(client).writeVarUint(0)
        .writeUint8(4).writeVarUint(1).writeVarString("t").writeVarString(text).writeVarUint(0).toByteArray();
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("server")) {
      serve(java.nio.file.Path.of(args[1]));
      return;
    }
    int rooms = Integer.parseInt(System.getProperty("rooms", "50"));
    int port = Integer.getInteger("port");
    String redisUrl = System.getProperty("redisUrl");
    long serverPid = Long.getLong("serverPid"); // its Redis is a child process, counted with it
    Vertx vertx = Vertx.vertx();
    try {
      RoomDataStore store = new RoomDataStore(RedisConnector.create(vertx,
          ParlorConfig.of(Map.of("PARLOR_REDIS_URL", redisUrl))));

      // A 1 MB document: 10,000 inserts of 100 characters as the snapshot, then 1,000 small updates.
      List<byte[]> base = new ArrayList<>();
      for (int i = 1; i <= 10_000; i++) {
        base.add(insert(i, "x".repeat(100)));
      }
      byte[] snapshot = YUpdates.compact(base);
      List<byte[]> log = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        log.add(insert(100_000 + i, "tail " + i));
      }
      long warmupSeconds = Long.getLong("warmupSeconds", 90);
      byte[] expected = YUpdates.stateVector(YUpdates.merge(concat(snapshot, log)));
      WebSocketClient client = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions()
          .setMaxFrameSize(64 << 20).setMaxMessageSize(64 << 20));
      awaitRoomNode(client, port);
      // Unmeasured loads first, for warmupSeconds, so that the JIT has compiled the path (on one
      // core it competes with the loads for minutes), as in a server that has run for a while: eight
      // rooms in turn, each stored again once the server has unloaded it (idle time 500 ms).
      long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
      int warmups = 0;
      while (System.nanoTime() < warmupEnd) {
        String room = "yjs/warm-up-" + warmups % 8;
        awaitUnloaded(store, room);
        seed(store, room, snapshot, log);
        coldLoad(client, port, room.substring(4), expected);
        warmups++;
      }
      System.out.printf("warm-up: %d loads in %d s%n", warmups, warmupSeconds);
      if (Boolean.getBoolean("breakdown")) {
        printCodecCosts(store, concat(snapshot, log));
      }
      // Rooms of the same content, each loaded once.
      for (String mode : List.of("isolated", "back-to-back")) {
        int n = rooms;
        for (int r = 0; r < n; r++) {
          seed(store, "yjs/" + mode + "-" + r, snapshot, log);
        }
        double[] millis = new double[n];
        double others = waitForQuietMachine();
        long cpu0 = ProcessCpu.treeTicks(serverPid);
        for (int r = 0; r < n; r++) {
          if (!mode.equals("back-to-back") && r > 0) {
            awaitCompaction(store, "yjs/" + mode + "-" + (r - 1));
          }
          millis[r] = coldLoad(client, port, mode + "-" + r, expected);
        }
        double cpuPerLoad = (ProcessCpu.treeTicks(serverPid) - cpu0) * 1000.0 / ProcessCpu.TICKS_PER_SECOND / n;
        Arrays.sort(millis);
        System.out.printf("cold load of a %.2f MB room (snapshot %d bytes + %d log entries), %d rooms, %s:%n",
            (snapshot.length + log.stream().mapToInt(u -> u.length).sum()) / 1e6, snapshot.length, log.size(), n,
            mode.equals("isolated") ? "each after the previous room's compaction ended" : "one after the other");
        System.out.printf("  p50 %.1f ms, p99 %.1f ms, max %.1f ms; server CPU %.1f ms per load (services and Redis);"
            + " other work before the run %.2f cores%n",
            millis[n / 2], millis[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)], millis[n - 1], cpuPerLoad, others);
      }

      // Compaction of a 10,000-entry log of typed characters.
      String room = "yjs/compact-10k";
      long fence = store.claim(room, "bench-writer", 60_000).await(30, TimeUnit.SECONDS).fence();
      long logBytes = 0;
      for (int chunk = 0; chunk < 10_000; chunk += 500) {
        List<Future<?>> appends = new ArrayList<>();
        for (int i = chunk; i < chunk + 500; i++) {
          byte[] u = TextUpdates.typed(7, i, (char) ('a' + i % 26));
          logBytes += u.length;
          appends.add(store.append(room, fence, u));
        }
        Future.all(appends).await(60, TimeUnit.SECONDS);
      }
      Compaction compaction = new Compaction(vertx, store, new SimpleMeterRegistry().timer("c"));
      long t0 = System.nanoTime();
      Compaction.Result result = compaction.compact(room, fence).await(60, TimeUnit.SECONDS);
      double ms = (System.nanoTime() - t0) / 1e6;
      long snapBytes = store.stats(room).await(10, TimeUnit.SECONDS).getLong("snapshotBytes");
      System.out.printf("compaction of a 10,000-entry log (%d bytes): %s in %.1f ms, snapshot %d bytes%n",
          logBytes, result, ms, snapBytes);
    } finally {
      vertx.close().await();
    }
  }

  /**
   * The server side: Redis, persistence-service, a room node and a gateway as clustered Vert.x
   * instances in this JVM; writes "port redisUrl pid" to ready and runs until killed.
   */
  static void serve(java.nio.file.Path ready) throws Exception {
    LocalRedis redis = LocalRedis.start(Files.createTempDirectory("parlor-bench-redis"));
    TestCluster cluster = new TestCluster();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        cluster.close();
      } catch (Exception e) {
        // exiting anyway
      }
      redis.close();
    }));
    Map<String, String> common = Map.of("PARLOR_REDIS_URL", redis.url(), "PARLOR_COMPACT_LOG_ENTRIES", "1000000",
        "PARLOR_COMPACT_LOG_BYTES", "1000000000", "PARLOR_DIRECTORY_REFRESH_MS", "200", "PARLOR_ROOM_IDLE_MS", "500");
    TestCluster.await(PersistenceService.deploy(cluster.start(common)));
    TestCluster.await(RoomService.deploy(cluster.start(common)));
    var gw = new java.util.HashMap<>(common);
    gw.putAll(Map.of("PARLOR_ANONYMOUS", "true", "PARLOR_HTTP_PORT", "0", "PARLOR_HTTP_HOST", "127.0.0.1",
        "PARLOR_GATEWAY_INSTANCES", "1"));
    int port = TestCluster.await(GatewayService.deploy(cluster.start(gw))).get(0).actualPort();
    Files.writeString(ready, port + " " + redis.url() + " " + ProcessHandle.current().pid() + "\n");
    Thread.currentThread().join();
  }

  /** What the room's steps cost on their own, warm, in this process: -Dbreakdown=true. */
  static void printCodecCosts(RoomDataStore store, List<byte[]> updates) throws Exception {
    seed(store, "yjs/breakdown", updates.get(0), updates.subList(1, updates.size()));
    for (int i = 0; i < 20; i++) {
      long a = System.nanoTime();
      store.read("yjs/breakdown").await(30, TimeUnit.SECONDS);
      long b = System.nanoTime();
      byte[] merged = YUpdates.merge(updates);
      long c = System.nanoTime();
      dev.parlor.yjs.DocumentClock.of(merged);
      long d = System.nanoTime();
      YUpdates.diff(merged, YUpdates.stateVector(updates.get(0)));
      long e = System.nanoTime();
      System.out.printf("read from Redis %.1f ms, merge %.1f ms, clock %.1f ms, diff against the snapshot %.1f ms%n",
          (b - a) / 1e6, (c - b) / 1e6, (d - c) / 1e6, (e - d) / 1e6);
    }
  }

  static List<byte[]> concat(byte[] snapshot, List<byte[]> log) {
    List<byte[]> all = new ArrayList<>(List.of(snapshot));
    all.addAll(log);
    return all;
  }

  /** Stores a room as compaction and appends leave it: the snapshot, then the log after it. */
  static void seed(RoomDataStore store, String room, byte[] snapshot, List<byte[]> log) throws Exception {
    store.importDocument(room, snapshot, true).await(30, TimeUnit.SECONDS);
    long fence = store.claim(room, "bench-writer", 60_000).await(30, TimeUnit.SECONDS).fence();
    List<Future<?>> appends = new ArrayList<>();
    for (byte[] u : log) {
      appends.add(store.append(room, fence, u));
    }
    Future.all(appends).await(60, TimeUnit.SECONDS);
    store.release(room, "bench-writer", fence).await(30, TimeUnit.SECONDS); // the room node claims it next
  }

  /** Waits until no node holds the room's lease (an idle room is unloaded and its lease released). */
  static void awaitUnloaded(RoomDataStore store, String room) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (store.owner(room).await(10, TimeUnit.SECONDS) != null) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(room + " was not unloaded within 30 s");
      }
      Thread.sleep(20);
    }
  }

  /** Waits until the room's log was folded into its snapshot (the room compacts when its client leaves). */
  static void awaitCompaction(RoomDataStore store, String room) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (store.stats(room).await(10, TimeUnit.SECONDS).getLong("logEntries") > 0) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(room + " was not compacted within 30 s");
      }
      Thread.sleep(20);
    }
  }

  /**
   * Waits (at most -DquietWaitSeconds, 180) until other processes use under 0.3 cores over 2 s;
   * returns what they used last. Other engineers' builds share this machine.
   */
  static double waitForQuietMachine() throws Exception {
    long deadline = System.currentTimeMillis() + Long.getLong("quietWaitSeconds", 180) * 1000;
    while (true) {
      long[] a = cpuTicks();
      long own = processCpuNanos();
      Thread.sleep(2000);
      long[] b = cpuTicks();
      double ownCores = (processCpuNanos() - own) / 2e9;
      double busy = (double) ((b[0] - a[0]) - (b[1] - a[1])) / (b[0] - a[0]) * Runtime.getRuntime().availableProcessors();
      double others = Math.max(0, busy - ownCores);
      if (others < 0.3 || System.currentTimeMillis() > deadline) {
        return others;
      }
    }
  }

  /** Total and idle (idle + iowait) jiffies of all cores, from /proc/stat. */
  static long[] cpuTicks() throws java.io.IOException {
    String[] f = Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long total = 0;
    for (int i = 1; i < f.length; i++) {
      total += Long.parseLong(f[i]);
    }
    return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
  }

  /** Waits until the gateway knows a room node (it answers 503 before that). */
  static void awaitRoomNode(WebSocketClient client, int port) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
            .setURI("/parties/yjs/bench-ready")).await(10, TimeUnit.SECONDS).close().await(5, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /**
   * Milliseconds from opening the socket to receiving the step 2 that answers an empty step 1;
   * the step 2 must hold the whole document (checked after the clock stops).
   */
  static double coldLoad(WebSocketClient client, int port, String room, byte[] expectedStateVector)
      throws Exception {
    long t0 = System.nanoTime();
    Promise<byte[]> synced = Promise.promise();
    var ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/parties/yjs/" + room)).map(s -> {
          s.binaryMessageHandler(b -> {
            YMessage m = YMessage.decode(b.getBytes());
            if (m.kind() == YMessage.Kind.SYNC_STEP2) {
              synced.tryComplete(m.payload());
            }
          });
          s.writeBinaryMessage(Buffer.buffer(YMessage.syncStep1(YUpdates.emptyStateVector())));
          return s;
        }).await(30, TimeUnit.SECONDS);
    byte[] state = synced.future().await(30, TimeUnit.SECONDS);
    double ms = (System.nanoTime() - t0) / 1e6;
    ws.close().await(5, TimeUnit.SECONDS);
    if (!Arrays.equals(expectedStateVector, YUpdates.stateVector(state))) {
      throw new IllegalStateException(room + ": the step 2 does not hold the whole document");
    }
    return ms;
  }
}
