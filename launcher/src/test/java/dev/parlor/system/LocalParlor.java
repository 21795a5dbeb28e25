package dev.parlor.system;

import dev.parlor.common.cluster.ClusterNode;
import dev.parlor.common.placement.RoomNodeDirectory;
import dev.parlor.common.redis.LocalRedis;
import dev.parlor.common.testing.TestCluster;
import dev.parlor.gateway.GatewayService;
import dev.parlor.persistence.PersistenceService;
import dev.parlor.room.RoomService;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The whole system for a system test: a real redis-server, and persistence-service, room nodes and
 * a gateway as separate clustered Vert.x instances over a real Hazelcast cluster.
 */
final class LocalParlor implements AutoCloseable {
  private final Path redisDir;
  LocalRedis redis;
  final TestCluster cluster = new TestCluster();
  final ClusterNode persistence;
  final RoomNodeDirectory directory;
  final java.util.List<ClusterNode> roomNodes = new java.util.ArrayList<>();
  private final Map<String, String> roomSettings;
  final int port;

  private LocalParlor(Path redisDir, int redisPort, int roomNodes, Map<String, String> extra) throws Exception {
    this.redisDir = redisDir;
    redis = LocalRedis.start(redisDir, redisPort, "everysec", java.util.List.of());
    Map<String, String> common = new HashMap<>(extra);
    common.put("PARLOR_REDIS_URL", redis.url());
    common.putIfAbsent("PARLOR_DIRECTORY_REFRESH_MS", "200");
    persistence = cluster.start(common);
    TestCluster.await(PersistenceService.deploy(persistence));
    roomSettings = new HashMap<>(common);
    roomSettings.putIfAbsent("PARLOR_ROOM_SHARDS", "2");
    roomSettings.putIfAbsent("PARLOR_HANDOVER_MS", "1000");
    roomSettings.putIfAbsent("PARLOR_WARMUP_MS", "500"); // room nodes share this JVM: its CPU says little
    for (int i = 0; i < roomNodes; i++) {
      addRoomNode();
    }
    // The tests' own view of the room nodes, from a node that stays up.
    directory = new RoomNodeDirectory(persistence);
    TestCluster.await(directory.start(200));
    Map<String, String> gw = new HashMap<>(common);
    gw.putIfAbsent("PARLOR_ANONYMOUS", "true");
    gw.put("PARLOR_HTTP_PORT", "0");
    gw.put("PARLOR_HTTP_HOST", "127.0.0.1");
    gw.put("PARLOR_GATEWAY_INSTANCES", "1");
    port = TestCluster.await(GatewayService.deploy(cluster.start(gw))).get(0).actualPort();
    long deadline = System.currentTimeMillis() + 60_000;
    while (directory.roomNodes().size() < roomNodes && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    if (directory.roomNodes().size() < roomNodes) {
      throw new IllegalStateException("room nodes did not announce themselves");
    }
  }

  static LocalParlor start(Path redisDir, int roomNodes, Map<String, String> extra) throws Exception {
    return new LocalParlor(redisDir, 0, roomNodes, extra);
  }

  static LocalParlor start(Path redisDir, int redisPort, int roomNodes, Map<String, String> extra) throws Exception {
    return new LocalParlor(redisDir, redisPort, roomNodes, extra);
  }

  /** Starts one more room node; returns its view of the room nodes. */
  RoomNodeDirectory addRoomNode() throws Exception {
    ClusterNode node = cluster.start(roomSettings);
    roomNodes.add(node);
    return TestCluster.await(RoomService.deploy(node));
  }

  /** Stops a room node the way SIGTERM does: withdraw, hand the rooms over, leave. */
  void stopRoomNode(ClusterNode node) throws Exception {
    roomNodes.remove(node);
    cluster.nodes().remove(node);
    TestCluster.await(node.close());
  }

  /** Kills Redis without warning (its last second of writes may be lost, as appendfsync everysec allows). */
  void killRedis() {
    redis.kill();
  }

  /** Starts Redis again on the same port with the same files. */
  void restartRedis() throws java.io.IOException {
    redis = LocalRedis.start(redisDir, redis.port(), "everysec", java.util.List.of());
  }

  /** Stops every Vert.x node and then Redis (which flushes its append-only file). */
  @Override
  public void close() throws Exception {
    try {
      cluster.close();
    } finally {
      redis.close();
    }
  }
}
