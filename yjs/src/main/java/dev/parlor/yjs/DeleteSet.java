package dev.parlor.yjs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deleted id ranges per client, as in an update's delete set. Ranges of a client are kept in the
 * order they were added until {@link #sortAndMerge()} is called (Yjs's {@code diffUpdate} writes them
 * as read; {@code mergeUpdates} sorts and merges them).
 */
final class DeleteSet {
  /** Ranges of one client as flat (clock, length) pairs. */
  static final class Ranges {
    long[] data = new long[8];
    int size; // number of ranges

    void add(long clock, long len) {
      if (size * 2 == data.length) {
        data = Arrays.copyOf(data, data.length * 2);
      }
      data[size * 2] = clock;
      data[size * 2 + 1] = len;
      size++;
    }

    long clock(int i) {
      return data[i * 2];
    }

    long len(int i) {
      return data[i * 2 + 1];
    }

    /** Sorts by clock and merges overlapping or touching ranges, like {@code sortAndMergeDeleteSet}. */
    void sortAndMerge() {
      if (size > 1) {
        boolean sorted = true;
        for (int i = 1; i < size && sorted; i++) {
          sorted = data[(i - 1) * 2] <= data[i * 2];
        }
        if (!sorted) {
          long[][] pairs = new long[size][];
          for (int i = 0; i < size; i++) {
            pairs[i] = new long[] {data[i * 2], data[i * 2 + 1]};
          }
          Arrays.sort(pairs, (x, y) -> Long.compare(x[0], y[0]));
          for (int i = 0; i < size; i++) {
            data[i * 2] = pairs[i][0];
            data[i * 2 + 1] = pairs[i][1];
          }
        }
      }
      int j = 1;
      for (int i = 1; i < size; i++) {
        long lc = data[(j - 1) * 2];
        long ll = data[(j - 1) * 2 + 1];
        long rc = data[i * 2];
        long rl = data[i * 2 + 1];
        if (lc + ll >= rc) {
          data[(j - 1) * 2 + 1] = Math.max(ll, rc + rl - lc);
        } else {
          data[j * 2] = rc;
          data[j * 2 + 1] = rl;
          j++;
        }
      }
      if (size > 0) {
        size = j;
      }
    }
  }

  final Map<Long, Ranges> clients = new LinkedHashMap<>();

  Ranges ranges(long client) {
    return clients.computeIfAbsent(client, c -> new Ranges());
  }

  void add(long client, long clock, long len) {
    ranges(client).add(clock, len);
  }

  /** Reads a delete set as Yjs's {@code readDeleteSet}: a client listed twice gets both lists. */
  static DeleteSet read(Lib0Reader r) {
    DeleteSet ds = new DeleteSet();
    long numClients = r.readVarUint();
    for (long i = 0; i < numClients; i++) {
      long client = r.readVarUint();
      long n = r.readVarUint();
      if (n > 0) {
        Ranges ranges = ds.ranges(client);
        for (long k = 0; k < n; k++) {
          long clock = r.readVarUint();
          long len = r.readVarUint();
          ranges.add(clock, len);
        }
      }
    }
    return ds;
  }

  /** Adds all ranges of {@code other} (unsorted). */
  void addAll(DeleteSet other) {
    for (Map.Entry<Long, Ranges> e : other.clients.entrySet()) {
      Ranges src = e.getValue();
      Ranges dst = ranges(e.getKey());
      for (int i = 0; i < src.size; i++) {
        dst.add(src.clock(i), src.len(i));
      }
    }
  }

  void sortAndMerge() {
    for (Ranges r : clients.values()) {
      r.sortAndMerge();
    }
  }

  /** Writes clients in descending order, each client's ranges as they are. */
  void write(Lib0Writer w) {
    List<Long> ids = new ArrayList<>(clients.keySet());
    ids.sort((a, b) -> Long.compare(b, a));
    w.writeVarUint(ids.size());
    for (Long client : ids) {
      Ranges r = clients.get(client);
      w.writeVarUint(client);
      w.writeVarUint(r.size);
      for (int i = 0; i < r.size; i++) {
        w.writeVarUint(r.clock(i));
        w.writeVarUint(r.len(i));
      }
    }
  }
}
