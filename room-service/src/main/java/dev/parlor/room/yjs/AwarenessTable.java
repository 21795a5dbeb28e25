package dev.parlor.room.yjs;

import dev.parlor.yjs.protocol.AwarenessUpdate;
import dev.parlor.yjs.protocol.AwarenessUpdate.Entry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The awareness states of a room's clients, with the connection that announced each, so that a
 * closing connection's states can be removed and the removal told to the others.
 */
public final class AwarenessTable {
  private record State(long clock, String json, long connId) {
  }

  private final Map<Long, State> states = new HashMap<>();
  private final Map<Long, Set<Long>> clientsByConn = new HashMap<>();

  /** Applies an update from connId; returns the entries that were newer (those to relay). */
  public List<Entry> apply(long connId, AwarenessUpdate update) {
    List<Entry> accepted = new ArrayList<>();
    for (Entry e : update.entries()) {
      State cur = states.get(e.clientId());
      boolean newer = cur == null
          ? true
          : e.clock() > cur.clock() || (e.clock() == cur.clock() && e.removed() && !"null".equals(cur.json()));
      if (!newer) {
        continue;
      }
      accepted.add(e);
      states.put(e.clientId(), new State(e.clock(), e.stateJson(), connId));
      clientsByConn.computeIfAbsent(connId, k -> new HashSet<>()).add(e.clientId());
    }
    return accepted;
  }

  /** Forgets the states connId announced; returns their removal entries (clock + 1, null state). */
  public List<Entry> removeConnection(long connId) {
    Set<Long> clients = clientsByConn.remove(connId);
    if (clients == null) {
      return List.of();
    }
    List<Entry> removed = new ArrayList<>();
    for (Long client : clients) {
      State cur = states.get(client);
      if (cur != null && cur.connId() == connId) {
        states.remove(client);
        if (!"null".equals(cur.json())) {
          removed.add(new Entry(client, cur.clock() + 1, "null"));
        }
      }
    }
    return removed;
  }

  /** Every present (non-null) state, as one update for a joining client. */
  public AwarenessUpdate present() {
    List<Entry> out = new ArrayList<>();
    states.forEach((client, s) -> {
      if (!"null".equals(s.json())) {
        out.add(new Entry(client, s.clock(), s.json()));
      }
    });
    return new AwarenessUpdate(out);
  }

  public int size() {
    return states.size();
  }
}
