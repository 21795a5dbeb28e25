package dev.parlor.room;

import dev.parlor.common.bus.Addresses;
import dev.parlor.common.bus.RoomEnvelope;
import dev.parlor.common.bus.RoomEnvelope.Access;
import dev.parlor.common.bus.RoomEnvelope.Op;
import dev.parlor.common.placement.RoomOwners;
import dev.parlor.room.host.IncomingMoves;
import dev.parlor.room.host.RoomMetrics;
import dev.parlor.room.host.RoomShardVerticle;
import dev.parlor.room.store.MemoryRoomStore;
import dev.parlor.yjs.TextUpdates;
import dev.parlor.yjs.YUpdates;
import dev.parlor.yjs.protocol.AwarenessUpdate;
import dev.parlor.yjs.protocol.YMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a room node's serving paths (joins, sync, updates stored and relayed, awareness, leaves and
 * re-attaches) through a shard of its own before the node announces itself, as a gateway would
 * drive them. A node that joins is given rooms at once; in a fresh JVM the first frames of those
 * rooms would run interpreted while the compilers take the CPU. The shard is private (its own node
 * id and addresses, rooms in memory, metrics of its own) and is undeployed afterwards.
 */
final class ServingWarmUp {
  private static final int ROOMS = 8;
  private static final int CLIENTS = 4;
  private static final int UPDATES = 25;
  private static final long ROUND_TIMEOUT_MS = 2_000;

  private final Vertx vertx;
  private final String shardAddress;
  private final String gatewayAddress;
  private final DeliveryOptions joinOptions = new DeliveryOptions().setSendTimeout(ROUND_TIMEOUT_MS);
  private final AtomicInteger relayed = new AtomicInteger();
  private long nextConn = 1;

  private record Conn(long id, String roomKey) {
  }

  /** rounds: rounds run; relayed: updates and awareness states the rooms relayed to the warm-up's gateway. */
  record Result(int rounds, int relayed) {
    /** The updates a complete round relays (at least: awareness states come on top). */
    static final int UPDATES_PER_ROUND = ROOMS * CLIENTS * UPDATES;
  }

  private ServingWarmUp(Vertx vertx, String warmUpNode) {
    this.vertx = vertx;
    this.shardAddress = Addresses.roomShard(warmUpNode, 0);
    this.gatewayAddress = Addresses.gateway(warmUpNode);
  }

  /** Rounds of ROOMS × CLIENTS connections until maxMillis or maxRounds; completes with the rounds run. */
  static Future<Result> run(Vertx vertx, String nodeId, RoomShardVerticle.Settings settings, long maxMillis,
                             int maxRounds) {
    String warmUpNode = nodeId + "-warm-up";
    ServingWarmUp warmUp = new ServingWarmUp(vertx, warmUpNode);
    RoomOwners self = new RoomOwners() { // every room is the private shard's, and no move ever starts
      @Override
      public String ownerOf(String roomKey) {
        return warmUpNode;
      }

      @Override
      public String addressFor(String roomKey) {
        return warmUp.shardAddress;
      }

      @Override
      public String addressOn(String node, String roomKey) {
        return warmUp.shardAddress;
      }

      @Override
      public void onChange(Runnable listener) {
      }
    };
    RoomShardVerticle shard = new RoomShardVerticle(warmUpNode, 0, v -> new MemoryRoomStore(),
        new RoomMetrics(new SimpleMeterRegistry()), self, new IncomingMoves(), settings);
    MessageConsumer<Buffer> gateway = vertx.eventBus().consumer(warmUp.gatewayAddress, msg -> {
      RoomEnvelope env = RoomEnvelope.decode(msg.body());
      if (env.op() == Op.BROADCAST) {
        warmUp.relayed.incrementAndGet();
      }
    });
    long deadline = System.nanoTime() + maxMillis * 1_000_000L;
    Future<String> deployed = vertx.deployVerticle(shard);
    return Future.all(gateway.completion(), deployed)
        .compose(started -> warmUp.rounds(0, maxRounds, deadline))
        .map(rounds -> new Result(rounds, warmUp.relayed.get()))
        // Whatever happened, nothing of the warm-up stays: the shard (if it started) and the gateway go.
        .eventually(() -> Future.join(deployed.compose(vertx::undeploy), gateway.unregister()));
  }

  private Future<Integer> rounds(int done, int maxRounds, long deadline) {
    if (done >= maxRounds || System.nanoTime() >= deadline) {
      return Future.succeededFuture(done);
    }
    return round().compose(v -> rounds(done + 1, maxRounds, deadline));
  }

  /** Each client joins, syncs, types, and shares its awareness; half leave and re-attach; all leave. */
  private Future<Void> round() {
    List<Future<Conn>> joined = new ArrayList<>();
    for (int r = 0; r < ROOMS; r++) {
      String roomKey = "yjs/warm-up-" + r; // the same rooms every round: their clients come and go
      for (int c = 0; c < CLIENTS; c++) {
        joined.add(join(new Conn(nextConn++, roomKey), 0, null));
      }
    }
    int expected = relayed.get() + Result.UPDATES_PER_ROUND;
    return Future.all(joined).compose(all -> {
      List<Conn> conns = all.list();
      for (int u = 0; u < UPDATES; u++) {
        for (Conn conn : conns) {
          if (u == 0) {
            frame(conn, YMessage.syncStep1(YUpdates.emptyStateVector()));
            frame(conn, YMessage.awareness(new AwarenessUpdate(List.of(
                new AwarenessUpdate.Entry(conn.id(), 1, "{\"user\":\"warm-up\"}"))).encode()));
          }
          frame(conn, YMessage.syncUpdate(TextUpdates.typed(conn.id(), u, 'w')));
        }
      }
      return relayedAtLeast(expected, System.currentTimeMillis() + ROUND_TIMEOUT_MS).map(conns);
    }).compose(conns -> {
      List<Future<Conn>> reattached = new ArrayList<>();
      for (int i = 0; i < conns.size(); i += 2) {
        Conn conn = conns.get(i);
        leave(conn);
        reattached.add(join(conn, RoomEnvelope.REATTACH | RoomEnvelope.KNOWN_STATE,
            Buffer.buffer(YUpdates.emptyStateVector())));
      }
      return Future.all(reattached).map(conns);
    }).map(conns -> {
      conns.forEach(this::leave);
      return null;
    });
  }

  private Future<Conn> join(Conn conn, int flags, Buffer knownState) {
    Buffer join = RoomEnvelope.encode(Op.JOIN, conn.id(), conn.roomKey(), gatewayAddress,
        Access.WRITE.ordinal() | flags, knownState);
    return vertx.eventBus().request(shardAddress, join, joinOptions).map(reply -> conn);
  }

  private void frame(Conn conn, byte[] frame) {
    vertx.eventBus().send(shardAddress, RoomEnvelope.frameOfBytes(Op.FRAME, conn.id(), conn.roomKey(), frame));
  }

  private void leave(Conn conn) {
    vertx.eventBus().send(shardAddress, RoomEnvelope.frame(Op.LEAVE, conn.id(), conn.roomKey(), null));
  }

  /** Completes once the rooms relayed that many updates, or at the time given (a warm-up does not fail). */
  private Future<Void> relayedAtLeast(int count, long until) {
    Promise<Void> done = Promise.promise();
    vertx.setPeriodic(0, 5, id -> {
      if (relayed.get() >= count || System.currentTimeMillis() >= until) {
        vertx.cancelTimer(id);
        done.complete();
      }
    });
    return done.future();
  }
}
