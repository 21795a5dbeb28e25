package dev.parlor.yjs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which value of a map key survives. All items written for one key of one type form a list in
 * Yjs; the last one is the value and the others are deleted when integrated, without appearing in
 * any delete set. Map items have no right origin, so Yjs's ordering reduces to a tree walk: after an
 * item come the items whose origin is it, in ascending client order (for one client, the older one
 * last). The last item is reached by always taking the greatest child.
 *
 * <p>Only keys whose items all lack a right origin (as Yjs writes them) are decided here; for any
 * other key nothing is marked, which keeps data rather than risking the wrong value.
 */
final class MapWinners {
  private record Slot(Object parent, String key) {}

  private MapWinners() {}

  static void markOverwritten(List<Struct> integrated) {
    Map<Slot, List<Struct>> slots = new HashMap<>();
    for (Struct s : integrated) {
      if (s.state == Struct.INTEGRATED && s.key != null) {
        slots.computeIfAbsent(new Slot(s.parent, s.key), k -> new ArrayList<>(2)).add(s);
      }
    }
    for (List<Struct> items : slots.values()) {
      if (items.size() > 1) {
        Struct winner = lastOf(items);
        if (winner != null) {
          for (Struct s : items) {
            if (s != winner) {
              s.overwritten = true;
            }
          }
        }
      }
    }
  }

  /** The item holding the key's value, or null when it cannot be decided safely. */
  private static Struct lastOf(List<Struct> items) {
    List<Struct> roots = new ArrayList<>(2);
    // origin client -> origin clock -> items with that origin
    Map<Long, TreeMap<Long, List<Struct>>> byOrigin = new HashMap<>();
    for (Struct s : items) {
      if (s.hasRightOrigin) {
        return null;
      }
      if (s.hasOrigin) {
        byOrigin.computeIfAbsent(s.originClient, k -> new TreeMap<>())
            .computeIfAbsent(s.originClock, k -> new ArrayList<>(1)).add(s);
      } else {
        roots.add(s);
      }
    }
    Struct cur = greatest(roots);
    while (cur != null) {
      TreeMap<Long, List<Struct>> anchored = byOrigin.get(cur.client);
      Struct next = null;
      if (anchored != null) {
        // inside the item, only a child of a greater client goes after the item's own rest
        for (List<Struct> kids : anchored.subMap(cur.clock, true, cur.end() - 1, false).values()) {
          Struct child = greatest(kids);
          if (child.client > cur.client) {
            next = child;
            break;
          }
        }
        if (next == null) {
          next = greatest(anchored.get(cur.end() - 1));
        }
      }
      if (next == null) {
        return cur;
      }
      cur = next;
    }
    return null;
  }

  /** Greatest client; for one client the oldest item (Yjs places later ones before it). */
  private static Struct greatest(List<Struct> list) {
    if (list == null) {
      return null;
    }
    Struct best = null;
    for (Struct s : list) {
      if (best == null || s.client > best.client || (s.client == best.client && s.clock < best.clock)) {
        best = s;
      }
    }
    return best;
  }
}
