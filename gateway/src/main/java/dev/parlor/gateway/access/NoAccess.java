package dev.parlor.gateway.access;

import dev.parlor.common.room.RoomRef;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocketHandshake;

/** The gate when anonymous mode is off and token checks are not configured: nobody enters. */
public final class NoAccess implements AccessGate {
  @Override
  public Future<Grant> check(ServerWebSocketHandshake handshake, RoomRef room) {
    return Future.failedFuture(new AccessDenied(401, "authentication required"));
  }
}
