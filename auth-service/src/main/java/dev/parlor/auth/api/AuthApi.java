package dev.parlor.auth.api;

import dev.parlor.auth.AuthSettings;
import dev.parlor.auth.acl.AclStore;
import dev.parlor.auth.acl.DenyList;
import dev.parlor.auth.keys.KeyManager;
import dev.parlor.auth.tokens.TokenMinter;
import dev.parlor.auth.tokens.TokenRequest;
import dev.parlor.common.auth.AuthMessages;
import dev.parlor.common.auth.RoomGrants;
import dev.parlor.common.bus.Addresses;
import dev.parlor.common.bus.ApiMessage;
import dev.parlor.common.bus.RoomEnvelope.Access;
import dev.parlor.common.room.RoomRef;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * auth-service's HTTP API, served on the gateway's public port through the event bus:
 * <pre>
 * GET    /.well-known/jwks.json                         public keys (no key needed)
 * POST   /v1/tokens                                     mint a token            (app key)
 * DELETE /v1/tokens/{jti}                               revoke a token          (app key)
 * GET    /v1/rooms/{party}/{room}/members               list a room's ACL       (app key)
 * GET    /v1/rooms/{party}/{room}/members/{user}        one entry               (app key)
 * PUT    /v1/rooms/{party}/{room}/members/{user}        {"access": "read"|"write"} (app key)
 * DELETE /v1/rooms/{party}/{room}/members/{user}        remove, kick live sessions (app key)
 * GET    /v1/users/{user}/rooms                         a user's rooms          (app key)
 * </pre>
 */
public final class AuthApi {
  private final AuthSettings settings;
  private final AppKeys appKeys;
  private final KeyManager keys;
  private final TokenMinter minter;
  private final AclStore acl;
  private final DenyList denyList;
  private final EventBus bus;

  public AuthApi(AuthSettings settings, KeyManager keys, AclStore acl, DenyList denyList, EventBus bus) {
    this.settings = settings;
    this.appKeys = new AppKeys(settings.appKeys());
    this.keys = keys;
    this.minter = new TokenMinter(keys, settings.issuer(), settings.audience());
    this.acl = acl;
    this.denyList = denyList;
    this.bus = bus;
  }

  public Future<Buffer> handle(ApiMessage req) {
    String[] p = segments(req.path());
    String method = req.method();
    if (p.length == 2 && p[0].equals(".well-known") && p[1].equals("jwks.json")) {
      return method.equals("GET") ? Future.succeededFuture(jwks()) : methodNotAllowed();
    }
    if (!appKeys.configured()) {
      return Future.succeededFuture(ApiMessage.error(401, "no application keys are configured (PARLOR_APP_KEYS)"));
    }
    if (!appKeys.accepts(req.header("authorization"))) {
      return Future.succeededFuture(ApiMessage.error(401, "a valid application key is required (Authorization: Bearer)"));
    }
    try {
      if (p.length == 2 && p[0].equals("v1") && p[1].equals("tokens")) {
        return method.equals("POST") ? Future.succeededFuture(mint(req)) : methodNotAllowed();
      }
      if (p.length == 3 && p[0].equals("v1") && p[1].equals("tokens")) {
        return method.equals("DELETE") ? revoke(decode(p[2])) : methodNotAllowed();
      }
      if (p.length >= 5 && p.length <= 6 && p[0].equals("v1") && p[1].equals("rooms") && p[4].equals("members")) {
        String problem = RoomRef.problem(decode(p[2]), decode(p[3]));
        if (problem != null) {
          return Future.succeededFuture(ApiMessage.error(400, problem));
        }
        RoomRef room = new RoomRef(decode(p[2]), decode(p[3]));
        if (p.length == 5) {
          return method.equals("GET") ? acl.members(room).map(m -> ApiMessage.json(200,
              new JsonObject().put("room", room.key()).put("members", m))) : methodNotAllowed();
        }
        String user = decode(p[5]);
        String userProblem = TokenRequest.userIdProblem(user);
        if (userProblem != null) {
          return Future.succeededFuture(ApiMessage.error(400, userProblem));
        }
        return switch (method) {
          case "GET" -> acl.get(room, user).map(a -> a == null ? ApiMessage.error(404, "not a member")
              : ApiMessage.json(200, member(room, user, a)));
          case "PUT" -> putMember(room, user, req.body());
          case "DELETE" -> acl.remove(room, user).map(existed -> {
            bus.publish(Addresses.AUTH_REVOCATIONS, AuthMessages.memberRevoked(user, room));
            return existed ? ApiMessage.json(200, new JsonObject().put("room", room.key()).put("user", user)
                .put("removed", true)) : ApiMessage.error(404, "not a member");
          });
          default -> methodNotAllowed();
        };
      }
      if (p.length == 4 && p[0].equals("v1") && p[1].equals("users") && p[3].equals("rooms")) {
        String user = decode(p[2]);
        String userProblem = TokenRequest.userIdProblem(user);
        if (userProblem != null) {
          return Future.succeededFuture(ApiMessage.error(400, userProblem));
        }
        return method.equals("GET") ? acl.rooms(user).map(r -> ApiMessage.json(200,
            new JsonObject().put("user", user).put("rooms", r))) : methodNotAllowed();
      }
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(ApiMessage.error(400, e.getMessage()));
    }
    return Future.succeededFuture(ApiMessage.error(404, "no such API"));
  }

  private Buffer jwks() {
    Buffer body = keys.ring().jwks(System.currentTimeMillis()).toBuffer();
    return ApiMessage.encode(new JsonObject().put("status", 200).put("headers", new JsonObject()
        .put("content-type", "application/json").put("cache-control", "public, max-age=60")), body);
  }

  private Buffer mint(ApiMessage req) {
    JsonObject body;
    try {
      body = new JsonObject(req.body());
    } catch (RuntimeException e) {
      return ApiMessage.error(400, "the body must be a JSON object");
    }
    TokenRequest parsed;
    try {
      parsed = TokenRequest.parse(body, settings.defaultTtlSeconds(), settings.maxTtlSeconds());
    } catch (TokenRequest.Invalid e) {
      return ApiMessage.error(400, e.getMessage());
    }
    TokenMinter.Minted minted = minter.mint(parsed);
    if (minted == null) {
      return ApiMessage.error(503, "no signing key is active yet; retry shortly");
    }
    return ApiMessage.json(201, minted.toJson());
  }

  private Future<Buffer> revoke(String jti) {
    if (jti.isEmpty() || jti.length() > 128) {
      return Future.succeededFuture(ApiMessage.error(400, "bad token id"));
    }
    // No token lives longer than the maximum TTL, so the entry may be forgotten after that.
    long forgetAt = System.currentTimeMillis() + (settings.maxTtlSeconds() + settings.leewaySeconds()) * 1000;
    return denyList.revoke(jti, forgetAt).map(v -> {
      bus.publish(Addresses.AUTH_REVOCATIONS, AuthMessages.tokenRevoked(jti, forgetAt));
      return ApiMessage.json(200, new JsonObject().put("jti", jti).put("revokedUntil", forgetAt / 1000));
    });
  }

  private Future<Buffer> putMember(RoomRef room, String user, Buffer body) {
    Access access;
    try {
      access = RoomGrants.parseAccess(new JsonObject(body).getValue("access"));
    } catch (RuntimeException e) {
      access = null;
    }
    if (access == null) {
      return Future.succeededFuture(ApiMessage.error(400, "the body must be {\"access\": \"read\"} or {\"access\": \"write\"}"));
    }
    Access granted = access;
    return acl.put(room, user, access).map(prev -> {
      if (prev == Access.WRITE && granted == Access.READ) {
        // A downgrade: live writers are closed and come back read-only.
        bus.publish(Addresses.AUTH_REVOCATIONS, AuthMessages.memberRevoked(user, room));
      }
      return ApiMessage.json(prev == null ? 201 : 200, member(room, user, granted));
    });
  }

  private static JsonObject member(RoomRef room, String user, Access a) {
    return new JsonObject().put("room", room.key()).put("user", user).put("access", RoomGrants.name(a));
  }

  private static Future<Buffer> methodNotAllowed() {
    return Future.succeededFuture(ApiMessage.error(405, "method not allowed"));
  }

  private static String[] segments(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.split("/", -1);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
