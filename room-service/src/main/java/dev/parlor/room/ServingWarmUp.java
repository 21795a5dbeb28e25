package dev.parlor.room;

import dev.parlor.common.bus.Addresses;
import dev.parlor.common.bus.RoomEnvelope;
import dev.parlor.common.bus.RoomEnvelope.Access;
import dev.parlor.common.bus.RoomEnvelope.Op;
import dev.parlor.common.placement.RoomOwners;
import dev.parlor.common.warmup.WarmUpBudget;
import dev.parlor.room.host.IncomingMoves;
import dev.parlor.room.host.OutgoingCopies;
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
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a room node's serving paths (joins, sync, updates stored and relayed, awareness, leaves and
 * re-attaches, and moves: a copy sent ahead, the hand-over, the connections re-attached at the new
 * owner) through two shards of its own before the node announces itself, as gateways would drive
 * them. A node that joins is given rooms at once, and one that leaves hands its rooms over; in a
 * fresh JVM the first of these run interpreted while the compilers take the CPU (a rolling update's
 * first hand-over took 80–170 ms, later ones 15–80). The shards are private (their own node ids
 * and addresses, rooms in memory, metrics of their own) and are undeployed afterwards.
 */
final class ServingWarmUp {
  private static final int ROOMS = 8;
  private static final int CLIENTS = 4;
  private static final int UPDATES = 25;
  /** One room's document is made larger than this once: a room that big is copied ahead of its hand-over. */
  private static final int COPIED_DOCUMENT_CHARS = 80_000;
  /** The Yjs client that writes it (connection ids, the typing clients, stay far below). */
  private static final long LARGE_WRITER = 1L << 30;
  private static final long ROUND_TIMEOUT_MS = 2_000;

  private final Vertx vertx;
  private final Owners owners;
  private final String gatewayAddress;
  private final DeliveryOptions joinOptions = new DeliveryOptions().setSendTimeout(ROUND_TIMEOUT_MS);
  private final AtomicInteger relayed = new AtomicInteger();
  private final AtomicInteger moved = new AtomicInteger();
  private long nextConn = 1;

  private record Conn(long id, String roomKey) {
  }

  /**
   * rounds: rounds run; relayed: updates and awareness states the rooms relayed to the warm-up's
   * gateway; moved: connections re-attached to their room's new owner after a hand-over.
   */
  record Result(int rounds, int relayed, int moved) {
    /** The updates a complete round relays (at least: awareness states come on top). */
    static final int UPDATES_PER_ROUND = ROOMS * CLIENTS * UPDATES;
    /** The connections a complete round moves. */
    static final int MOVED_PER_ROUND = ROOMS * CLIENTS;
  }

  /** The two private nodes' placement: every room is on one of them, and all move at each flip. */
  private static final class Owners implements RoomOwners {
    private final String[] nodes;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile int current;

    Owners(String nodeId) {
      nodes = new String[] {nodeId + "-warm-up-a", nodeId + "-warm-up-b"};
    }

    void flip() {
      current = 1 - current;
      listeners.forEach(Runnable::run);
    }

    @Override
    public String ownerOf(String roomKey) {
      return nodes[current];
    }

    @Override
    public String addressFor(String roomKey) {
      return Addresses.roomShard(nodes[current], 0);
    }

    @Override
    public String addressOn(String node, String roomKey) {
      return Addresses.roomShard(node, 0);
    }

    @Override
    public void onChange(Runnable listener) {
      listeners.add(listener);
    }
  }

  private ServingWarmUp(Vertx vertx, String nodeId) {
    this.vertx = vertx;
    this.owners = new Owners(nodeId);
    this.gatewayAddress = Addresses.gateway(nodeId + "-warm-up");
  }

  /** Rounds of ROOMS × CLIENTS connections until the budget is spent or maxRounds; completes with the rounds run. */
  static Future<Result> run(Vertx vertx, String nodeId, RoomShardVerticle.Settings settings, WarmUpBudget budget,
                            int maxRounds) {
    ServingWarmUp warmUp = new ServingWarmUp(vertx, nodeId);
    MemoryRoomStore store = new MemoryRoomStore(); // one store: a room's next owner reads what its last one wrote
    RoomMetrics metrics = new RoomMetrics(new SimpleMeterRegistry());
    MessageConsumer<Buffer> gateway = vertx.eventBus().consumer(warmUp.gatewayAddress, warmUp::toGateway);
    List<Future<String>> deployed = new ArrayList<>();
    for (String node : warmUp.owners.nodes) {
      deployed.add(vertx.deployVerticle(new RoomShardVerticle(node, 0, v -> store, metrics, warmUp.owners,
          new IncomingMoves(), new OutgoingCopies(), settings.quiet())));
    }
    return Future.all(deployed).compose(started -> gateway.completion())
        .compose(started -> warmUp.rounds(0, maxRounds, budget))
        .map(rounds -> new Result(rounds, warmUp.relayed.get(), warmUp.moved.get()))
        // Whatever happened, nothing of the warm-up stays: the shards (those that started) and the gateway go.
        .eventually(() -> Future.join(deployed.stream().map(d -> d.compose(vertx::undeploy)).toList())
            .eventually(gateway::unregister));
  }

  /** What the rooms send the warm-up's gateway: relays are counted, and a room that moved is followed. */
  private void toGateway(Message<Buffer> msg) {
    RoomEnvelope env = RoomEnvelope.decode(msg.body());
    if (env.op() == Op.BROADCAST) {
      relayed.incrementAndGet();
    } else if (env.op() == Op.MOVED && (env.number() & RoomEnvelope.LAST) != 0) {
      boolean known = (env.number() & RoomEnvelope.KNOWN_STATE) != 0;
      join(new Conn(env.connId(), env.roomKey()), RoomEnvelope.REATTACH | (known ? RoomEnvelope.KNOWN_STATE : 0),
          known ? env.payload() : null).onSuccess(conn -> moved.incrementAndGet());
    }
  }

  private Future<Integer> rounds(int done, int maxRounds, WarmUpBudget budget) {
    if (done >= maxRounds || budget.spent()) {
      return Future.succeededFuture(done);
    }
    return round(done == 0).compose(v -> rounds(done + 1, maxRounds, budget));
  }

  /**
   * Each client joins, syncs, types, and shares its awareness; every room moves to the other private
   * node; half the clients leave and re-attach; all leave. first: the round that makes one document
   * large enough to be copied ahead.
   */
  private Future<Void> round(boolean first) {
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
      if (first) { // written as a client of its own: the connection's own clock is the typing below
        frame(conns.get(0), YMessage.syncUpdate(TextUpdates.insertText(LARGE_WRITER, "w".repeat(COPIED_DOCUMENT_CHARS))));
      }
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
      return atLeast(relayed, expected).map(conns);
    }).compose(conns -> {
      int movedBefore = moved.get();
      owners.flip(); // the gateway above follows each connection's MOVED to the new owner
      return atLeast(moved, movedBefore + conns.size()).map(conns);
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
    return vertx.eventBus().request(owners.addressFor(conn.roomKey()), join, joinOptions).map(reply -> conn);
  }

  private void frame(Conn conn, byte[] frame) {
    vertx.eventBus().send(owners.addressFor(conn.roomKey()),
        RoomEnvelope.frameOfBytes(Op.FRAME, conn.id(), conn.roomKey(), frame));
  }

  private void leave(Conn conn) {
    vertx.eventBus().send(owners.addressFor(conn.roomKey()), RoomEnvelope.frame(Op.LEAVE, conn.id(), conn.roomKey(), null));
  }

  /** Completes once the count reaches the value, or after ROUND_TIMEOUT_MS (a warm-up does not fail). */
  private Future<Void> atLeast(AtomicInteger count, int value) {
    Promise<Void> done = Promise.promise();
    long until = System.currentTimeMillis() + ROUND_TIMEOUT_MS;
    vertx.setPeriodic(0, 5, id -> {
      if (count.get() >= value || System.currentTimeMillis() >= until) {
        vertx.cancelTimer(id);
        done.complete();
      }
    });
    return done.future();
  }
}
