package dev.parlor.common.testing;

import dev.parlor.common.cluster.ClusterBootstrap;
import dev.parlor.common.cluster.ClusterNode;
import dev.parlor.common.config.ParlorConfig;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Several clustered Vert.x nodes in this JVM, joined over TCP on loopback under a cluster name of
 * their own, so tests never meet another run's nodes.
 */
public final class TestCluster implements AutoCloseable {
  private final String name = "parlor-test-" + UUID.randomUUID();
  private final List<ClusterNode> nodes = new ArrayList<>();

  /** Starts a node with the given settings on top of the cluster's own. */
  public ClusterNode start(Map<String, String> settings) throws Exception {
    Map<String, String> all = new HashMap<>(settings);
    all.put("PARLOR_CLUSTER_NAME", name);
    all.putIfAbsent("PARLOR_CLUSTER_PORT", "5801");
    ClusterNode node = ClusterBootstrap.start(ParlorConfig.of(all)).await(60, TimeUnit.SECONDS);
    nodes.add(node);
    return node;
  }

  public ClusterNode start() throws Exception {
    return start(Map.of());
  }

  public List<ClusterNode> nodes() {
    return nodes;
  }

  @Override
  public void close() throws Exception {
    for (ClusterNode n : nodes) {
      n.close().await(30, TimeUnit.SECONDS);
    }
    nodes.clear();
  }

  public static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }
}
