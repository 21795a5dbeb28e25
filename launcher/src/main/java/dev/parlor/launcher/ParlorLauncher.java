package dev.parlor.launcher;

import dev.parlor.auth.AuthService;
import dev.parlor.common.cluster.ClusterNode;
import dev.parlor.common.cluster.ServiceRunner;
import dev.parlor.common.config.ParlorConfig;
import dev.parlor.common.redis.LocalRedis;
import dev.parlor.gateway.GatewayService;
import dev.parlor.persistence.PersistenceService;
import dev.parlor.room.RoomService;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The local front door: {@code java -jar parlor.jar [all|gateway|room-service|auth-service|persistence-service]}.
 * With no PARLOR_REDIS_URL it starts a real redis-server of its own (append-only file on) and stops
 * it on exit.
 */
public final class ParlorLauncher {
  /** Defaults of a local run; every one can be overridden by the environment. */
  static final Map<String, String> LOCAL_DEFAULTS = Map.of(
      "PARLOR_ANONYMOUS", "true",
      "PARLOR_DATA_DIR", ".parlor");

  private ParlorLauncher() {
  }

  public static void main(String[] args) {
    String service = args.length == 0 ? "all" : args[0];
    if (service.equals("redis")) {
      runRedisOnly();
      return;
    }
    Function<ClusterNode, Future<?>> deploy = switch (service) {
      case "all" -> ParlorLauncher::deployAll;
      case "gateway" -> GatewayService::deploy;
      case "room-service" -> RoomService::deploy;
      case "auth-service" -> AuthService::deploy;
      case "persistence-service" -> PersistenceService::deploy;
      default -> {
        System.err.println("parlor: unknown service '" + service
            + "'; use all, gateway, room-service, auth-service, persistence-service or redis");
        System.exit(2);
        yield null;
      }
    };
    ParlorConfig config;
    try {
      config = ParlorConfig.fromEnvironment().withDefaults(LOCAL_DEFAULTS);
      if (service.equals("all") && !config.has("PARLOR_CLUSTER_NAME")) {
        // Everything runs in this JVM: never merge with another local Parlor on the same machine.
        config = config.with("PARLOR_CLUSTER_NAME", "parlor-local-" + ProcessHandle.current().pid());
      }
    } catch (ParlorConfig.ConfigException e) {
      System.err.println("parlor: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (!config.has("PARLOR_AUTH_MASTER_KEY") && (service.equals("all") || service.equals("auth-service"))) {
      try {
        config = config.with("PARLOR_AUTH_MASTER_KEY", LocalMasterKey.loadOrCreate(
            Path.of(config.string("PARLOR_DATA_DIR", ".parlor"), "auth-master-key")));
      } catch (Exception e) {
        System.err.println("parlor: could not keep a local auth master key: " + e.getMessage());
        System.exit(1);
        return;
      }
    }
    LocalRedis redis = null;
    if (!config.has("PARLOR_REDIS_URL")) {
      try {
        Path dir = Path.of(config.string("PARLOR_DATA_DIR", ".parlor"), "redis");
        redis = LocalRedis.start(dir, config.port("PARLOR_REDIS_PORT", 0),
            config.string("PARLOR_REDIS_APPENDFSYNC", "everysec"), List.of());
        config = config.with("PARLOR_REDIS_URL", redis.url());
      } catch (Exception e) {
        System.err.println("parlor: could not start a local Redis: " + e.getMessage());
        System.exit(1);
        return;
      }
    }
    LocalRedis startedRedis = redis;
    ServiceRunner.run("parlor " + service, config, deploy, () -> {
      if (startedRedis != null) {
        startedRedis.close();
      }
    });
    printBanner(service, config, startedRedis);
  }

  /** {@code parlor.jar redis}: only the local Redis, for multi-process runs and tests. */
  private static void runRedisOnly() {
    ParlorConfig config = ParlorConfig.fromEnvironment().withDefaults(LOCAL_DEFAULTS);
    try {
      Path dir = Path.of(config.string("PARLOR_DATA_DIR", ".parlor"), "redis");
      LocalRedis redis = LocalRedis.start(dir, config.port("PARLOR_REDIS_PORT", 0),
          config.string("PARLOR_REDIS_APPENDFSYNC", "everysec"), List.of());
      Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "parlor-redis-stop"));
      System.out.println("Redis is up at " + redis.url() + " (pid " + redis.pid() + "), data in " + dir);
      while (redis.isAlive()) {
        Thread.sleep(500);
      }
      System.err.println("parlor: redis-server exited; see " + dir.resolve("redis.log"));
      System.exit(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      System.err.println("parlor: could not start Redis: " + e.getMessage());
      System.exit(1);
    }
  }

  private static Future<?> deployAll(ClusterNode node) {
    return PersistenceService.deploy(node)
        .compose(v -> AuthService.deploy(node))
        .compose(v -> RoomService.deploy(node))
        .compose(v -> GatewayService.deploy(node));
  }

  private static void printBanner(String service, ParlorConfig config, LocalRedis redis) {
    int http = config.port("PARLOR_HTTP_PORT", 8080);
    int mgmt = config.port("PARLOR_MANAGEMENT_PORT", 9090);
    StringBuilder b = new StringBuilder("\nParlor is up (" + service + ", pid " + ProcessHandle.current().pid() + ").\n");
    if (service.equals("all") || service.equals("gateway")) {
      b.append("  Try it in a browser:  http://localhost:").append(http).append("/\n");
      b.append("  Yjs clients:          new WebsocketProvider('ws://localhost:").append(http)
          .append("/parties/yjs', 'doc-1', ydoc)\n");
    }
    b.append("  Health and metrics:   http://localhost:").append(mgmt).append("/health/ready  /metrics\n");
    if (redis != null) {
      b.append("  Redis (started here): ").append(redis.url()).append(", data in ")
          .append(Path.of(config.string("PARLOR_DATA_DIR", ".parlor"), "redis")).append('\n');
    } else {
      b.append("  Redis:                ").append(config.string("PARLOR_REDIS_URL", "")).append('\n');
    }
    if (config.bool("PARLOR_ANONYMOUS", false)) {
      b.append("  Anonymous access is ON (local development only).\n");
    }
    b.append("Press Ctrl-C to stop.\n");
    System.out.println(b);
  }
}
