package dev.parlor.gateway;

import dev.parlor.common.cluster.ClusterNode;
import dev.parlor.common.placement.RoomNodeDirectory;
import dev.parlor.gateway.access.AccessGate;
import dev.parlor.gateway.access.AnonymousAccess;
import dev.parlor.gateway.access.GateSettings;
import dev.parlor.gateway.access.TokenGate;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/** Deploys the gateway on a node: one verticle per event loop, all sharing the public port. */
public final class GatewayService {
  private GatewayService() {
  }

  public static Future<List<GatewayVerticle>> deploy(ClusterNode node) {
    GatewaySettings settings = GatewaySettings.from(node.config());
    int instances = node.config().integer("PARLOR_GATEWAY_INSTANCES", Runtime.getRuntime().availableProcessors());
    GatewayMetrics metrics = new GatewayMetrics(node.metrics());
    AccessGate gate = accessGate(node, settings);
    RoomNodeDirectory directory = new RoomNodeDirectory(node);
    List<GatewayVerticle> verticles = new ArrayList<>();
    return directory.start()
        .compose(v -> {
          List<Future<String>> deployed = new ArrayList<>();
          for (int i = 0; i < instances; i++) {
            GatewayVerticle g = new GatewayVerticle(settings, directory, metrics, gate);
            verticles.add(g);
            deployed.add(node.vertx().deployVerticle(g));
          }
          // On SIGTERM the gateway goes first: its sockets close with 1001 (going away) before any
          // room moves, so clients reconnect elsewhere instead of being re-attached here.
          node.onStop(() -> Future.join(deployed.stream()
              .map(d -> d.compose(id -> node.vertx().undeploy(id))).toList()));
          return Future.all(deployed);
        })
        .map(v -> verticles);
  }

  /** Anonymous mode lets everyone in (local development only); otherwise tokens decide. */
  static AccessGate accessGate(ClusterNode node, GatewaySettings settings) {
    if (settings.anonymous()) {
      return new AnonymousAccess();
    }
    return TokenGate.create(node.vertx(), GateSettings.from(node.config()));
  }
}
