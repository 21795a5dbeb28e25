package dev.parlor.common.cluster;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import dev.parlor.common.config.ParlorConfig;

/**
 * One process's place in the cluster: its clustered Vert.x, the cluster manager, the metrics
 * registry and health checks that every service in the process adds to.
 */
public record ClusterNode(Vertx vertx, HazelcastClusterManager clusterManager, ParlorConfig config,
                          PrometheusMeterRegistry metrics, HealthChecks health) {

  public String nodeId() {
    return clusterManager.getNodeId();
  }

  public Future<Void> close() {
    return vertx.close();
  }
}
