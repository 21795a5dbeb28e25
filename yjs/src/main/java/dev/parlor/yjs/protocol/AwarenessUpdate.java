package dev.parlor.yjs.protocol;

import dev.parlor.yjs.Lib0Reader;
import dev.parlor.yjs.Lib0Writer;
import dev.parlor.yjs.YjsFormatException;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload of an awareness message: for each client id its clock and its JSON state, where the
 * string {@code "null"} means the client is gone.
 */
public record AwarenessUpdate(List<Entry> entries) {

  /** Refuses an update that claims more entries than bytes could hold. */
  private static final int MIN_ENTRY_BYTES = 3;

  public record Entry(long clientId, long clock, String stateJson) {
    public boolean removed() {
      return "null".equals(stateJson);
    }
  }

  public static AwarenessUpdate decode(byte[] payload) {
    Lib0Reader r = new Lib0Reader(payload);
    int at = r.pos();
    int n = r.readVarUintAsInt();
    if ((long) n * MIN_ENTRY_BYTES > r.remaining()) {
      throw new YjsFormatException("awareness entry count " + n + " exceeds the data", at);
    }
    List<Entry> entries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      entries.add(new Entry(r.readVarUint(), r.readVarUint(), r.readVarString()));
    }
    if (r.hasRemaining()) {
      throw new YjsFormatException("trailing bytes after awareness update", r.pos());
    }
    return new AwarenessUpdate(List.copyOf(entries));
  }

  public byte[] encode() {
    Lib0Writer w = new Lib0Writer(16 + entries.size() * 32);
    w.writeVarUint(entries.size());
    for (Entry e : entries) {
      w.writeVarUint(e.clientId()).writeVarUint(e.clock()).writeVarString(e.stateJson());
    }
    return w.toByteArray();
  }
}
