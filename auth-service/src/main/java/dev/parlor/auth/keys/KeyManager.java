package dev.parlor.auth.keys;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys of every auth-service replica, kept in Redis (hash {@code parlor:auth:keys}, one
 * field per kid, the private part sealed with the master key). Each replica reloads them every
 * refresh interval; the replica that holds the rotation lock creates the next key ahead of its
 * activation and deletes keys no token can still need. All replicas derive the current key from
 * the same keys and the clock, so they all sign with the same key.
 */
public final class KeyManager {
  private static final Logger log = LoggerFactory.getLogger(KeyManager.class);
  public static final String KEYS = "parlor:auth:keys";
  static final String LOCK = "parlor:auth:keys:lock";

  private final Vertx vertx;
  private final Redis redis;
  private final KeyCipher cipher;
  private final long rotationMillis;
  private final long publishAheadMillis;
  private final long retainMillis;
  private final String signingAlgorithm;
  private final String replicaId = UUID.randomUUID().toString();
  private final Map<String, JWTAuth> signers = new HashMap<>();
  private volatile KeyRing ring;

  /** signingAlgorithm: what new keys are made for (KeyMaterial.ALGORITHMS); existing keys keep theirs. */
  public KeyManager(Vertx vertx, Redis redis, KeyCipher cipher, long rotationMillis, long refreshMillis,
                    long retainMillis, String signingAlgorithm) {
    this.vertx = vertx;
    this.redis = redis;
    this.cipher = cipher;
    this.rotationMillis = rotationMillis;
    this.publishAheadMillis = Math.max(1000, 3 * refreshMillis);
    this.retainMillis = retainMillis;
    this.signingAlgorithm = signingAlgorithm;
    this.ring = new KeyRing(List.of(), rotationMillis, publishAheadMillis, retainMillis);
  }

  public KeyRing ring() {
    return ring;
  }

  /** Loads the keys, rotates if due (under the lock), deletes retired keys. */
  public Future<KeyRing> refresh() {
    return load().compose(r -> {
      long now = System.currentTimeMillis();
      List<StoredKey> retired = r.retired(now);
      boolean rotate = r.needsNewKey(now);
      if (!rotate && retired.isEmpty()) {
        return Future.succeededFuture(r);
      }
      return lock().compose(locked -> {
        if (!locked) {
          return Future.succeededFuture(r);
        }
        List<Future<?>> writes = new ArrayList<>();
        if (rotate) {
          StoredKey k = KeyMaterial.generate(cipher, now, r.nextActiveFrom(now), signingAlgorithm);
          log.atInfo().addKeyValue("kid", k.kid()).addKeyValue("alg", k.alg()).addKeyValue("activeFrom", k.activeFrom())
              .log("new signing key");
          writes.add(redis.send(Request.cmd(Command.HSET).arg(KEYS).arg(k.kid()).arg(k.toJson().encode())));
        }
        for (StoredKey k : retired) {
          log.atInfo().addKeyValue("kid", k.kid()).log("signing key retired from JWKS");
          writes.add(redis.send(Request.cmd(Command.HDEL).arg(KEYS).arg(k.kid())));
        }
        return Future.all(writes).compose(v -> unlock()).compose(v -> load());
      });
    });
  }

  private Future<KeyRing> load() {
    return redis.send(Request.cmd(Command.HGETALL).arg(KEYS)).map(resp -> {
      List<StoredKey> keys = new ArrayList<>();
      if (resp != null) {
        for (String field : resp.getKeys()) {
          Response v = resp.get(field);
          try {
            keys.add(StoredKey.fromJson(new JsonObject(v.toString())));
          } catch (RuntimeException e) {
            log.warn("ignored an unreadable key {} in Redis: {}", field, e.toString());
          }
        }
      }
      KeyRing r = new KeyRing(keys, rotationMillis, publishAheadMillis, retainMillis);
      ring = r;
      synchronized (signers) {
        signers.keySet().removeIf(kid -> r.keys().stream().noneMatch(k -> k.kid().equals(kid)));
      }
      return r;
    });
  }

  private Future<Boolean> lock() {
    return redis.send(Request.cmd(Command.SET).arg(LOCK).arg(replicaId).arg("NX").arg("PX").arg(10_000))
        .map(r -> r != null && "OK".equals(r.toString()));
  }

  private Future<Void> unlock() {
    String script = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";
    return redis.send(Request.cmd(Command.EVAL).arg(script).arg(1).arg(LOCK).arg(replicaId)).mapEmpty();
  }

  /** The signer of the current key, or null when no key is active yet. */
  public Signer current() {
    long now = System.currentTimeMillis();
    StoredKey key = ring.current(now);
    if (key == null) {
      return null;
    }
    JWTAuth auth;
    synchronized (signers) {
      auth = signers.computeIfAbsent(key.kid(), kid -> JWTAuth.create(vertx,
          new JWTAuthOptions().addJwk(KeyMaterial.privateJwk(cipher, key))));
    }
    return new Signer(key, auth);
  }

  /** A key and its JWT signer. */
  public record Signer(StoredKey key, JWTAuth auth) {
  }
}
