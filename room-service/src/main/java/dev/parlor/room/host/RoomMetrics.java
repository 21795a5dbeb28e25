package dev.parlor.room.host;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** room-service's meters, shared by all shards of a node. */
public final class RoomMetrics {
  final AtomicInteger rooms = new AtomicInteger();
  final AtomicInteger connections = new AtomicInteger();
  final Counter framesIn;
  final Counter messagesOut;
  final Counter rejected;
  final Timer busTransit;
  final Timer load;
  final Timer merge;
  final Counter movesIn;
  final Counter movesOut;
  final Counter copiedLoads;

  public RoomMetrics(MeterRegistry registry) {
    Gauge.builder("parlor_room_rooms_active", rooms, AtomicInteger::get)
        .description("rooms loaded on this node").register(registry);
    Gauge.builder("parlor_room_connections", connections, AtomicInteger::get)
        .description("connections joined to rooms on this node").register(registry);
    framesIn = Counter.builder("parlor_room_frames_in").description("client frames received by rooms")
        .register(registry);
    messagesOut = Counter.builder("parlor_room_messages_out")
        .description("event-bus messages sent by rooms to gateways").register(registry);
    rejected = Counter.builder("parlor_room_envelopes_rejected")
        .description("event-bus messages that did not decode").register(registry);
    busTransit = Timer.builder("parlor_eventbus_transit")
        .description("gateway-to-room event-bus latency of client frames")
        .publishPercentiles(0.5, 0.99).minimumExpectedValue(Duration.ofNanos(10_000))
        .register(registry);
    load = Timer.builder("parlor_room_load").description("time to load a room from its store")
        .register(registry);
    movesIn = Counter.builder("parlor_room_moves_in")
        .description("rooms loaded here with clients re-attached from their previous owner").register(registry);
    movesOut = Counter.builder("parlor_room_moves_out")
        .description("rooms handed over to another node").register(registry);
    copiedLoads = Counter.builder("parlor_room_copied_loads")
        .description("rooms loaded from a document copied ahead by their previous owner plus its hand-over tail")
        .register(registry);
    merge = Timer.builder("parlor_room_merge").description("background folds of a document's update tail")
        .publishPercentiles(0.5, 0.99).register(registry);
  }

  /** Rooms loaded on this node now. */
  public int activeRooms() {
    return rooms.get();
  }

  void transit(long sentAtMicros, long nowMicros) {
    long d = nowMicros - sentAtMicros;
    if (d >= 0) {
      busTransit.record(d, TimeUnit.MICROSECONDS);
    }
  }
}
