package dev.parlor.gateway.access;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One issuer's public keys, cached: a JWT verifier built from its JWKS, rebuilt when the JWKS is
 * fetched again. The JWKS is fetched at start, every refresh interval, and when a token names a kid
 * the cache does not know — at most once per minimum interval, however many such tokens arrive,
 * and never per connection otherwise. Concurrent misses share one fetch.
 */
final class IssuerKeys {
  private static final Logger log = LoggerFactory.getLogger(IssuerKeys.class);
  private static final Set<String> ASYMMETRIC_KTY = Set.of("RSA", "EC", "OKP");

  private final Vertx vertx;
  private final String issuer;
  private final Supplier<Future<JsonObject>> fetch;
  private final JWTOptions options;
  private final long minRefetchNanos;
  private final boolean nativeChecks;
  private volatile Snapshot snapshot = new Snapshot(Set.of(), null, Map.of());
  private Future<Snapshot> inFlight;
  private long lastFetchNanos = System.nanoTime() - (1L << 60);
  private final List<Runnable> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The keys of one JWKS: their kids, a vertx-auth-jwt verifier of all, and fast verifiers by kid. */
  record Snapshot(Set<String> kids, JWTAuth auth, Map<String, FastSignatures.Verifier> fast) {
    boolean has(String kid) {
      return auth != null && (kid == null ? !kids.isEmpty() : kids.contains(kid));
    }
  }

  IssuerKeys(Vertx vertx, String issuer, Supplier<Future<JsonObject>> fetch, JWTOptions options,
             long minRefetchMillis, boolean nativeChecks) {
    this.vertx = vertx;
    this.issuer = issuer;
    this.fetch = fetch;
    this.options = options;
    this.minRefetchNanos = minRefetchMillis * 1_000_000L;
    this.nativeChecks = nativeChecks;
  }

  /** Called whenever the set of keys changes (cached verifications must then be dropped). */
  void onChange(Runnable listener) {
    changeListeners.add(listener);
  }

  /** Keys that know this kid (null kid: any key), fetching the JWKS again if needed; null if none. */
  Future<Snapshot> keysFor(String kid) {
    Snapshot s = snapshot;
    if (s.has(kid)) {
      return Future.succeededFuture(s);
    }
    return refetch(false).map(n -> n.has(kid) ? n : null);
  }

  /** Fetches the JWKS unless one was fetched within the minimum interval (force: always). */
  synchronized Future<Snapshot> refetch(boolean force) {
    if (inFlight != null) {
      return inFlight;
    }
    long now = System.nanoTime();
    if (!force && now - lastFetchNanos < minRefetchNanos) {
      return Future.succeededFuture(snapshot);
    }
    lastFetchNanos = now;
    Future<Snapshot> f = fetch.get().map(this::install);
    inFlight = f;
    f.onComplete(ar -> {
      synchronized (this) {
        inFlight = null;
      }
      if (ar.failed()) {
        log.atWarn().addKeyValue("issuer", issuer).log("could not fetch JWKS: {}", ar.cause().toString());
      }
    });
    return f;
  }

  private Snapshot install(JsonObject jwks) {
    JsonArray keys = jwks.getJsonArray("keys", new JsonArray());
    List<JsonObject> usable = new ArrayList<>();
    Set<String> kids = new HashSet<>();
    Map<String, FastSignatures.Verifier> fast = new HashMap<>();
    for (Object o : keys) {
      if (o instanceof JsonObject k && ASYMMETRIC_KTY.contains(k.getString("kty"))
          && (k.getString("use") == null || "sig".equals(k.getString("use")))) {
        usable.add(k);
        kids.add(k.getString("kid", ""));
        FastSignatures.Verifier v = FastSignatures.forJwk(k, nativeChecks);
        if (v != null && k.getString("kid") != null) {
          fast.put(k.getString("kid"), v);
        }
      }
    }
    JWTAuth auth = JWTAuth.create(vertx, new JWTAuthOptions().setJWTOptions(options).setJwks(usable));
    Snapshot s = new Snapshot(Set.copyOf(kids), auth, Map.copyOf(fast));
    boolean changed = !kids.equals(snapshot.kids());
    snapshot = s;
    if (changed) {
      log.atInfo().addKeyValue("issuer", issuer).addKeyValue("kids", kids).log("JWKS loaded");
      changeListeners.forEach(Runnable::run);
    }
    return s;
  }
}
