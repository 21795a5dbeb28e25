package dev.parlor.persistence.store;

/**
 * The Redis keys of one room. All share the hash tag {@code {party/room}}, so a room's keys live
 * in one Redis Cluster slot and its scripts run unchanged on a cluster.
 */
record RoomKeys(String meta, String snapshot, String log, String lease) {
  /** Every room that has data, scored by when it was first stored (not a room key: its own slot). */
  static final String ROOM_INDEX = "parlor:rooms";
  /** The source of fencing tokens: one counter, so a token is never reused, even after a delete. */
  static final String FENCE_SEQUENCE = "parlor:fences";

  static RoomKeys of(String roomKey) {
    String prefix = "parlor:{" + roomKey + "}:";
    return new RoomKeys(prefix + "meta", prefix + "snapshot", prefix + "log", prefix + "lease");
  }

  /** The document's keys (the lease is not part of the document). */
  String[] all() {
    return new String[] {meta, snapshot, log};
  }
}
