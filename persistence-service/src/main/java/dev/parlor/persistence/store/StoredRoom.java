package dev.parlor.persistence.store;

import java.util.ArrayList;
import java.util.List;

/**
 * A room as read from Redis: its fencing token, its snapshot (empty when there is none) and the id
 * it covers, and the log entries after that id.
 */
public record StoredRoom(long fence, String coveredId, byte[] snapshot, List<String> ids, List<byte[]> updates,
                         long logBytes) {
  public boolean isEmpty() {
    return snapshot.length == 0 && updates.isEmpty();
  }

  public String lastId() {
    return ids.isEmpty() ? coveredId : ids.get(ids.size() - 1);
  }

  /** Snapshot first, then the log: what a document is built from. */
  public List<byte[]> allUpdates() {
    List<byte[]> all = new ArrayList<>(updates.size() + 1);
    if (snapshot.length > 0) {
      all.add(snapshot);
    }
    all.addAll(updates);
    return all;
  }
}
