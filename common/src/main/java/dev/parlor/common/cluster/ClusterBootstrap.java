package dev.parlor.common.cluster;

import java.util.concurrent.CopyOnWriteArrayList;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.parlor.common.config.ParlorConfig;
import dev.parlor.common.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a clustered Vert.x with the Hazelcast cluster manager configured in code: TCP-IP join on
 * the configured members (loopback by default, never multicast), or Kubernetes DNS discovery.
 */
public final class ClusterBootstrap {
  private static final Logger log = LoggerFactory.getLogger(ClusterBootstrap.class);

  private ClusterBootstrap() {
  }

  public static Future<ClusterNode> start(ParlorConfig config) {
    HazelcastClusterManager cm = new HazelcastClusterManager(hazelcastConfig(config));
    String host = config.string("PARLOR_CLUSTER_HOST", "127.0.0.1");
    EventBusOptions eb = new EventBusOptions()
        .setHost(host)
        .setPort(config.port("PARLOR_EVENTBUS_PORT", 0))
        .setClusterPublicHost(config.string("PARLOR_CLUSTER_PUBLIC_HOST", host));
    VertxOptions options = new VertxOptions()
        .setEventBusOptions(eb)
        .setPreferNativeTransport(true);
    int eventLoops = config.integer("PARLOR_EVENT_LOOPS", 0);
    if (eventLoops > 0) {
      options.setEventLoopPoolSize(eventLoops);
    }
    return Vertx.builder().with(options).withClusterManager(cm).buildClustered()
        .map(vertx -> {
          log.info("network transport: {}", vertx.isNativeTransportEnabled() ? "epoll (native)"
              : "JDK NIO (native transport unavailable: " + vertx.unavailableNativeTransportCause() + ")");
          HealthChecks health = HealthChecks.create(vertx);
          health.register("cluster", promise -> promise.complete(
              cm.isActive() && cm.getHazelcastInstance().getLifecycleService().isRunning()
                  ? Status.OK() : Status.KO()));
          return new ClusterNode(vertx, cm, config, Telemetry.registry(), health,
              new CopyOnWriteArrayList<>());
        });
  }

  static Config hazelcastConfig(ParlorConfig config) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(config.string("PARLOR_CLUSTER_NAME", "parlor"));
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    // Hazelcast's own metrics collection costs an idle member as much CPU as all the rest of it;
    // Parlor's Prometheus meters are what operators read.
    hz.getMetricsConfig().setEnabled(false);
    // A silent member is dropped after this many seconds (Hazelcast's own default is 60).
    hz.setProperty("hazelcast.max.no.heartbeat.seconds",
        String.valueOf(config.integer("PARLOR_CLUSTER_HEARTBEAT_TIMEOUT_SECONDS", 4)));
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    // Parlor keeps little in Hazelcast (event-bus registrations, the room-node directory): fewer
    // partitions make every join and leave migrate less, on every member, just when rooms move.
    // Must be the same on every member of a cluster; Hazelcast's default until that is proven.
    hz.setProperty("hazelcast.partition.count", String.valueOf(config.integer("PARLOR_CLUSTER_PARTITIONS", 271)));
    String host = config.string("PARLOR_CLUSTER_HOST", "127.0.0.1");
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(config.port("PARLOR_CLUSTER_PORT", 5701)).setPortAutoIncrement(true);
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    String k8sService = config.string("PARLOR_CLUSTER_KUBERNETES_SERVICE_DNS", "");
    if (!k8sService.isEmpty()) {
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", k8sService);
    } else {
      hz.setProperty("hazelcast.local.localAddress", host);
      List<String> members = config.list("PARLOR_CLUSTER_MEMBERS", host);
      // A member given without a port is looked for on this many ports from PARLOR_CLUSTER_PORT
      // (Hazelcast tries 3), so other clusters on the same host cannot hide this one's members.
      hz.setProperty("hazelcast.tcp.join.port.try.count",
          String.valueOf(config.integer("PARLOR_CLUSTER_PORT_RANGE", 20)));
      join.getTcpIpConfig().setEnabled(true).setMembers(members);
    }
    return hz;
  }
}
