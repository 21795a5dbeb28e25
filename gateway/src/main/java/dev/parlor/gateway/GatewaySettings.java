package dev.parlor.gateway;

import dev.parlor.common.config.ParlorConfig;
import java.util.Set;

/** The gateway's knobs, read once from configuration (see docs/configuration.md). */
public record GatewaySettings(String host, int port, Set<String> parties, int maxFrameBytes,
                              long maxPendingBytes, long joinTimeoutMillis, boolean compression,
                              boolean anonymous, long apiTimeoutMillis, long maxApiBodyBytes) {

  public static GatewaySettings from(ParlorConfig c) {
    return new GatewaySettings(
        c.string("PARLOR_HTTP_HOST", "0.0.0.0"),
        c.port("PARLOR_HTTP_PORT", 8080),
        Set.copyOf(c.list("PARLOR_PARTIES", "yjs")),
        (int) c.longValue("PARLOR_MAX_FRAME_BYTES", 1 << 20, 1024, 64L << 20),
        c.longValue("PARLOR_MAX_PENDING_BYTES", 8L << 20, 1024, 1L << 34),
        c.longValue("PARLOR_ROOM_JOIN_TIMEOUT_MS", 10_000, 100, 120_000),
        c.bool("PARLOR_WS_COMPRESSION", false),
        c.bool("PARLOR_ANONYMOUS", false),
        c.longValue("PARLOR_API_TIMEOUT_MS", 10_000, 100, 600_000),
        c.longValue("PARLOR_MAX_API_BODY_BYTES", 64L << 20, 1024, 1L << 31));
  }
}
