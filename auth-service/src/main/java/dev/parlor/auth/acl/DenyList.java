package dev.parlor.auth.acl;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Revoked token ids: a sorted set {@code parlor:auth:revoked} of jti scored by the time the entry
 * may be forgotten (the token's latest possible expiry). Expired entries are trimmed on each write
 * and each listing.
 */
public final class DenyList {
  static final String KEY = "parlor:auth:revoked";
  private final Redis redis;

  public DenyList(Redis redis) {
    this.redis = redis;
  }

  public Future<Void> revoke(String jti, long forgetAtMillis) {
    return trim().compose(v -> redis.send(Request.cmd(Command.ZADD).arg(KEY).arg(forgetAtMillis).arg(jti)))
        .mapEmpty();
  }

  /** jti to forget-at millis, for the entries still in force. */
  public Future<JsonObject> list() {
    return trim().compose(v -> redis.send(Request.cmd(Command.ZRANGE).arg(KEY).arg(0).arg(-1).arg("WITHSCORES")))
        .map(r -> {
          JsonObject out = new JsonObject();
          if (r == null) {
            return out;
          }
          // RESP3 answers pairs; RESP2 answers a flat list.
          int n = r.size();
          if (n > 0 && r.get(0).type() == io.vertx.redis.client.ResponseType.MULTI) {
            for (Response pair : r) {
              out.put(pair.get(0).toString(), (long) Double.parseDouble(pair.get(1).toString()));
            }
          } else {
            for (int i = 0; i + 1 < n; i += 2) {
              out.put(r.get(i).toString(), (long) Double.parseDouble(r.get(i + 1).toString()));
            }
          }
          return out;
        });
  }

  private Future<Void> trim() {
    return redis.send(Request.cmd(Command.ZREMRANGEBYSCORE).arg(KEY).arg("-inf").arg(System.currentTimeMillis()))
        .mapEmpty();
  }
}
