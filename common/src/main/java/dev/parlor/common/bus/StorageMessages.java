package dev.parlor.common.bus;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary requests rooms send to persistence-service at {@link Addresses#PERSISTENCE}, and
 * their replies. Every write carries the room's fencing token; persistence-service refuses a
 * write whose token is not the room's current one ({@link #STALE}).
 *
 * <pre>
 * CLAIM    request: op, room key, node id, ttl ms  reply: status byte (OK or HELD), fence, holder, ttl ms
 * RENEW    request: op, node id, ttl ms, n, n x (room key, fence)   reply: n x status byte (OK or STALE)
 * RELEASE  request: op, room key, node id, fence   reply: status byte
 * PASS     request: op, room key, node id, fence, next node id, ttl ms
 *          reply:   as CLAIM's, for the next node (OK with its new fence), or HELD when not passed
 * LOAD     request: op, room key                 reply: fence, snapshot, n, n x update
 * APPEND   request: op, n, n x (room key, fence, update)
 *          reply:   n x (status byte, log entries int, log bytes long)
 * COMPACT  request: op, room key, fence          reply: status byte
 * </pre>
 * A room node serves a room only while it holds the room's lease (CLAIM, then RENEW well within the
 * ttl); RELEASE gives it up, PASS hands it straight to the room's next owner.
 * Strings and byte arrays are an int length and the bytes.
 */
public final class StorageMessages {
  private StorageMessages() {
  }

  public static final byte LOAD = 1;
  public static final byte APPEND = 2;
  public static final byte COMPACT = 3;
  public static final byte CLAIM = 4;
  public static final byte RENEW = 5;
  public static final byte RELEASE = 6;
  public static final byte PASS = 7;

  public static final byte OK = 0;
  public static final byte STALE = 1;
  public static final byte FAILED = 2;
  /** CLAIM: another node holds the room's lease. */
  public static final byte HELD = 3;

  /** A lease to renew. */
  public record Lease(String roomKey, long fence) {
  }

  /** The answer to CLAIM: OK with the new fence, or HELD by holder for at most ttlMillis more. */
  /** previousFence: the room's fencing token before a granted claim, for the hand-over check. */
  public record Claimed(byte status, long fence, String holder, long ttlMillis, long previousFence) {
  }

  /** One append of a batch. */
  public record Append(String roomKey, long fence, byte[] update) {
  }

  /** The answer to one append: its status and the room's log size after it. */
  public record AppendResult(byte status, int logEntries, long logBytes) {
  }

  /** What LOAD returns: the room's new fencing token, its snapshot (may be empty) and log tail. */
  public record Loaded(long fence, byte[] snapshot, List<byte[]> log) {
  }

  public static Buffer load(String roomKey) {
    return putString(Buffer.buffer().appendByte(LOAD), roomKey);
  }

  public static Buffer claim(String roomKey, String node, long ttlMillis) {
    return putString(putString(Buffer.buffer().appendByte(CLAIM), roomKey), node).appendLong(ttlMillis);
  }

  public static Buffer claimed(Claimed c) {
    return putString(Buffer.buffer().appendByte(c.status()).appendLong(c.fence()), c.holder())
        .appendLong(c.ttlMillis()).appendLong(c.previousFence());
  }

  public static Buffer renew(String node, long ttlMillis, List<Lease> leases) {
    Buffer b = putString(Buffer.buffer().appendByte(RENEW), node).appendLong(ttlMillis).appendInt(leases.size());
    leases.forEach(l -> putString(b, l.roomKey()).appendLong(l.fence()));
    return b;
  }

  public static Buffer release(String roomKey, String node, long fence) {
    return putString(putString(Buffer.buffer().appendByte(RELEASE), roomKey), node).appendLong(fence);
  }

  public static Buffer pass(String roomKey, String node, long fence, String next, long ttlMillis) {
    Buffer b = putString(putString(Buffer.buffer().appendByte(PASS), roomKey), node).appendLong(fence);
    return putString(b, next).appendLong(ttlMillis);
  }

  public static Buffer compact(String roomKey, long fence) {
    return putString(Buffer.buffer().appendByte(COMPACT), roomKey).appendLong(fence);
  }

  public static Buffer append(List<Append> batch) {
    Buffer b = Buffer.buffer(64 * batch.size()).appendByte(APPEND).appendInt(batch.size());
    for (Append a : batch) {
      putBytes(putString(b, a.roomKey()).appendLong(a.fence()), a.update());
    }
    return b;
  }

  public static Buffer loaded(Loaded l) {
    int size = 8 + 4 + l.snapshot().length + 4;
    for (byte[] u : l.log()) {
      size += 4 + u.length;
    }
    // sized up front: a megabyte appended into a growing buffer would be copied several times
    Buffer b = putBytes(Buffer.buffer(size).appendLong(l.fence()), l.snapshot()).appendInt(l.log().size());
    l.log().forEach(u -> putBytes(b, u));
    return b;
  }

  public static Buffer appendResults(List<AppendResult> results) {
    Buffer b = Buffer.buffer(13 * results.size());
    results.forEach(r -> b.appendByte(r.status()).appendInt(r.logEntries()).appendLong(r.logBytes()));
    return b;
  }

  /** A reader over a request or reply; every method throws IllegalArgumentException on bad data. */
  public static final class Reader {
    private final Buffer b;
    private int pos;

    public Reader(Buffer b) {
      this.b = b;
    }

    public byte op() {
      return readByte();
    }

    public byte readByte() {
      check(1);
      return b.getByte(pos++);
    }

    public int readInt() {
      check(4);
      int v = b.getInt(pos);
      pos += 4;
      return v;
    }

    public long readLong() {
      check(8);
      long v = b.getLong(pos);
      pos += 8;
      return v;
    }

    public byte[] readBytes() {
      int len = readInt();
      if (len < 0) {
        throw new IllegalArgumentException("negative length");
      }
      check(len);
      byte[] out = b.getBytes(pos, pos + len);
      pos += len;
      return out;
    }

    public String readString() {
      return new String(readBytes(), StandardCharsets.UTF_8);
    }

    public List<Append> appends() {
      int n = count(13);
      List<Append> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(new Append(readString(), readLong(), readBytes()));
      }
      return out;
    }

    public Claimed claimed() {
      byte status = readByte();
      long fence = readLong();
      String holder = readString();
      long ttl = readLong();
      // A persistence-service from before the hand-over of documents does not send the previous
      // token: 0 never matches one, so the room is then read from storage (a rolling upgrade).
      long previous = pos + 8 <= b.length() ? readLong() : 0;
      return new Claimed(status, fence, holder, ttl, previous);
    }

    public List<Lease> leases() {
      int n = count(12);
      List<Lease> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(new Lease(readString(), readLong()));
      }
      return out;
    }

    public Loaded loaded() {
      long fence = readLong();
      byte[] snapshot = readBytes();
      int n = count(4);
      List<byte[]> log = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        log.add(readBytes());
      }
      return new Loaded(fence, snapshot, log);
    }

    public List<AppendResult> appendResults(int n) {
      List<AppendResult> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(new AppendResult(readByte(), readInt(), readLong()));
      }
      return out;
    }

    private int count(int minBytesEach) {
      int n = readInt();
      if (n < 0 || (long) n * minBytesEach > b.length() - pos) {
        throw new IllegalArgumentException("absurd count " + n);
      }
      return n;
    }

    private void check(int n) {
      if (pos + n > b.length()) {
        throw new IllegalArgumentException("truncated storage message");
      }
    }
  }

  private static Buffer putString(Buffer b, String s) {
    return putBytes(b, s.getBytes(StandardCharsets.UTF_8));
  }

  private static Buffer putBytes(Buffer b, byte[] bytes) {
    return b.appendInt(bytes.length).appendBytes(bytes);
  }
}
