package dev.parlor.auth;

import dev.parlor.auth.acl.AclStore;
import dev.parlor.auth.acl.DenyList;
import dev.parlor.auth.keys.KeyCipher;
import dev.parlor.auth.keys.KeyManager;
import dev.parlor.common.cluster.ClusterNode;
import dev.parlor.common.redis.RedisConnector;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * auth-service: token minting, JWKS and key rotation, per-room ACLs, the token deny-list and the
 * authorize answer. Keys, ACLs and the deny-list are in Redis, so replicas are interchangeable.
 */
public final class AuthService {
  private static final Logger log = LoggerFactory.getLogger(AuthService.class);

  private AuthService() {
  }

  public static Future<KeyManager> deploy(ClusterNode node) {
    AuthSettings settings;
    KeyCipher cipher;
    try {
      settings = AuthSettings.from(node.config());
      if (settings.masterKey().isEmpty()) {
        throw new IllegalArgumentException("PARLOR_AUTH_MASTER_KEY is required: 32 random bytes in base64 "
            + "(e.g. 'openssl rand -base64 32'); it encrypts the signing keys kept in Redis");
      }
      cipher = KeyCipher.fromBase64(settings.masterKey());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (settings.appKeys().isEmpty()) {
      log.warn("PARLOR_APP_KEYS is empty: POST /v1/tokens and the ACL API refuse every request");
    }
    Redis redis = RedisConnector.create(node.vertx(), node.config());
    RedisConnector.registerHealth(node.health(), redis);
    KeyManager keys = new KeyManager(node.vertx(), redis, cipher, settings.rotationSeconds() * 1000,
        settings.refreshMillis(), settings.retainMillis(), settings.signingAlgorithm());
    return untilActive(node, keys, 50)
        .compose(r -> node.vertx().deployVerticle(new AuthVerticle(settings, keys, new AclStore(redis),
            new DenyList(redis))))
        .map(id -> keys);
  }

  /** Refreshes until a key is active (another replica may hold the lock while it makes the first). */
  private static Future<Void> untilActive(ClusterNode node, KeyManager keys, int attempts) {
    return keys.refresh().compose(r -> {
      if (r.current(System.currentTimeMillis()) != null) {
        return Future.succeededFuture();
      }
      if (attempts <= 1) {
        return Future.failedFuture("no signing key became active");
      }
      return node.vertx().timer(200).compose(t -> untilActive(node, keys, attempts - 1));
    });
  }
}
