package dev.parlor.common.bus;

/**
 * Every event-bus address Parlor uses. Addresses are few and long-lived (one per verticle
 * instance, never one per room), so the cluster's registry stays small and stable.
 */
public final class Addresses {
  private Addresses() {
  }

  /** Where a room node's shard takes {@link RoomEnvelope}s for the rooms that hash to it. */
  public static String roomShard(String nodeId, int shard) {
    return "parlor.room." + nodeId + "." + shard;
  }

  /** The node id in a {@link #roomShard} address, or null for any other address. */
  public static String nodeOfRoomShard(String address) {
    int dot = address.lastIndexOf('.');
    return address.startsWith("parlor.room.") && dot > "parlor.room.".length()
        ? address.substring("parlor.room.".length(), dot) : null;
  }

  /** Where one gateway verticle instance takes room output for its sockets. */
  public static String gateway(String instanceId) {
    return "parlor.gateway." + instanceId;
  }

  /** Cluster-wide map: room node id to its {@code {"shards": n}} announcement. */
  public static final String ROOM_NODES_MAP = "parlor.room-nodes";

  /**
   * Published by a room node after it announced or withdrew itself in {@link #ROOM_NODES_MAP} (body:
   * its node id), and as it begins to withdraw (body: {@link #WITHDRAWING} and its node id).
   */
  public static final String ROOM_NODES_CHANGED = "parlor.room-nodes.changed";

  /** Prefix of a {@link #ROOM_NODES_CHANGED} body: that node is leaving; route nothing more to it. */
  public static final String WITHDRAWING = "withdrawing:";

  /** persistence-service: room storage requests from rooms (load, append, compact). */
  public static final String PERSISTENCE = "parlor.persistence";

  /** Published by persistence-service when a room's stored data is replaced or deleted. */
  public static final String ROOM_RESET = "parlor.persistence.room-reset";

  /** persistence-service: the room data API ({@link ApiMessage}s forwarded by gateways). */
  public static final String PERSISTENCE_API = "parlor.persistence.api";

  /** auth-service: the authorize request of gateways. */
  public static final String AUTH = "parlor.auth";

  /** auth-service: its public API ({@link ApiMessage}s forwarded by gateways). */
  public static final String AUTH_API = "parlor.auth.api";

  /** Published by auth-service to every gateway: close the sessions a revocation covers. */
  public static final String AUTH_REVOCATIONS = "parlor.auth.revocations";
}
