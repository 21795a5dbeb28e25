package dev.parlor.room;

import dev.parlor.common.cluster.ClusterNode;
import dev.parlor.common.config.ParlorConfig;
import dev.parlor.common.placement.RoomNodeDirectory;
import dev.parlor.room.host.RoomMetrics;
import dev.parlor.room.host.RoomShardVerticle;
import dev.parlor.room.store.MemoryRoomStore;
import dev.parlor.room.store.RoomStore;
import io.vertx.core.Future;
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
    RoomStore store = new MemoryRoomStore();
    RoomMetrics metrics = new RoomMetrics(node.metrics());
    List<Future<String>> deployed = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      deployed.add(node.vertx().deployVerticle(
          new RoomShardVerticle(node.nodeId(), i, store, metrics, idleMillis, maxTail)));
    }
    RoomNodeDirectory directory = new RoomNodeDirectory(node);
    return Future.all(deployed)
        .compose(v -> directory.start(config.longValue("PARLOR_DIRECTORY_REFRESH_MS", 1000, 50, 60_000)))
        .compose(v -> directory.announce(shards))
        .map(directory);
  }
}
