package dev.parlor.yjs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Encoded state vectors: {@code varUint n}, then n × ({@code client}, {@code clock}). */
public final class StateVectors {
  private StateVectors() {}

  /** Decodes a state vector; a client listed twice keeps its last clock, as in Yjs. */
  public static Map<Long, Long> decode(byte[] sv) {
    Lib0Reader r = new Lib0Reader(sv);
    long n = r.readVarUint();
    Map<Long, Long> state = new HashMap<>();
    for (long i = 0; i < n; i++) {
      long client = r.readVarUint();
      long clock = r.readVarUint();
      state.put(client, clock);
    }
    if (r.hasRemaining()) {
      throw new YjsFormatException("unexpected bytes after the state vector", r.pos());
    }
    return state;
  }

  /** Encodes clients in descending order, as Yjs's {@code encodeStateVector}. */
  public static byte[] encode(Map<Long, Long> state) {
    List<Long> ids = new ArrayList<>(state.keySet());
    ids.sort((a, b) -> Long.compare(b, a));
    Lib0Writer w = new Lib0Writer(1 + ids.size() * 10);
    w.writeVarUint(ids.size());
    for (Long c : ids) {
      w.writeVarUint(c).writeVarUint(state.get(c));
    }
    return w.toByteArray();
  }

  /** Yjs's {@code encodeStateVectorFromUpdate}, clients in update order. */
  static byte[] fromUpdate(byte[] update) {
    FromUpdate f = new FromUpdate();
    ParsedUpdate.scan(update, f);
    return f.finish();
  }

  private static final class FromUpdate implements java.util.function.Consumer<Struct> {
    private final Lib0Writer pairs = new Lib0Writer(64);
    private int size;
    private boolean first = true;
    private long currClient;
    private boolean stopCounting;
    private long currClock;

    @Override
    public void accept(Struct curr) {
      if (first) {
        first = false;
        currClient = curr.client;
        stopCounting = curr.clock != 0;
        currClock = 0;
      } else if (currClient != curr.client) {
        if (currClock != 0) {
          size++;
          pairs.writeVarUint(currClient).writeVarUint(currClock);
        }
        currClient = curr.client;
        currClock = 0;
        stopCounting = curr.clock != 0;
      }
      if (curr.kind == Struct.SKIP) {
        stopCounting = true;
      }
      if (!stopCounting) {
        currClock = curr.end();
      }
    }

    byte[] finish() {
      if (!first && currClock != 0) {
        size++;
        pairs.writeVarUint(currClient).writeVarUint(currClock);
      }
      Lib0Writer w = new Lib0Writer(pairs.length() + 5);
      w.writeVarUint(size);
      w.writeBytes(pairs.toByteArray());
      return w.toByteArray();
    }
  }
}
