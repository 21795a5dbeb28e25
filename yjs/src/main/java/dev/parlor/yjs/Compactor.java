package dev.parlor.yjs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compaction: what a fresh {@code gc: true} Y.Doc holds after applying the updates, without
 * building the document's lists. It works out, like Yjs's integration would:
 *
 * <ol>
 *   <li>which structs a document can integrate (all their dependencies present, no gap before them
 *       in their client's clocks); the rest stay pending and are written back unchanged;
 *   <li>each integrated item's parent and map key (inherited from its origin or right origin when
 *       not written); items anchored on a GC, or whose parent is not a live type, become GC;
 *   <li>what is deleted: the delete sets, values overwritten in a map (the last item of a key in
 *       Yjs's order wins) and everything inside a deleted type (which becomes GC);
 * </ol>
 *
 * then {@link CompactOutput} writes it with deleted content dropped and neighbours merged.
 */
final class Compactor {
  /** The structs of one client, sorted by clock, without overlaps (gaps allowed). */
  static final class Client {
    final long id;
    Struct[] structs;
    long[] clocks;
    int size;
    /** Structs [0, next) are integrated; {@code state} is the clock they reach. */
    int next;
    long state;
    List<Client> waiters;

    Client(long id) {
      this.id = id;
      structs = new Struct[4];
    }

    void add(Struct s) {
      if (size == structs.length) {
        structs = Arrays.copyOf(structs, size * 2);
      }
      structs[size++] = s;
    }

    /** Index of the struct containing {@code clock}, or -1. */
    int find(long clock) {
      int lo = 0;
      int hi = size - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        Struct s = structs[mid];
        if (s.clock <= clock) {
          if (clock < s.end()) {
            return mid;
          }
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return -1;
    }
  }

  final Map<Long, Client> clients = new HashMap<>();
  final DeleteSet ds = new DeleteSet();
  /** Integrated items in integration order (dependencies first). */
  final List<Struct> integrated = new ArrayList<>();

  static byte[] compact(List<byte[]> updates) {
    Compactor c = new Compactor();
    int size = 0;
    for (byte[] u : updates) {
      c.collect(ParsedUpdate.parse(u));
      size += u.length;
    }
    c.ds.sortAndMerge();
    c.sortClients();
    c.integrate();
    c.resolve();
    MapWinners.markOverwritten(c.integrated);
    c.collectDeletedTypes();
    return new CompactOutput(c).write(size);
  }

  private void collect(ParsedUpdate u) {
    for (Struct s : u.structs) {
      if (s.kind == Struct.SKIP) {
        continue;
      }
      if (s.length <= 0) {
        throw new YjsFormatException("empty struct " + s, 0);
      }
      clients.computeIfAbsent(s.client, Client::new).add(s);
    }
    ds.addAll(u.ds);
  }

  /** Sorts each client's structs by clock and removes overlaps (the first update wins, Items before GCs). */
  private void sortClients() {
    for (Client c : clients.values()) {
      Struct[] a = c.structs;
      boolean sorted = true;
      for (int i = 1; i < c.size && sorted; i++) {
        sorted = a[i - 1].end() <= a[i].clock;
      }
      if (!sorted) {
        Struct[] copy = Arrays.copyOf(a, c.size);
        Arrays.sort(copy, (x, y) -> x.clock != y.clock ? Long.compare(x.clock, y.clock)
            : Integer.compare(y.kind, x.kind)); // stable; ITEM (1) before GC (0)
        int n = 0;
        long end = Long.MIN_VALUE;
        for (Struct s : copy) {
          if (s.end() <= end) {
            continue;
          }
          if (s.clock < end) {
            s = s.sliceFrom(end - s.clock);
          }
          copy[n++] = s;
          end = s.end();
        }
        c.structs = copy;
        c.size = n;
      }
      c.clocks = new long[c.size];
      for (int i = 0; i < c.size; i++) {
        c.clocks[i] = c.structs[i].clock;
      }
    }
  }

  /** Integrates what can be integrated, in an order where dependencies come first. */
  private void integrate() {
    ArrayDeque<Client> work = new ArrayDeque<>(clients.values());
    while (!work.isEmpty()) {
      Client c = work.poll();
      boolean advanced = false;
      while (c.next < c.size) {
        Struct s = c.structs[c.next];
        if (s.clock != c.state) {
          break; // gap: the rest of this client stays pending
        }
        Client blocker = missingDependency(s);
        if (blocker != null) {
          if (blocker.waiters == null) {
            blocker.waiters = new ArrayList<>(2);
          }
          blocker.waiters.add(c);
          break;
        }
        s.state = Struct.INTEGRATED;
        if (s.kind == Struct.ITEM) {
          integrated.add(s);
        }
        c.state = s.end();
        c.next++;
        advanced = true;
      }
      if (advanced && c.waiters != null) {
        work.addAll(c.waiters);
        c.waiters = null;
      }
    }
  }

  /** The client whose structs {@code s} still waits for, or null when it can be integrated. */
  private Client missingDependency(Struct s) {
    if (s.kind != Struct.ITEM) {
      return null;
    }
    if (s.hasOrigin) {
      Client c = dependency(s, s.originClient, s.originClock);
      if (c != null) {
        return c;
      }
    }
    if (s.hasRightOrigin) {
      Client c = dependency(s, s.rightClient, s.rightClock);
      if (c != null) {
        return c;
      }
    }
    if (s.parentKind == Struct.PARENT_ID) {
      return dependency(s, s.parentClient, s.parentClock);
    }
    return null;
  }

  private static final Client NOWHERE = new Client(-1);

  private Client dependency(Struct s, long client, long clock) {
    if (client == s.client) {
      if (clock >= s.clock) {
        throw new YjsFormatException("item " + s + " refers to " + client + ":" + clock
            + ", which comes after it", 0);
      }
      return null;
    }
    Client c = clients.get(client);
    if (c == null) {
      return NOWHERE;
    }
    return clock < c.state ? null : c;
  }

  Struct structAt(long client, long clock) {
    Client c = clients.get(client);
    int i = c.find(clock);
    return c.structs[i];
  }

  /** Parent and key of every integrated item, in integration order; unresolvable ones become GC. */
  private void resolve() {
    for (Struct s : integrated) {
      Struct left = s.hasOrigin ? structAt(s.originClient, s.originClock) : null;
      Struct right = s.hasRightOrigin ? structAt(s.rightClient, s.rightClock) : null;
      if (collected(left) || collected(right)) {
        s.state = Struct.COLLECTED;
      } else if (left != null || right != null) {
        // an item with neighbours takes parent and key from them
        Struct from = left != null ? left : right;
        s.parent = from.parent;
        s.key = from.key;
      } else if (s.parentKind == Struct.PARENT_ROOT) {
        s.parent = Utf8.decode(s.meta, s.parentNameOff, s.parentNameLen);
        s.key = s.hasParentSub() ? Utf8.decode(s.meta, s.subOff, s.subLen) : null;
      } else {
        Struct type = structAt(s.parentClient, s.parentClock);
        if (collected(type) || type.kind != Struct.ITEM || type.contentRef != ItemContent.TYPE) {
          s.state = Struct.COLLECTED;
        } else {
          s.parent = type;
          s.key = s.hasParentSub() ? Utf8.decode(s.meta, s.subOff, s.subLen) : null;
        }
      }
    }
  }

  private static boolean collected(Struct s) {
    return s != null && (s.kind == Struct.GC || s.state == Struct.COLLECTED);
  }

  /** Everything inside a deleted type becomes GC, recursively. */
  private void collectDeletedTypes() {
    Map<Struct, List<Struct>> children = null;
    ArrayDeque<Struct> deletedTypes = new ArrayDeque<>();
    for (Struct s : integrated) {
      if (s.state != Struct.INTEGRATED) {
        continue;
      }
      if (s.contentRef == ItemContent.TYPE && (s.overwritten || deletedBySet(s))) {
        deletedTypes.add(s);
      }
      if (s.parent instanceof Struct) {
        if (children == null) {
          children = new HashMap<>();
        }
        children.computeIfAbsent((Struct) s.parent, k -> new ArrayList<>()).add(s);
      }
    }
    while (!deletedTypes.isEmpty()) {
      Struct t = deletedTypes.poll();
      List<Struct> kids = children == null ? null : children.get(t);
      if (kids == null) {
        continue;
      }
      for (Struct k : kids) {
        if (k.state == Struct.COLLECTED) {
          continue;
        }
        k.state = Struct.COLLECTED;
        if (k.contentRef == ItemContent.TYPE) {
          deletedTypes.add(k);
        }
      }
    }
  }

  private boolean deletedBySet(Struct s) {
    DeleteSet.Ranges r = ds.clients.get(s.client);
    if (r == null) {
      return false;
    }
    int lo = 0;
    int hi = r.size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long c = r.clock(mid);
      if (c <= s.clock) {
        if (s.clock < c + r.len(mid)) {
          return true;
        }
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return false;
  }
}
