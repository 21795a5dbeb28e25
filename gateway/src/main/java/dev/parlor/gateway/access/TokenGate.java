package dev.parlor.gateway.access;

import dev.parlor.common.auth.AuthMessages;
import dev.parlor.common.auth.RoomGrants;
import dev.parlor.common.bus.Addresses;
import dev.parlor.common.bus.ApiMessage;
import dev.parlor.common.bus.RoomEnvelope.Access;
import dev.parlor.common.room.RoomRef;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access check before the upgrade when anonymous mode is off, in this order:
 * <ol>
 *   <li>Origin (browsers only) against the allow-list: 403;</li>
 *   <li>the client address's rate limit: 429;</li>
 *   <li>a token from {@code ?token=} or {@code Authorization: Bearer}, verified locally: 401;</li>
 *   <li>the token's id against the deny-list: 401;</li>
 *   <li>the user's rate limit: 429;</li>
 *   <li>access from the token's room grants (parlor's own tokens), else from auth-service's ACL
 *       (cached briefly): none is 403.</li>
 * </ol>
 * Nothing here sends anything to a room: a refused request loads no room.
 */
public final class TokenGate implements AccessGate {
  private static final Logger log = LoggerFactory.getLogger(TokenGate.class);

  private final Vertx vertx;
  private final GateSettings settings;
  private final OriginPolicy origins;
  private final TokenBuckets addressLimits;
  private final TokenBuckets userLimits;
  private final TokenVerifier verifier;
  private final RevokedTokens revoked;
  private final AuthorizeCache authorizeCache;
  private final List<IssuerKeys> allKeys;

  private TokenGate(Vertx vertx, GateSettings settings, TokenVerifier verifier, List<IssuerKeys> allKeys) {
    this.vertx = vertx;
    this.settings = settings;
    this.origins = new OriginPolicy(settings.allowedOrigins());
    this.addressLimits = new TokenBuckets(settings.addressRate(), settings.addressBurst());
    this.userLimits = new TokenBuckets(settings.userRate(), settings.userBurst());
    this.verifier = verifier;
    this.revoked = new RevokedTokens(vertx, settings.authorizeTimeoutMillis());
    this.authorizeCache = new AuthorizeCache(settings.aclCacheMillis());
    this.allKeys = allKeys;
  }

  /** Builds the gate, starts its background refreshes and its revocation listener. */
  public static TokenGate create(Vertx vertx, GateSettings settings) {
    Map<String, TokenVerifier.Issuer> issuers = new HashMap<>();
    List<IssuerKeys> keys = new java.util.ArrayList<>();
    IssuerKeys local = new IssuerKeys(vertx, settings.issuer(), () -> localJwks(vertx, settings.authorizeTimeoutMillis()),
        jwtOptions(settings.issuer(), settings.audience(), settings.leewaySeconds()), settings.jwksMinRefetchMillis(),
        settings.nativeSignatures());
    issuers.put(settings.issuer(), new TokenVerifier.Issuer(settings.issuer(), settings.audience(), true,
        Set.of("ES256", "EdDSA"), local));
    keys.add(local);
    WebClient http = settings.externalIssuers().isEmpty() ? null
        : WebClient.create(vertx, new WebClientOptions().setUserAgent("parlor-gateway").setFollowRedirects(false));
    for (GateSettings.ExternalIssuer ext : settings.externalIssuers()) {
      IssuerKeys k = new IssuerKeys(vertx, ext.issuer(), () -> http.getAbs(ext.jwksUrl())
          .timeout(settings.authorizeTimeoutMillis() * 2).send()
          .compose(resp -> resp.statusCode() == 200 ? Future.succeededFuture(resp.bodyAsJsonObject())
              : Future.failedFuture("JWKS answered " + resp.statusCode())),
          jwtOptions(ext.issuer(), ext.audience(), settings.leewaySeconds()), settings.jwksMinRefetchMillis(),
          settings.nativeSignatures());
      issuers.put(ext.issuer(), new TokenVerifier.Issuer(ext.issuer(), ext.audience(), false,
          Set.copyOf(ext.algorithms()), k));
      keys.add(k);
    }
    log.atInfo().addKeyValue("signatures", FastSignatures.backend(settings.nativeSignatures()))
        .log("ES256 and EdDSA token signatures are checked locally");
    TokenGate gate = new TokenGate(vertx, settings, new TokenVerifier(issuers, settings.maxTokenBytes(), settings.leewaySeconds(),
        settings.verifiedCacheEntries()), keys);
    gate.start();
    return gate;
  }

  private static JWTOptions jwtOptions(String issuer, String audience, int leeway) {
    return new JWTOptions().setIssuer(issuer).setAudience(List.of(audience)).setLeeway(leeway);
  }

  private static Future<JsonObject> localJwks(Vertx vertx, long timeoutMillis) {
    JsonObject head = new JsonObject().put("method", "GET").put("path", "/.well-known/jwks.json")
        .put("query", new JsonObject()).put("headers", new JsonObject());
    return vertx.eventBus().<Buffer>request(Addresses.AUTH_API, ApiMessage.encode(head, Buffer.buffer()),
            new DeliveryOptions().setSendTimeout(timeoutMillis))
        .compose(reply -> {
          ApiMessage m = ApiMessage.decode(reply.body());
          return m.status() == 200 ? Future.succeededFuture(new JsonObject(m.body()))
              : Future.failedFuture("JWKS answered " + m.status());
        });
  }

  private void start() {
    vertx.eventBus().<JsonObject>consumer(Addresses.AUTH_REVOCATIONS, this::onRevocation);
    for (IssuerKeys k : allKeys) {
      k.refetch(true);
    }
    revoked.sync();
    vertx.setPeriodic(settings.jwksRefreshMillis(), t -> allKeys.forEach(k -> k.refetch(true)));
    vertx.setPeriodic(settings.denyListSyncMillis(), t -> revoked.sync().onFailure(err ->
        log.warn("could not load the token deny-list: {}", err.toString())));
    vertx.setPeriodic(10_000, t -> {
      long now = System.nanoTime();
      addressLimits.sweep(now);
      userLimits.sweep(now);
      authorizeCache.sweep(now);
      verifier.sweep();
    });
  }

  private void onRevocation(Message<JsonObject> msg) {
    JsonObject m = msg.body();
    if (m == null) {
      return;
    }
    if (AuthMessages.KIND_TOKEN.equals(m.getString("kind")) && m.getString("jti") != null) {
      revoked.add(m.getString("jti"), m.getLong("expiresAt", Long.MAX_VALUE));
    } else if (AuthMessages.KIND_MEMBER.equals(m.getString("kind"))) {
      authorizeCache.evict(m.getString("user", ""), m.getString("room", ""));
    }
  }

  @Override
  public Future<Grant> check(ServerWebSocketHandshake handshake, RoomRef room) {
    Context ctx = Vertx.currentContext();
    long now = System.nanoTime();
    if (!origins.allows(handshake.headers().get("origin"), handshake.headers().get("host"))) {
      return denied(403, "origin not allowed");
    }
    if (!addressLimits.tryTake(clientAddress(handshake), now)) {
      return denied(429, "too many attempts from this address");
    }
    String token = token(handshake);
    if (token == null) {
      return denied(401, "no token");
    }
    Future<Void> ready = revoked.loaded() ? Future.succeededFuture() : revoked.sync();
    Future<Grant> result = ready.compose(v -> verifier.verify(token)).compose(t -> {
      if (revoked.revoked(t.tokenId())) {
        return denied(401, "token revoked");
      }
      if (!userLimits.tryTake(t.subject(), System.nanoTime())) {
        return denied(429, "too many attempts for this user");
      }
      Access fromToken = t.local() ? RoomGrants.accessFor(t.claims().getJsonObject("rooms"), room) : null;
      Future<Access> access = fromToken != null ? Future.succeededFuture(fromToken) : authorize(t.subject(), room);
      long exp = t.claims().getLong("exp") * 1000;
      return access.compose(a -> a == null ? denied(403, "no access to this room")
          : Future.succeededFuture(new Grant(t.subject(), a, t.tokenId(), exp)));
    });
    return onContext(result, ctx);
  }

  private Future<Access> authorize(String user, RoomRef room) {
    long now = System.nanoTime();
    Access cached = authorizeCache.get(user, room, now);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return vertx.eventBus().<JsonObject>request(Addresses.AUTH, AuthMessages.authorize(user, room),
            new DeliveryOptions().setSendTimeout(settings.authorizeTimeoutMillis()))
        .map(reply -> {
          Access a = RoomGrants.parseAccess(reply.body().getString("access"));
          authorizeCache.put(user, room, a, now);
          return a;
        });
  }

  private String clientAddress(ServerWebSocketHandshake handshake) {
    if (settings.trustForwardedFor()) {
      String xff = handshake.headers().get("x-forwarded-for");
      if (xff != null && !xff.isBlank()) {
        int comma = xff.indexOf(',');
        return (comma < 0 ? xff : xff.substring(0, comma)).trim();
      }
    }
    return handshake.remoteAddress() == null ? "unknown" : handshake.remoteAddress().hostAddress();
  }

  /** The token from {@code ?token=} (browsers cannot set headers on a WebSocket) or the Bearer header. */
  static String token(ServerWebSocketHandshake handshake) {
    String query = handshake.query();
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("token=")) {
          String v = pair.substring(6);
          // A JWT is base64url and dots: decoding (only % escapes and +) is skipped when it would change nothing.
          if (v.indexOf('%') >= 0 || v.indexOf('+') >= 0) {
            try {
              v = URLDecoder.decode(v, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
              return v;
            }
          }
          return v.isEmpty() ? null : v;
        }
      }
    }
    String auth = handshake.headers().get("authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String v = auth.substring(7).trim();
      return v.isEmpty() ? null : v;
    }
    return null;
  }

  private static <T> Future<T> denied(int status, String reason) {
    return Future.failedFuture(new AccessDenied(status, reason));
  }

  /** Completes on the handshake's own event loop, whichever thread finished the work. */
  private static <T> Future<T> onContext(Future<T> f, Context ctx) {
    if (ctx == null || f.isComplete()) {
      return f;
    }
    Promise<T> p = Promise.promise();
    f.onComplete(ar -> {
      if (Vertx.currentContext() == ctx) {
        p.handle(ar);
      } else {
        ctx.runOnContext(v -> p.handle(ar));
      }
    });
    return p.future();
  }
}
