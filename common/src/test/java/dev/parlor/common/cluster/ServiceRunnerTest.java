package dev.parlor.common.cluster;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.common.config.ParlorConfig;
import io.vertx.core.Future;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A real clustered node whose start fails after it joined the cluster. */
class ServiceRunnerTest {
  @Test
  void aStartThatFailsSaysWhyAtOnce() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ParlorConfig config = ParlorConfig.of(Map.of("PARLOR_CLUSTER_NAME", "parlor-test-" + UUID.randomUUID(),
          "PARLOR_CLUSTER_PORT", "5801", "PARLOR_MANAGEMENT_PORT", String.valueOf(taken.getLocalPort())));
      long start = System.nanoTime();
      Future<ClusterNode> started = ServiceRunner.start(config, node -> Future.succeededFuture());
      // It used to wait for the node's close, whose completion never came: the caller's wait ran out.
      Exception failure = assertThrows(Exception.class, () -> started.await(60, TimeUnit.SECONDS));
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "failed within the cluster join's time");
      assertTrue(ServiceRunner.describe(failure).startsWith("a port is already in use"), ServiceRunner.describe(failure));
    }
  }
}
