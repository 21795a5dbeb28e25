package dev.parlor.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicInteger;

/** The gateway's meters, shared by its verticle instances. */
public final class GatewayMetrics {
  private final MeterRegistry registry;
  public final AtomicInteger connections = new AtomicInteger();
  public final Counter framesIn;
  public final Counter framesOut;
  public final Counter busMessagesIn;
  public final Timer joinLatency;
  public final Counter reattached;

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("parlor_gateway_connections", connections, AtomicInteger::get)
        .description("open room WebSockets").register(registry);
    framesIn = Counter.builder("parlor_gateway_frames_in").description("frames received from clients")
        .register(registry);
    framesOut = Counter.builder("parlor_gateway_frames_out").description("frames written to clients")
        .register(registry);
    busMessagesIn = Counter.builder("parlor_gateway_bus_messages_in")
        .description("room output messages received over the event bus").register(registry);
    reattached = Counter.builder("parlor_gateway_reattached")
        .description("sockets moved to a room's new owner without disconnecting").register(registry);
    joinLatency = Timer.builder("parlor_gateway_join")
        .description("event-bus round trip of a join, room load included")
        .publishPercentiles(0.5, 0.99).register(registry);
  }

  public void rejected(int status) {
    Counter.builder("parlor_gateway_upgrades_rejected").tag("status", String.valueOf(status))
        .description("WebSocket upgrades refused before the handshake").register(registry).increment();
  }

  public void closed(int code) {
    Counter.builder("parlor_gateway_closes").tag("code", String.valueOf(code))
        .description("connections closed by the server, by close code").register(registry).increment();
  }
}
