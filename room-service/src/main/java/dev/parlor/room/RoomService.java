package dev.parlor.room;

import io.vertx.core.Promise;
import dev.parlor.common.cluster.ClusterNode;
import dev.parlor.common.config.ParlorConfig;
import dev.parlor.common.placement.RoomNodeDirectory;
import dev.parlor.room.host.RoomMetrics;
import dev.parlor.room.host.RoomShardVerticle;
import dev.parlor.room.store.BusRoomStore;
import dev.parlor.room.store.MemoryRoomStore;
import dev.parlor.room.store.RoomLeases;
import dev.parlor.room.store.RoomStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Function;
import java.util.ArrayList;
import java.util.List;

/** Deploys room-service on a node: one shard verticle per event loop, then announces the node. */
public final class RoomService {
  private RoomService() {
  }

  public static Future<RoomNodeDirectory> deploy(ClusterNode node) {
    ParlorConfig config = node.config();
    int shards = config.integer("PARLOR_ROOM_SHARDS", Runtime.getRuntime().availableProcessors());
    long idleMillis = config.longValue("PARLOR_ROOM_IDLE_MS", 30_000, 0, Long.MAX_VALUE);
    int maxTail = config.integer("PARLOR_DOC_TAIL_UPDATES", 64);
    Function<Vertx, RoomStore> stores = storeFactory(node);
    int moveConcurrency = config.integer("PARLOR_MOVE_CONCURRENCY", 8);
    RoomMetrics metrics = new RoomMetrics(node.metrics());
    RoomNodeDirectory directory = new RoomNodeDirectory(node);
    List<Future<String>> deployed = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      deployed.add(node.vertx().deployVerticle(new RoomShardVerticle(node.nodeId(), i, stores, metrics, idleMillis,
          maxTail, directory, moveConcurrency)));
    }
    long handover = config.longValue("PARLOR_HANDOVER_MS", 10_000, 0, 600_000);
    // A graceful stop withdraws the node first: its shards then hand every room over (stored
    // writes first, then the lease) and the gateways move the sockets; the shards go once no room
    // is left here, or after PARLOR_HANDOVER_MS at most.
    node.onStop(() -> directory.withdraw().compose(v -> whenNoRooms(node.vertx(), metrics, handover)));
    return Future.all(deployed)
        .compose(v -> directory.start(config.longValue("PARLOR_DIRECTORY_REFRESH_MS", 1000, 50, 60_000)))
        .compose(v -> directory.announce(shards))
        .map(directory);
  }

  private static Future<Void> whenNoRooms(Vertx vertx, RoomMetrics metrics, long maxMillis) {
    Promise<Void> done = Promise.promise();
    long giveUpAt = System.currentTimeMillis() + maxMillis;
    vertx.setPeriodic(0, 20, id -> {
      if (metrics.activeRooms() == 0 || System.currentTimeMillis() >= giveUpAt) {
        vertx.cancelTimer(id);
        done.complete();
      }
    });
    return done.future();
  }

  /**
   * PARLOR_STORE=redis (the default): rooms are stored through persistence-service, one store per
   * shard so appends group-commit per event loop. PARLOR_STORE=memory: nothing survives the
   * process (benchmarks and tests only).
   */
  static Function<Vertx, RoomStore> storeFactory(ClusterNode node) {
    ParlorConfig config = node.config();
    String kind = config.string("PARLOR_STORE", "redis");
    switch (kind) {
      case "memory" -> {
        MemoryRoomStore shared = new MemoryRoomStore();
        return vertx -> shared;
      }
      case "redis" -> {
        long timeout = config.longValue("PARLOR_STORAGE_TIMEOUT_MS", 5000, 100, 120_000);
        int entries = config.integer("PARLOR_COMPACT_LOG_ENTRIES", 1000);
        long bytes = config.longValue("PARLOR_COMPACT_LOG_BYTES", 8L << 20, 1024, Long.MAX_VALUE);
        long ttl = config.longValue("PARLOR_LEASE_TTL_MS", 5000, 100, 600_000);
        RoomLeases.Settings leases = new RoomLeases.Settings(node.nodeId(), ttl,
            config.longValue("PARLOR_LEASE_WAIT_MS", ttl + 1000, 0, 600_000));
        return vertx -> new BusRoomStore(vertx, new RoomLeases(vertx, leases, timeout, node.metrics()), timeout,
            entries, bytes, node.metrics());
      }
      default -> throw new ParlorConfig.ConfigException("PARLOR_STORE must be redis or memory, got '" + kind + "'");
    }
  }
}
