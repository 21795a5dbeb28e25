package dev.parlor.persistence.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Every room read and write Parlor makes in Redis. Writes that change a room's document carry the
 * room's fencing token and are refused by their script when it is not the current one.
 */
public final class RoomDataStore {
  /** The answer to one append. */
  public record AppendOutcome(boolean accepted, int logEntries, long logBytes) {
  }

  /**
   * The answer to a claim: granted with the room's new fencing token, or refused while {@code holder}
   * holds the lease (for {@code ttlMillis} more at most, unless it renews).
   */
  /** previousFence: the room's token before this claim (0 when refused or never claimed). */
  public record LeaseClaim(boolean granted, long fence, String holder, long ttlMillis, long previousFence) {
  }

  private static final LuaScript CLAIM = new LuaScript("claim");
  private static final LuaScript RENEW = new LuaScript("renew");
  private static final LuaScript RELEASE = new LuaScript("release");
  private static final LuaScript PASS = new LuaScript("pass");
  private static final LuaScript APPEND = new LuaScript("append");
  private static final LuaScript COMPACT = new LuaScript("compact");
  private static final LuaScript IMPORT = new LuaScript("import");

  private final Redis redis;

  public RoomDataStore(Redis redis) {
    this.redis = redis;
  }

  /**
   * Makes node the room's owner under a new fencing token and a lease of ttlMillis, unless another
   * node holds the lease. Earlier owners' writes are refused from then on.
   */
  public Future<LeaseClaim> claim(String roomKey, String node, long ttlMillis) {
    RoomKeys keys = RoomKeys.of(roomKey);
    return redis.send(Request.cmd(Command.INCR).arg(RoomKeys.FENCE_SEQUENCE))
        .compose(seq -> CLAIM.run(redis, new String[] {keys.meta(), keys.lease()}, seq.toString(), node, ttlMillis))
        .map(r -> r.get(0).toInteger() == 1
            ? new LeaseClaim(true, Long.parseLong(r.get(1).toString()), node, r.get(2).toLong(),
                Long.parseLong(r.get(3).toString()))
            : new LeaseClaim(false, 0, r.get(1).toString(), Math.max(0, r.get(2).toLong()), 0));
  }

  /** Extends node's lease of the room by ttlMillis; false when the lease is gone or another's. */
  public Future<Boolean> renew(String roomKey, String node, long fence, long ttlMillis) {
    return RENEW.run(redis, new String[] {RoomKeys.of(roomKey).lease()}, node + " " + fence, ttlMillis)
        .map(r -> r.toInteger() == 1);
  }

  /** Gives node's lease of the room up; false when it was not (or no longer) node's. */
  public Future<Boolean> release(String roomKey, String node, long fence) {
    return RELEASE.run(redis, new String[] {RoomKeys.of(roomKey).lease()}, node + " " + fence)
        .map(r -> r.toInteger() == 1);
  }

  /**
   * Passes node's lease of the room (under fence) to the next node, under a new fencing token and
   * a lease of ttlMillis; refused (not granted) when the lease is not, or no longer, node's.
   */
  public Future<LeaseClaim> pass(String roomKey, String node, long fence, String next, long ttlMillis) {
    RoomKeys keys = RoomKeys.of(roomKey);
    return redis.send(Request.cmd(Command.INCR).arg(RoomKeys.FENCE_SEQUENCE))
        .compose(seq -> PASS.run(redis, new String[] {keys.meta(), keys.lease()}, seq.toString(), node + " " + fence,
            next, ttlMillis))
        .map(r -> r.get(0).toInteger() == 1
            ? new LeaseClaim(true, Long.parseLong(r.get(1).toString()), next, ttlMillis, fence)
            : new LeaseClaim(false, 0, "", 0, 0));
  }

  /** The node holding the room's lease and the lease's time left in ms, or null when none does. */
  public Future<JsonObject> owner(String roomKey) {
    String lease = RoomKeys.of(roomKey).lease();
    return redis.send(Request.cmd(Command.GET).arg(lease)).compose(v -> {
      if (v == null) {
        return Future.succeededFuture(null);
      }
      String[] parts = v.toString().split(" ", 2);
      return redis.send(Request.cmd(Command.PTTL).arg(lease)).map(ttl -> new JsonObject()
          .put("node", parts[0]).put("fence", Long.parseLong(parts[1])).put("leaseMillisLeft", ttl.toLong()));
    });
  }

  /** Reads the room as stored (ownership is claimed separately, with {@link #claim}). */
  public Future<StoredRoom> read(String roomKey) {
    return load(roomKey);
  }

  /**
   * One transaction (MULTI ... EXEC: a consistent view, on Redis Cluster too since the keys share a
   * slot) rather than a script: Redis writes a script's reply of 1,000 stream entries in thousands of
   * small pieces and spends ~5 ms building it, where a plain XRANGE costs ~1 ms. Entries the snapshot
   * already covers (a compaction whose trim failed) are skipped here.
   */
  private Future<StoredRoom> load(String roomKey) {
    RoomKeys keys = RoomKeys.of(roomKey);
    return redis.batch(List.of(Request.cmd(Command.MULTI),
        Request.cmd(Command.HGET).arg(keys.meta()).arg("fence"),
        Request.cmd(Command.GET).arg(keys.snapshot()),
        Request.cmd(Command.XRANGE).arg(keys.log()).arg("-").arg("+"),
        Request.cmd(Command.EXEC))).map(replies -> {
          Response r = replies.get(replies.size() - 1);
          long fence = r.get(0) == null ? 0 : Long.parseLong(r.get(0).toString());
          String covered = "0-0";
          byte[] snapshot = new byte[0];
          if (r.get(1) != null) {
            // the snapshot ("<covered id>\n<update>") is copied once, out of the reply's buffer
            Buffer raw = r.get(1).toBuffer();
            int nl = indexOf(raw, (byte) '\n');
            covered = raw.getString(0, nl, "US-ASCII");
            snapshot = raw.getBytes(nl + 1, raw.length());
          }
          Response entries = r.get(2); // [id, [field, value, ...]] per entry
          List<String> ids = new ArrayList<>(entries.size());
          List<byte[]> updates = new ArrayList<>(entries.size());
          long bytes = 0;
          for (Response entry : entries) {
            String id = entry.get(0).toString();
            if (compareIds(id, covered) <= 0) {
              continue;
            }
            byte[] u = field(entry.get(1), "u");
            ids.add(id);
            updates.add(u);
            bytes += u.length;
          }
          return new StoredRoom(fence, covered, snapshot, ids, updates, bytes);
        });
  }

  private static byte[] field(Response fields, String name) {
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      if (name.equals(fields.get(i).toString())) {
        return fields.get(i + 1).toBytes();
      }
    }
    throw new IllegalStateException("log entry without field " + name);
  }

  /** Orders stream ids ("ms-seq") as Redis does. */
  static int compareIds(String a, String b) {
    int da = a.indexOf('-');
    int db = b.indexOf('-');
    int c = Long.compare(Long.parseLong(a.substring(0, da)), Long.parseLong(b.substring(0, db)));
    return c != 0 ? c : Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
  }

  public Future<AppendOutcome> append(String roomKey, long fence, byte[] update) {
    return append(roomKey, fence, List.of(update));
  }

  /** Appends several updates of one room in one script call: all in order, or none (stale token). */
  public Future<AppendOutcome> append(String roomKey, long fence, List<byte[]> updates) {
    RoomKeys keys = RoomKeys.of(roomKey);
    Object[] args = new Object[updates.size() + 1];
    args[0] = fence;
    for (int i = 0; i < updates.size(); i++) {
      args[i + 1] = updates.get(i);
    }
    return APPEND.run(redis, new String[] {keys.meta(), keys.log()}, args)
        .map(r -> new AppendOutcome(r.get(0).toInteger() == 1, r.get(1).toInteger(), r.get(2).toLong()));
  }

  /**
   * Replaces the snapshot with one covering the log up to coveredId and trims those entries;
   * false when the fencing token is stale (nothing is written then).
   */
  public Future<Boolean> commitCompaction(String roomKey, long fence, String coveredId, byte[] snapshot,
                                          long foldedBytes) {
    return commitCompaction(roomKey, fence, coveredId, snapshot, foldedBytes, nextId(coveredId));
  }

  /** As above with an explicit trim point; tests pass a bad one to fail the step midway. */
  Future<Boolean> commitCompaction(String roomKey, long fence, String coveredId, byte[] snapshot,
                                   long foldedBytes, String trimMinId) {
    return COMPACT.run(redis, RoomKeys.of(roomKey).all(), fence, coveredId, snapshot, trimMinId, foldedBytes,
        System.currentTimeMillis()).map(r -> r.toInteger() == 1);
  }

  /** Stores an imported document; false when the room has data and overwrite is off. */
  public Future<Boolean> importDocument(String roomKey, byte[] update, boolean overwrite) {
    return redis.send(Request.cmd(Command.INCR).arg(RoomKeys.FENCE_SEQUENCE))
        .compose(fence -> IMPORT.run(redis, RoomKeys.of(roomKey).all(), fence.toString(), overwrite ? "1" : "0",
            update, System.currentTimeMillis()))
        .compose(r -> r.toInteger() == 1 ? indexRoom(roomKey).map(true) : Future.succeededFuture(false));
  }

  /** Deletes every key of the room; true when there was something to delete. */
  public Future<Boolean> delete(String roomKey) {
    RoomKeys keys = RoomKeys.of(roomKey);
    return redis.send(Request.cmd(Command.DEL).arg(keys.meta()).arg(keys.snapshot()).arg(keys.log()))
        .compose(n -> redis.send(Request.cmd(Command.ZREM).arg(RoomKeys.ROOM_INDEX).arg(roomKey))
            .map(v -> n.toInteger() > 0));
  }

  public Future<Void> indexRoom(String roomKey) {
    return redis.send(Request.cmd(Command.ZADD).arg(RoomKeys.ROOM_INDEX).arg("NX")
        .arg(System.currentTimeMillis()).arg(roomKey)).mapEmpty();
  }

  /** A room's sizes and compaction time, or null when it has no data. */
  public Future<JsonObject> stats(String roomKey) {
    return redis.send(Request.cmd(Command.HGETALL).arg(RoomKeys.of(roomKey).meta())).map(r -> {
      if (r == null || r.size() == 0) {
        return null;
      }
      JsonObject meta = new JsonObject();
      for (String field : r.getKeys()) {
        meta.put(field, r.get(field).toLong());
      }
      return emptyStats(roomKey)
          .put("snapshotBytes", meta.getLong("snapshotBytes", 0L))
          .put("logEntries", meta.getLong("logEntries", 0L))
          .put("logBytes", meta.getLong("logBytes", 0L))
          .put("lastCompaction", meta.getLong("lastCompaction", 0L))
          .put("fence", meta.getLong("fence", 0L));
    });
  }

  /** The stats of a room with nothing stored. */
  public static JsonObject emptyStats(String roomKey) {
    int slash = roomKey.indexOf('/');
    return new JsonObject().put("party", roomKey.substring(0, slash)).put("room", roomKey.substring(slash + 1))
        .put("snapshotBytes", 0L).put("logEntries", 0L).put("logBytes", 0L).put("lastCompaction", 0L)
        .put("fence", 0L);
  }

  /** Rooms in the index, in the order they were first stored, with their stats. */
  public Future<JsonArray> list(int offset, int limit) {
    return redis.send(Request.cmd(Command.ZRANGE).arg(RoomKeys.ROOM_INDEX).arg(offset).arg(offset + limit - 1))
        .compose(r -> {
          List<Future<JsonObject>> all = new ArrayList<>();
          for (Response key : r) {
            all.add(stats(key.toString()));
          }
          return Future.all(all).map(cf -> {
            JsonArray out = new JsonArray();
            for (int i = 0; i < all.size(); i++) {
              if (cf.resultAt(i) != null) {
                out.add(cf.resultAt(i));
              }
            }
            return out;
          });
        });
  }

  /** The smallest stream id after id (XTRIM MINID keeps ids at or above it). */
  static String nextId(String id) {
    int dash = id.indexOf('-');
    return id.substring(0, dash) + "-" + (Long.parseLong(id.substring(dash + 1)) + 1);
  }

  private static int indexOf(Buffer a, byte b) {
    for (int i = 0; i < a.length(); i++) {
      if (a.getByte(i) == b) {
        return i;
      }
    }
    throw new IllegalStateException("snapshot without a covered id");
  }
}
