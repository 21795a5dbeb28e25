package dev.parlor.gateway.access;

import dev.parlor.common.room.RoomRef;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocketHandshake;

/**
 * Decides, before the WebSocket upgrade, whether a request may enter a room and with what access.
 * A refusal is a failed future carrying an {@link AccessDenied} with the HTTP status to answer.
 */
public interface AccessGate {
  Future<Grant> check(ServerWebSocketHandshake handshake, RoomRef room);
}
