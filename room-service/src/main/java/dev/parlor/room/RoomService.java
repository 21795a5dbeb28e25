package dev.parlor.room;

import dev.parlor.common.bus.Addresses;
import dev.parlor.common.bus.StorageMessages;
import dev.parlor.common.cluster.ClusterNode;
import dev.parlor.common.config.ParlorConfig;
import dev.parlor.common.placement.RoomNodeDirectory;
import dev.parlor.common.warmup.WarmUpBudget;
import dev.parlor.room.host.IncomingMoves;
import dev.parlor.room.host.OutgoingCopies;
import dev.parlor.room.host.RoomMetrics;
import dev.parlor.room.host.RoomShardVerticle;
import dev.parlor.room.store.BusRoomStore;
import dev.parlor.room.store.MemoryRoomStore;
import dev.parlor.room.store.RoomLeases;
import dev.parlor.room.store.RoomStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** Deploys room-service on a node: one shard verticle per event loop, a warm-up, then announces the node. */
public final class RoomService {
  private static final Logger log = LoggerFactory.getLogger(RoomService.class);
  /** Past about ten rounds a 1 MB document loads and diffs no faster (measured on a cold JVM). */
  private static final int WARM_UP_ROUNDS = 10;
  /** Twenty rounds are 16,000 updates stored and relayed, 1–3 s in a fresh JVM (measured with the moves bench). */
  private static final int SERVING_WARM_UP_ROUNDS = 20;

  private RoomService() {
  }

  public static Future<RoomNodeDirectory> deploy(ClusterNode node) {
    ParlorConfig config = node.config();
    int shards = config.integer("PARLOR_ROOM_SHARDS", Runtime.getRuntime().availableProcessors());
    RoomShardVerticle.Settings settings = new RoomShardVerticle.Settings(
        config.longValue("PARLOR_ROOM_IDLE_MS", 30_000, 0, Long.MAX_VALUE),
        config.integer("PARLOR_DOC_TAIL_UPDATES", 64),
        config.integer("PARLOR_MOVE_CONCURRENCY", 8), Level.INFO);
    Function<Vertx, RoomStore> stores = storeFactory(node);
    RoomMetrics metrics = new RoomMetrics(node.metrics());
    IncomingMoves incoming = new IncomingMoves();
    OutgoingCopies outgoing = new OutgoingCopies();
    RoomNodeDirectory directory = new RoomNodeDirectory(node);
    List<Future<String>> deployed = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      deployed.add(node.vertx().deployVerticle(new RoomShardVerticle(node.nodeId(), i, stores, metrics, directory, incoming,
          outgoing, settings)));
    }
    long handover = config.longValue("PARLOR_HANDOVER_MS", 10_000, 0, 600_000);
    // A graceful stop withdraws the node first: its shards then hand every room over (stored
    // writes first, then the lease) and the gateways move the sockets; the shards go once no room
    // is left here, or after PARLOR_HANDOVER_MS at most.
    // It then lingers a moment before leaving the cluster: Hazelcast's leave costs every member CPU
    // just while the new owners load the rooms, and frames still on their way get their MOVED.
    long linger = config.longValue("PARLOR_LEAVE_LINGER_MS", 1000, 0, 60_000);
    node.onStop(() -> directory.withdraw().compose(v -> whenNoRooms(node.vertx(), metrics, handover))
        .compose(v -> linger == 0 ? Future.succeededFuture() : node.vertx().timer(linger)));
    return Future.all(deployed)
        .compose(v -> directory.start())
        .compose(v -> warmUp(node, settings))
        .compose(v -> directory.announce(shards))
        .map(directory);
  }

  /**
   * Before rooms arrive: compiles the document paths (see {@link DocumentWarmUp}) and the serving
   * paths (see {@link ServingWarmUp}), within PARLOR_WARMUP_MS (a {@link WarmUpBudget}), and with a
   * durable store makes one round trip to persistence-service (an empty lease renewal) so that the
   * first room's claim does not also open the event-bus connection. 0 skips it.
   */
  private static Future<Void> warmUp(ClusterNode node, RoomShardVerticle.Settings settings) {
    WarmUpBudget budget = WarmUpBudget.from(node.config());
    if (budget.none()) {
      return Future.succeededFuture();
    }
    long start = System.nanoTime();
    Future<Integer> rounds = node.vertx().executeBlocking(() -> DocumentWarmUp.run(budget, WARM_UP_ROUNDS), false);
    Future<ServingWarmUp.Result> served = ServingWarmUp.run(node.vertx(), node.nodeId(), settings, budget, SERVING_WARM_UP_ROUNDS);
    Future<?> storage = !"redis".equals(storeKind(node.config())) ? Future.succeededFuture()
        : node.vertx().eventBus().request(Addresses.PERSISTENCE, StorageMessages.renew(node.nodeId(), 1, List.of()),
            new DeliveryOptions().setSendTimeout(budget.wallMillis()));
    return Future.join(rounds, served, storage).transform(ar -> {
      if (ar.failed()) {
        log.atWarn().log("warm-up incomplete, going on without: {}", ar.cause().toString());
      }
      log.atInfo().addKeyValue("rounds", rounds.succeeded() ? rounds.result() : 0)
          .addKeyValue("servingRounds", served.succeeded() ? served.result().rounds() : 0)
          .addKeyValue("relayed", served.succeeded() ? served.result().relayed() : 0)
          .addKeyValue("moved", served.succeeded() ? served.result().moved() : 0)
          .addKeyValue("tookMs", (System.nanoTime() - start) / 1_000_000).log("warmed up");
      return Future.succeededFuture();
    });
  }

  private static Future<Void> whenNoRooms(Vertx vertx, RoomMetrics metrics, long maxMillis) {
    Promise<Void> done = Promise.promise();
    long giveUpAt = System.currentTimeMillis() + maxMillis;
    vertx.setPeriodic(0, 20, id -> {
      if (metrics.activeRooms() == 0 || System.currentTimeMillis() >= giveUpAt) {
        vertx.cancelTimer(id);
        done.complete();
      }
    });
    return done.future();
  }

  /**
   * PARLOR_STORE=redis (the default): rooms are stored through persistence-service, one store per
   * shard so appends group-commit per event loop. PARLOR_STORE=memory: nothing survives the
   * process (benchmarks and tests only).
   */
  private static String storeKind(ParlorConfig config) {
    return config.string("PARLOR_STORE", "redis");
  }

  static Function<Vertx, RoomStore> storeFactory(ClusterNode node) {
    ParlorConfig config = node.config();
    String kind = storeKind(config);
    switch (kind) {
      case "memory" -> {
        MemoryRoomStore shared = new MemoryRoomStore();
        return vertx -> shared;
      }
      case "redis" -> {
        long timeout = config.longValue("PARLOR_STORAGE_TIMEOUT_MS", 5000, 100, 120_000);
        int entries = config.integer("PARLOR_COMPACT_LOG_ENTRIES", 1000);
        long bytes = config.longValue("PARLOR_COMPACT_LOG_BYTES", 8L << 20, 1024, Long.MAX_VALUE);
        long ttl = config.longValue("PARLOR_LEASE_TTL_MS", 5000, 100, 600_000);
        RoomLeases.Settings leases = new RoomLeases.Settings(node.nodeId(), ttl,
            config.longValue("PARLOR_LEASE_WAIT_MS", ttl + 1000, 0, 600_000));
        return vertx -> new BusRoomStore(vertx, new RoomLeases(vertx, leases, timeout, node.metrics()), timeout,
            entries, bytes, node.metrics());
      }
      default -> throw new ParlorConfig.ConfigException("PARLOR_STORE must be redis or memory, got '" + kind + "'");
    }
  }
}
