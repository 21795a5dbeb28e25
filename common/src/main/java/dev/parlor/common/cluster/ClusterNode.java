package dev.parlor.common.cluster;

import java.util.function.Supplier;
import java.util.List;
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
                          PrometheusMeterRegistry metrics, HealthChecks health,
                          List<Supplier<Future<?>>> beforeStop) {

  public String nodeId() {
    return clusterManager.getNodeId();
  }

  /**
   * Work to do before the services stop, run last-registered first: the service deployed last (the
   * gateway, facing clients) stops first.
   */
  public void onStop(Supplier<Future<?>> step) {
    beforeStop.add(step);
  }

  /** Runs the stop steps (last registered first), then closes Vert.x (undeploying every verticle) and leaves the cluster. */
  public Future<Void> close() {
    Future<?> chain = Future.succeededFuture();
    for (int i = beforeStop.size() - 1; i >= 0; i--) {
      var step = beforeStop.get(i);
      chain = chain.transform(ar -> step.get());
    }
    return chain.transform(ar -> vertx.close());
  }
}
