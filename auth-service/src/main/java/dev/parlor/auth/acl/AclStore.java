package dev.parlor.auth.acl;

import dev.parlor.common.auth.RoomGrants;
import dev.parlor.common.bus.RoomEnvelope.Access;
import dev.parlor.common.room.RoomRef;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Per-room access control lists in Redis. The room's hash {@code parlor:acl:{party/room}} (user to
 * "read"/"write") is the authority that authorize reads; {@code parlor:acl-user:{user}} (room to
 * access) is an index for listing a user's rooms, written after it. The two keys live in different
 * hash slots, so they are not written in one transaction: should the index write fail, the
 * listing lags but access decisions do not.
 */
public final class AclStore {
  private final Redis redis;

  public AclStore(Redis redis) {
    this.redis = redis;
  }

  static String roomKey(RoomRef room) {
    return "parlor:acl:{" + room.key() + "}";
  }

  static String userKey(String user) {
    return "parlor:acl-user:{" + user + "}";
  }

  /** Sets the access; returns the previous one (null if none). */
  public Future<Access> put(RoomRef room, String user, Access access) {
    return get(room, user).compose(prev -> redis.send(Request.cmd(Command.HSET).arg(roomKey(room)).arg(user)
            .arg(RoomGrants.name(access)))
        .compose(r -> redis.send(Request.cmd(Command.HSET).arg(userKey(user)).arg(room.key())
            .arg(RoomGrants.name(access))))
        .map(prev));
  }

  /** Removes the entry; true if there was one. */
  public Future<Boolean> remove(RoomRef room, String user) {
    return redis.send(Request.cmd(Command.HDEL).arg(roomKey(room)).arg(user))
        .compose(r -> redis.send(Request.cmd(Command.HDEL).arg(userKey(user)).arg(room.key()))
            .map(x -> r != null && r.toInteger() > 0));
  }

  public Future<Access> get(RoomRef room, String user) {
    return redis.send(Request.cmd(Command.HGET).arg(roomKey(room)).arg(user))
        .map(r -> r == null ? null : RoomGrants.parseAccess(r.toString()));
  }

  /** The room's members: user to access. */
  public Future<JsonObject> members(RoomRef room) {
    return hash(roomKey(room));
  }

  /** The user's rooms: "party/room" to access. */
  public Future<JsonObject> rooms(String user) {
    return hash(userKey(user));
  }

  private Future<JsonObject> hash(String key) {
    return redis.send(Request.cmd(Command.HGETALL).arg(key)).map(r -> {
      JsonObject out = new JsonObject();
      if (r != null) {
        for (String field : r.getKeys()) {
          Response v = r.get(field);
          out.put(field, v == null ? null : v.toString());
        }
      }
      return out;
    });
  }
}
