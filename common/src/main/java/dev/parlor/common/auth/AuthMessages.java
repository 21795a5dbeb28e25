package dev.parlor.common.auth;

import dev.parlor.common.bus.RoomEnvelope.Access;
import dev.parlor.common.room.RoomRef;
import io.vertx.core.json.JsonObject;

/**
 * The JSON messages between gateways and auth-service (besides the forwarded HTTP API).
 *
 * <p>Requests to {@code Addresses.AUTH} carry an {@code op}:
 * <ul>
 *   <li>{@code authorize}: {@code {op, user, room: "party/room"}} answered by
 *       {@code {access: "write"|"read"|"none"}} from the room's ACL;</li>
 *   <li>{@code revoked}: {@code {op}} answered by {@code {tokens: {jti: expiresAtMillis, ...}}},
 *       the token deny-list, which gateways keep a copy of.</li>
 * </ul>
 *
 * <p>Revocations published on {@code Addresses.AUTH_REVOCATIONS}:
 * {@code {kind: "member", user, room: "party/room"}} (removed from a room's ACL) or
 * {@code {kind: "token", jti, expiresAt}} (a token revoked by its id; expiresAt in epoch millis).
 */
public final class AuthMessages {
  public static final String OP_AUTHORIZE = "authorize";
  public static final String OP_REVOKED = "revoked";
  public static final String KIND_MEMBER = "member";
  public static final String KIND_TOKEN = "token";

  private AuthMessages() {
  }

  public static JsonObject authorize(String user, RoomRef room) {
    return new JsonObject().put("op", OP_AUTHORIZE).put("user", user).put("room", room.key());
  }

  public static JsonObject access(Access access) {
    return new JsonObject().put("access", RoomGrants.name(access));
  }

  public static JsonObject memberRevoked(String user, RoomRef room) {
    return new JsonObject().put("kind", KIND_MEMBER).put("user", user).put("room", room.key());
  }

  public static JsonObject tokenRevoked(String jti, long expiresAtMillis) {
    return new JsonObject().put("kind", KIND_TOKEN).put("jti", jti).put("expiresAt", expiresAtMillis);
  }
}
