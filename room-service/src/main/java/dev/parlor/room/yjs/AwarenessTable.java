package dev.parlor.room.yjs;

import dev.parlor.yjs.Lib0Reader;
import dev.parlor.yjs.Lib0Writer;
import dev.parlor.yjs.YjsFormatException;
import dev.parlor.yjs.protocol.AwarenessUpdate;
import dev.parlor.yjs.protocol.AwarenessUpdate.Entry;
import java.nio.ByteBuffer;
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

  /** The connections that announced a state still held here. */
  public Set<Long> connections() {
    return Set.copyOf(clientsByConn.keySet());
  }

  /**
   * The whole table, each state with the connection that announced it, for the room's next owner:
   * count, then per connection its id (8 bytes) and an awareness update.
   */
  public byte[] export() {
    Map<Long, List<Entry>> byConn = new HashMap<>();
    states.forEach((client, s) -> byConn.computeIfAbsent(s.connId(), k -> new ArrayList<>())
        .add(new Entry(client, s.clock(), s.json())));
    Lib0Writer w = new Lib0Writer(64 + states.size() * 48);
    w.writeVarUint(byConn.size());
    byConn.forEach((connId, entries) -> w.writeBytes(ByteBuffer.allocate(8).putLong(connId).array()).writeVarUint8Array(new AwarenessUpdate(entries).encode()));
    return w.toByteArray();
  }

  /**
   * Takes in a table another owner exported, as if each connection had sent its states here (newer
   * clocks win as ever). Throws {@link YjsFormatException} before changing anything when it does
   * not decode.
   */
  public void restore(byte[] exported) {
    Lib0Reader r = new Lib0Reader(exported);
    int n = r.readVarUintAsInt();
    if (n > r.remaining()) {
      throw new YjsFormatException("awareness table count " + n + " exceeds the data", 0);
    }
    Map<Long, AwarenessUpdate> byConn = new HashMap<>();
    for (int i = 0; i < n; i++) {
      byConn.put(ByteBuffer.wrap(r.readBytes(8)).getLong(), AwarenessUpdate.decode(r.readVarUint8Array()));
    }
    if (r.hasRemaining()) {
      throw new YjsFormatException("trailing bytes after awareness table", r.pos());
    }
    byConn.forEach(this::apply);
  }
}
