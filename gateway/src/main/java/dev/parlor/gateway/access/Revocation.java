package dev.parlor.gateway.access;

import dev.parlor.common.auth.AuthMessages;
import dev.parlor.common.room.RoomRef;
import io.vertx.core.json.JsonObject;

/**
 * Which live sessions a revocation published by auth-service covers: a member revocation covers
 * the user's sessions in that room, a token revocation every session opened with that token id.
 * Covered sessions are closed with 4403.
 */
public final class Revocation {
  private Revocation() {
  }

  /** The room a member revocation is about, or null for other kinds. */
  public static String roomKey(JsonObject msg) {
    return msg != null && AuthMessages.KIND_MEMBER.equals(msg.getString("kind")) ? msg.getString("room") : null;
  }

  public static boolean covers(JsonObject msg, Grant grant, RoomRef room) {
    if (msg == null || grant == null) {
      return false;
    }
    String kind = msg.getString("kind");
    if (AuthMessages.KIND_MEMBER.equals(kind)) {
      return room.key().equals(msg.getString("room")) && grant.userId().equals(msg.getString("user"));
    }
    if (AuthMessages.KIND_TOKEN.equals(kind)) {
      return grant.tokenId() != null && grant.tokenId().equals(msg.getString("jti"));
    }
    return false;
  }
}
