package dev.parlor.common.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.common.bus.Addresses;
import dev.parlor.common.cluster.ClusterNode;
import dev.parlor.common.testing.TestCluster;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Three clustered Vert.x instances: a process watching the directory, and two room nodes. */
class RoomNodeDirectoryTest {
  private static void eventually(String what, java.util.function.BooleanSupplier check) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!check.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(what);
      }
      Thread.sleep(20);
    }
  }

  /** Waits until Hazelcast has no migration left, so that map reads and writes take milliseconds, not seconds. */
  private static void settled(ClusterNode node) throws Exception {
    eventually("partitions migrated", () -> node.clusterManager().getHazelcastInstance().getPartitionService().isClusterSafe());
  }

  /** A room node's shard: answers every message (a PING), as RoomShardVerticle does. */
  private static void listen(ClusterNode node) throws Exception {
    TestCluster.await(node.vertx().eventBus().consumer(Addresses.roomShard(node.nodeId(), 0), msg -> msg.reply(null))
        .completion());
  }

  /** The directory of a process that only watches (the cluster's first node), started. */
  private static RoomNodeDirectory watch(TestCluster cluster) throws Exception {
    return watch(cluster, 50);
  }

  private static RoomNodeDirectory watch(TestCluster cluster, long refreshMillis) throws Exception {
    RoomNodeDirectory view = new RoomNodeDirectory(cluster.start());
    TestCluster.await(view.start(refreshMillis));
    return view;
  }

  /** A room node's directory, started, with the node announced (one shard). */
  private static RoomNodeDirectory announce(ClusterNode node) throws Exception {
    return announce(node, 50);
  }

  private static RoomNodeDirectory announce(ClusterNode node, long refreshMillis) throws Exception {
    RoomNodeDirectory directory = new RoomNodeDirectory(node);
    TestCluster.await(directory.start(refreshMillis));
    TestCluster.await(directory.announce(1));
    return directory;
  }

  @Test
  void aNewRoomNodeIsRoutedToOnlyOnceItsShardsAnswer() throws Exception {
    try (TestCluster cluster = new TestCluster()) {
      RoomNodeDirectory view = watch(cluster);
      ClusterNode first = cluster.start();
      ClusterNode second = cluster.start();
      listen(first);
      announce(first);
      eventually("an empty view admits the first room node at once",
          () -> view.roomNodes().equals(List.of(first.nodeId())));

      settled(second); // the timing below starts at the announcement, not seconds into a migration
      announce(second); // announced, but nothing listens on its shard yet
      Thread.sleep(1000);
      assertEquals(List.of(first.nodeId()), view.roomNodes(), "no room is routed to a node that does not answer");
      listen(second);
      eventually("the node joins the view once its shard answers", () -> view.roomNodes().size() == 2);
      assertTrue(view.roomNodes().contains(second.nodeId()));
    }
  }

  @Test
  void aLeavingRoomNodeIsDroppedAsItSaysSoAndStaysOutWhileTheMapStillListsIt() throws Exception {
    try (TestCluster cluster = new TestCluster()) {
      RoomNodeDirectory view = watch(cluster);
      ClusterNode first = cluster.start();
      ClusterNode second = cluster.start();
      for (ClusterNode n : List.of(first, second)) {
        listen(n);
        announce(n);
      }
      eventually("both room nodes in view", () -> view.roomNodes().size() == 2);
      java.util.concurrent.atomic.AtomicInteger changes = new java.util.concurrent.atomic.AtomicInteger();
      view.onChange(changes::incrementAndGet);
      // What withdraw() publishes first; this test leaves the node's announcement in the map.
      first.vertx().eventBus().publish(Addresses.ROOM_NODES_CHANGED, Addresses.WITHDRAWING + first.nodeId());
      eventually("the leaving node is out of the view", () -> view.roomNodes().equals(List.of(second.nodeId())));
      // They run just after the view changes, on the thread that changed it.
      eventually("the view's listeners ran", () -> changes.get() >= 1);
      Thread.sleep(500); // ten periodic refreshes, each reading a map that still lists the node
      assertEquals(List.of(second.nodeId()), view.roomNodes(), "a refresh does not bring a leaving node back");
    }
  }

  @Test
  void aViewThatRarelyReadsTheMapSeesNodesComeAndGoAsTheySaySo() throws Exception {
    try (TestCluster cluster = new TestCluster()) {
      // A minute between periodic reads: within the ten seconds of eventually(), only the reads that
      // announcements, withdrawals and membership changes set off can show the changes.
      RoomNodeDirectory view = watch(cluster, 60_000);
      ClusterNode first = cluster.start();
      listen(first);
      announce(first, 60_000);
      eventually("the first room node in view", () -> view.roomNodes().equals(List.of(first.nodeId())));
      ClusterNode second = cluster.start();
      listen(second);
      RoomNodeDirectory secondsOwn = announce(second, 60_000);
      eventually("the second room node in view", () -> view.roomNodes().size() == 2);
      TestCluster.await(secondsOwn.withdraw());
      eventually("the withdrawn node out of view", () -> view.roomNodes().equals(List.of(first.nodeId())));
    }
  }

  @Test
  void afterAChangeTheMapIsReadAgainForAFewSecondsToCatchEntriesAReadMissed() throws Exception {
    try (TestCluster cluster = new TestCluster()) {
      RoomNodeDirectory view = watch(cluster, 60_000);
      ClusterNode first = cluster.start();
      listen(first);
      announce(first, 60_000);
      eventually("the first room node in view", () -> view.roomNodes().equals(List.of(first.nodeId())));
      ClusterNode second = cluster.start();
      listen(second);
      settled(second);
      // A change is announced; the read it sets off comes back without the second node's entry,
      // as a read during a partition migration can. The entry then appears with no notice of its own.
      first.vertx().eventBus().publish(Addresses.ROOM_NODES_CHANGED, first.nodeId());
      Thread.sleep(300);
      TestCluster.await(second.vertx().sharedData().<String, String>getAsyncMap(Addresses.ROOM_NODES_MAP)
          .compose(map -> map.put(second.nodeId(), "{\"shards\":1}")));
      eventually("a read in the seconds after the change finds it", () -> view.roomNodes().size() == 2);
    }
  }
}
