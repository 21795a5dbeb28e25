package dev.parlor.gateway.access;

import dev.parlor.common.room.RoomRef;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocketHandshake;

/** PARLOR_ANONYMOUS=true: everyone enters every room with write access. Local development only. */
public final class AnonymousAccess implements AccessGate {
  @Override
  public Future<Grant> check(ServerWebSocketHandshake handshake, RoomRef room) {
    return Future.succeededFuture(Grant.anonymous());
  }
}
