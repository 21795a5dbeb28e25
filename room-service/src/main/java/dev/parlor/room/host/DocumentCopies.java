package dev.parlor.room.host;

import dev.parlor.room.yjs.YjsDocument;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Documents of rooms about to move to this shard, copied ahead by their owner while it still
 * serves them (one event loop, no locking). The hand-over then ships only what the room applied
 * after the copy, and the room loads here from the copy, already built, plus that tail: the large
 * transfer and the build happen before the room stops being served, not while its clients wait.
 */
final class DocumentCopies {
  private record Copy(long id, List<byte[]> updates, YjsDocument document) {
  }

  private final Map<String, Copy> copies = new HashMap<>();

  /** Keeps the copy with that id (built from updates), replacing an older one of the room. */
  void put(String roomKey, long id, List<byte[]> updates, YjsDocument document) {
    copies.put(roomKey, new Copy(id, List.copyOf(updates), document));
  }

  /** Forgets the room's copy if it is still the one with that id (it was not used in time). */
  void expire(String roomKey, long id) {
    Copy c = copies.get(roomKey);
    if (c != null && c.id() == id) {
      copies.remove(roomKey);
    }
  }

  /**
   * The whole document of a hand-over whose document continues copy {@code id}: the copy's updates
   * then the tail, or null when this shard does not have that copy (the room then loads from storage).
   */
  List<byte[]> continued(String roomKey, long id, List<byte[]> tail) {
    Copy c = copies.get(roomKey);
    if (c == null || c.id() != id) {
      return null;
    }
    List<byte[]> all = new ArrayList<>(c.updates().size() + tail.size());
    all.addAll(c.updates());
    all.addAll(tail);
    return all;
  }

  /**
   * The room's document when what its store loaded is a copy's hand-over (it starts with the very
   * arrays of the copy, which only {@link #continued} puts there): the copy's built document with
   * the rest applied. Null otherwise (loaded from storage, or no copy), and the copy is dropped.
   */
  YjsDocument take(String roomKey, List<byte[]> loaded) {
    Copy c = copies.remove(roomKey);
    if (c == null || loaded.size() < c.updates().size()) {
      return null;
    }
    for (int i = 0; i < c.updates().size(); i++) {
      if (loaded.get(i) != c.updates().get(i)) {
        return null;
      }
    }
    for (int i = c.updates().size(); i < loaded.size(); i++) {
      c.document().apply(loaded.get(i));
    }
    return c.document();
  }

  int size() {
    return copies.size();
  }
}
