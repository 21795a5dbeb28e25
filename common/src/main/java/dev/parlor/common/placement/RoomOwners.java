package dev.parlor.common.placement;

/** Which room node serves a room, and at which event-bus address: what a room node's shards ask. */
public interface RoomOwners {
  /** The id of the room node that owns roomKey, or null when no room node is live. */
  String ownerOf(String roomKey);

  /** The event-bus address serving roomKey, or null when no room node is live. */
  String addressFor(String roomKey);

  /** The address of the room's shard on that node, or null when the node is not a room node (now). */
  String addressOn(String nodeId, String roomKey);

  /** Runs listener after every change of the set of room nodes. */
  void onChange(Runnable listener);
}
