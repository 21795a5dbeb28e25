package dev.parlor.common.cluster;

import io.vertx.ext.healthchecks.Status;
import java.util.concurrent.atomic.AtomicBoolean;
import dev.parlor.common.config.ParlorConfig;
import dev.parlor.common.telemetry.ManagementServer;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main of every Parlor process: join the cluster, open the management port, deploy the
 * service(s), and on SIGTERM undeploy them (each service's stop does its own hand-over) and leave.
 */
public final class ServiceRunner {
  private static final Logger log = LoggerFactory.getLogger(ServiceRunner.class);

  private ServiceRunner() {
  }

  /** Starts and returns once the services are up; exits the JVM with status 1 if they cannot. */
  public static ClusterNode run(String name, ParlorConfig config, Function<ClusterNode, Future<?>> deploy) {
    return run(name, config, deploy, () -> { });
  }

  /** As above; afterStop runs once the services have stopped (the launcher stops its Redis there). */
  public static ClusterNode run(String name, ParlorConfig config, Function<ClusterNode, Future<?>> deploy,
                                Runnable afterStop) {
    try {
      ClusterNode node = start(config, deploy).await(120, TimeUnit.SECONDS);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        log.info("stopping {}", name);
        try {
          node.close().await(config.integer("PARLOR_SHUTDOWN_GRACE_SECONDS", 20), TimeUnit.SECONDS);
        } catch (Exception e) {
          log.warn("{} did not stop cleanly: {}", name, e.toString());
        }
        afterStop.run();
      }, "parlor-shutdown"));
      log.atInfo().addKeyValue("node", node.nodeId()).log("{} started", name);
      return node;
    } catch (Exception e) {
      System.err.println("parlor: " + name + " could not start: " + describe(e));
      log.debug("start failure", e);
      afterStop.run();
      System.exit(1);
      return null;
    }
  }

  public static Future<ClusterNode> start(ParlorConfig config, Function<ClusterNode, Future<?>> deploy) {
    return ClusterBootstrap.start(config).compose(node -> {
      // Ready only once every service of this process is deployed (the public port is open).
      AtomicBoolean started = new AtomicBoolean();
      node.health().register("services", p -> p.complete(started.get()
          ? Status.OK() : Status.KO()));
      ManagementServer management = new ManagementServer(
          config.port("PARLOR_MANAGEMENT_PORT", 9090), node.health(), node.metrics());
      return node.vertx().deployVerticle(management)
          .compose(id -> deploy.apply(node))
          .map(v -> {
            started.set(true);
            return node;
          })
          .recover(err -> {
            // Failed at once, the node closing meanwhile: a completion of its close would be delivered on
            // this node's event loop, which the close ends, and the failure must not wait for it (it did,
            // for the 120 s of run's wait, when a room node's management port was taken).
            node.close();
            return Future.failedFuture(err);
          });
    });
  }

  /** A one-line reason for a startup failure, without a stack trace. */
  public static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    // The JDK's transport says BindException; Netty's native one, a NativeIoException "Address already in use".
    if (root instanceof java.net.BindException || msg.contains("Address already in use")) {
      return "a port is already in use (" + msg + "); set PARLOR_HTTP_PORT / PARLOR_MANAGEMENT_PORT";
    }
    return msg;
  }
}
