package dev.parlor.room.host;

import java.util.function.Function;
import io.vertx.core.Vertx;
import dev.parlor.common.bus.CloseCodes;
import dev.parlor.common.bus.Addresses;
import dev.parlor.common.bus.RoomEnvelope;
import dev.parlor.common.bus.RoomEnvelope.Access;
import dev.parlor.room.store.RoomStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard of a room node: takes the room traffic of the rooms that hash to it, on one event
 * loop, and unloads rooms that stay empty for PARLOR_ROOM_IDLE_MS.
 */
public final class RoomShardVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(RoomShardVerticle.class);

  private final String nodeId;
  private final int shard;
  private final Function<Vertx, RoomStore> storeFactory;
  private RoomStore store;
  private final RoomMetrics metrics;
  private final long idleMillis;
  private final int maxTail;
  private final Map<String, RoomHost> rooms = new HashMap<>();
  private final Map<String, Long> idleTimers = new HashMap<>();
  private MessageConsumer<Buffer> consumer;
  private MessageConsumer<String> resets;

  public RoomShardVerticle(String nodeId, int shard, Function<Vertx, RoomStore> storeFactory,
                           RoomMetrics metrics, long idleMillis, int maxTail) {
    this.maxTail = maxTail;
    this.storeFactory = storeFactory;
    this.nodeId = nodeId;
    this.shard = shard;
    this.metrics = metrics;
    this.idleMillis = idleMillis;
  }

  @Override
  public Future<?> start() {
    store = storeFactory.apply(vertx);
    consumer = vertx.eventBus().consumer(Addresses.roomShard(nodeId, shard), this::onMessage);
    resets = vertx.eventBus().consumer(Addresses.ROOM_RESET, msg -> {
      RoomHost host = rooms.get(msg.body());
      if (host != null) {
        log.atInfo().addKeyValue("room", msg.body()).log("stored data replaced or deleted; closing the room");
        host.closeAll(CloseCodes.ROOM_UNAVAILABLE, "room data was replaced; reconnect");
      }
    });
    return Future.all(consumer.completion(), resets.completion());
  }

  @Override
  public Future<?> stop() {
    metrics.rooms.addAndGet(-rooms.size());
    return Future.all(consumer.unregister(), resets.unregister());
  }

  private void onMessage(Message<Buffer> msg) {
    RoomEnvelope env;
    try {
      env = RoomEnvelope.decode(msg.body());
    } catch (IllegalArgumentException e) {
      metrics.rejected.increment();
      log.atWarn().addKeyValue("shard", shard).log("dropped an event-bus message that does not decode: {}",
          e.getMessage());
      return;
    }
    metrics.transit(env.sentAtMicros(), RoomEnvelope.nowMicros());
    switch (env.op()) {
      case JOIN -> join(msg, env);
      case FRAME -> {
        RoomHost host = rooms.get(env.roomKey());
        if (host != null) {
          metrics.framesIn.increment();
          host.frame(env.connId(), env.payload().getBytes());
        }
      }
      case LEAVE -> {
        RoomHost host = rooms.get(env.roomKey());
        if (host != null) {
          host.leave(env.connId());
          if (host.isEmpty()) {
            store.roomEmpty(env.roomKey());
          }
          scheduleIdleCheck(env.roomKey());
        }
      }
      default -> {
        metrics.rejected.increment();
        log.atWarn().addKeyValue("room", env.roomKey()).log("dropped unexpected {} sent to a room", env.op());
      }
    }
  }

  private void join(Message<Buffer> msg, RoomEnvelope env) {
    Access access;
    int accessIndex = env.number() & ~RoomEnvelope.REATTACH;
    boolean reattached = (env.number() & RoomEnvelope.REATTACH) != 0;
    if (accessIndex >= Access.values().length || env.text().isEmpty()) {
      metrics.rejected.increment();
      msg.fail(400, "bad join");
      return;
    }
    access = Access.values()[accessIndex];
    Long timer = idleTimers.remove(env.roomKey());
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
    RoomHost host = rooms.computeIfAbsent(env.roomKey(), key -> {
      metrics.rooms.incrementAndGet();
      RoomHost[] self = new RoomHost[1];
      self[0] = new RoomHost(key, vertx, store, metrics, maxTail, () -> unload(key, self[0]));
      return self[0];
    });
    host.join(env.connId(), env.text(), access, reattached).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(null);
      } else {
        msg.fail(503, "room unavailable: " + ar.cause().getMessage());
        unload(env.roomKey(), host);
      }
    });
  }

  private void scheduleIdleCheck(String roomKey) {
    if (idleTimers.containsKey(roomKey)) {
      return;
    }
    idleTimers.put(roomKey, vertx.setTimer(idleMillis, id -> {
      idleTimers.remove(roomKey);
      RoomHost host = rooms.get(roomKey);
      if (host != null && host.isEmpty()) {
        unload(roomKey, host);
      }
    }));
  }

  private void unload(String roomKey, RoomHost host) {
    if (rooms.remove(roomKey, host)) {
      metrics.rooms.decrementAndGet();
      store.roomUnloaded(roomKey);
      log.atDebug().addKeyValue("room", roomKey).log("room unloaded");
    }
  }
}
