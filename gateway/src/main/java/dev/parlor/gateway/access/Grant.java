package dev.parlor.gateway.access;

import dev.parlor.common.bus.RoomEnvelope.Access;

/**
 * Who entered a room and with what access: the user ({@code sub}), the token's id (for
 * revocation; null when there is no token) and when the token expires (0 = never).
 */
public record Grant(String userId, Access access, String tokenId, long expiresAtMillis) {
  public static Grant anonymous() {
    return new Grant("anonymous", Access.WRITE, null, 0);
  }
}
