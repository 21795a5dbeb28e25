package dev.parlor.gateway.access;

import dev.parlor.common.auth.AuthMessages;
import dev.parlor.common.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's copy of auth-service's token deny-list, so a connect costs no round trip: loaded
 * before the first connection is admitted, kept current by the revocations auth-service publishes,
 * and reloaded whole every sync interval in case a publication was missed.
 */
final class RevokedTokens {
  private final Vertx vertx;
  private final long timeoutMillis;
  private final Map<String, Long> forgetAt = new ConcurrentHashMap<>();
  private volatile boolean loaded;
  private Future<Void> inFlight;

  RevokedTokens(Vertx vertx, long timeoutMillis) {
    this.vertx = vertx;
    this.timeoutMillis = timeoutMillis;
  }

  boolean loaded() {
    return loaded;
  }

  boolean revoked(String jti) {
    if (jti == null) {
      return false;
    }
    Long until = forgetAt.get(jti);
    return until != null && until > System.currentTimeMillis();
  }

  void add(String jti, long untilMillis) {
    forgetAt.merge(jti, untilMillis, Math::max);
  }

  /** Reloads the whole list from auth-service; concurrent calls share one request. */
  synchronized Future<Void> sync() {
    if (inFlight != null) {
      return inFlight;
    }
    Future<Void> f = vertx.eventBus().<JsonObject>request(Addresses.AUTH,
            new JsonObject().put("op", AuthMessages.OP_REVOKED), new DeliveryOptions().setSendTimeout(timeoutMillis))
        .map(reply -> {
          JsonObject tokens = reply.body().getJsonObject("tokens", new JsonObject());
          long now = System.currentTimeMillis();
          tokens.forEach(e -> add(e.getKey(), ((Number) e.getValue()).longValue()));
          forgetAt.entrySet().removeIf(e -> e.getValue() <= now);
          loaded = true;
          return null;
        });
    inFlight = f;
    f.onComplete(ar -> {
      synchronized (this) {
        inFlight = null;
      }
    });
    return f;
  }
}
