package dev.parlor.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.common.bus.CloseCodes;
import dev.parlor.yjs.TextUpdates;
import dev.parlor.yjs.protocol.YMessage;
import dev.parlor.yjs.protocol.YMessage.Kind;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Authentication before the upgrade, against the running services (auth-service, persistence,
 * a room node and a gateway over a real cluster, real Redis): each attack is refused with its
 * status, and no room is loaded for it.
 */
class AuthAttackMatrixTest {
  @TempDir
  static Path dir;
  static AuthParlor parlor;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> extra = new HashMap<>();
    extra.put("PARLOR_ALLOWED_ORIGINS", "https://app.example.com");
    extra.put("PARLOR_TRUST_FORWARDED_FOR", "true");
    extra.put("PARLOR_RATE_LIMIT_ADDRESS_PER_SECOND", "1");
    extra.put("PARLOR_RATE_LIMIT_ADDRESS_BURST", "5");
    extra.put("PARLOR_RATE_LIMIT_USER_PER_SECOND", "1");
    extra.put("PARLOR_RATE_LIMIT_USER_BURST", "5");
    extra.put("PARLOR_AUTH_LEEWAY_SECONDS", "5");
    parlor = new AuthParlor(dir, 1, 1, extra);
  }

  @AfterAll
  static void stop() throws Exception {
    parlor.close();
  }

  static String room(String name) {
    return "/parties/yjs/" + name;
  }

  /** Connects with a fresh client address; returns the refusal status, or -1 if it got in. */
  static int attempt(String uri, Map<String, String> headers) throws Exception {
    Map<String, String> h = new HashMap<>(headers);
    h.putIfAbsent("x-forwarded-for", parlor.newAddress());
    return RoomClient.status(parlor.clients, parlor.port(), uri, h);
  }

  static RoomClient enter(String uri, String token) throws Exception {
    RoomClient c = RoomClient.connect(parlor.clients, parlor.port(), uri + "?token=" + token,
        Map.of("x-forwarded-for", parlor.newAddress()));
    c.await(Kind.SYNC_STEP1, 5000);
    return c;
  }

  static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static JsonObject grant(String pattern, String access) {
    return new JsonObject().put(pattern, access);
  }

  /** One attack: a name, the room it targets, and how it connects (room uri to headers + uri). */
  record Attack(String name, int status, String roomId, Function<String, Request> request) {
    @Override
    public String toString() {
      return name;
    }
  }

  record Request(String uri, Map<String, String> headers) {
    static Request query(String uri, String token) {
      return new Request(uri + "?token=" + token, Map.of());
    }
  }

  interface Forge {
    String token() throws Exception;
  }

  static Function<String, Request> withToken(Forge forge) {
    return uri -> {
      try {
        return Request.query(uri, forge.token());
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    };
  }

  static Stream<Arguments> attacks() {
    return Stream.of(
        new Attack("no token", 401, "atk-none", uri -> new Request(uri, Map.of())),
        new Attack("garbage", 401, "atk-garbage", uri -> Request.query(uri, "garbage")),
        new Attack("garbage with dots", 401, "atk-dots", uri -> Request.query(uri, "a.b.c")),
        new Attack("alg none, no signature", 401, "atk-none-alg", withToken(() ->
            b64("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + parlor.currentKid() + "\"}") + "."
                + b64(AuthParlor.claims("mallory", grant("yjs/*", "write")).encode()) + ".")),
        new Attack("alg none, junk signature", 401, "atk-none-sig", withToken(() ->
            b64("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + parlor.currentKid() + "\"}") + "."
                + b64(AuthParlor.claims("mallory", grant("yjs/*", "write")).encode()) + ".c2ln")),
        new Attack("HS256 signed with the public key (algorithm confusion)", 401, "atk-hs256",
            withToken(AuthAttackMatrixTest::algorithmConfusion)),
        new Attack("wrong signature", 401, "atk-badsig", withToken(() -> {
          String good = parlor.token("alice", grant("yjs/atk-badsig", "write"));
          String other = parlor.token("alice", grant("yjs/elsewhere", "write"));
          return good.substring(0, good.lastIndexOf('.')) + other.substring(other.lastIndexOf('.'));
        })),
        new Attack("signed by another Ed25519 key under the real kid", 401, "atk-otherkey", withToken(() ->
            signWithOwnKey("EdDSA", parlor.currentKid()))),
        new Attack("ES256 under the real (Ed25519) kid", 401, "atk-otheralg", withToken(() ->
            signWithOwnKey("ES256", parlor.currentKid()))),
        new Attack("unknown kid", 401, "atk-kid", withToken(() -> signWithOwnKey("EdDSA", "no-such-kid"))),
        new Attack("unknown kid, ES256", 401, "atk-kid-es", withToken(() -> signWithOwnKey("ES256", "no-such-kid"))),
        new Attack("expired", 401, "atk-expired", withToken(() -> parlor.forge(AuthParlor.claims("bob",
            grant("yjs/atk-expired", "write")).put("exp", System.currentTimeMillis() / 1000 - 60)))),
        new Attack("not yet valid", 401, "atk-nbf", withToken(() -> parlor.forge(AuthParlor.claims("bob",
            grant("yjs/atk-nbf", "write")).put("nbf", System.currentTimeMillis() / 1000 + 3600)))),
        new Attack("wrong issuer", 401, "atk-iss", withToken(() -> parlor.forge(AuthParlor.claims("bob",
            grant("yjs/atk-iss", "write")).put("iss", "someone-else")))),
        new Attack("wrong audience", 401, "atk-aud", withToken(() -> parlor.forge(AuthParlor.claims("bob",
            grant("yjs/atk-aud", "write")).put("aud", "another-app")))),
        new Attack("no expiry", 401, "atk-noexp", withToken(() -> {
          JsonObject c = AuthParlor.claims("bob", grant("yjs/atk-noexp", "write"));
          c.remove("exp");
          return parlor.forge(c);
        })),
        new Attack("a token for another room", 403, "atk-other",
            withToken(() -> parlor.token("carol", grant("yjs/somewhere-else", "write")))),
        new Attack("exact grant doc-1 does not open doc-12", 403, "doc-12",
            withToken(() -> parlor.token("dave", grant("yjs/doc-1", "write")))),
        new Attack("grant for the same room id in another party", 403, "atk-party",
            withToken(() -> parlor.token("erin", grant("broadcast/atk-party", "write")))),
        new Attack("oversize token (Bearer header)", 401, "atk-big", uri -> {
          try {
            String t = parlor.token("frank", grant("yjs/atk-big", "write"));
            return new Request(uri, Map.of("authorization", "Bearer " + t + "x".repeat(5000 - t.length())));
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        }),
        new Attack("revoked token", 401, "atk-revoked", withToken(() -> {
          JsonObject minted = parlor.mint(new JsonObject().put("sub", "grace").put("rooms",
              grant("yjs/atk-revoked", "write")));
          var r = parlor.api(HttpMethod.DELETE, "/v1/tokens/" + minted.getString("jti"), null, AuthParlor.APP_KEY);
          assertEquals(200, r.statusCode(), r.bodyAsString());
          return minted.getString("token");
        })),
        new Attack("foreign Origin", 403, "atk-origin", uri -> {
          try {
            return new Request(uri + "?token=" + parlor.token("heidi", grant("yjs/atk-origin", "write")),
                Map.of("origin", "https://evil.example"));
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        })
    ).map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void refusedBeforeTheUpgradeWithNoRoomLoaded(Attack attack) throws Exception {
    Request r = attack.request().apply(room(attack.roomId()));
    assertEquals(attack.status(), attempt(r.uri(), r.headers()), attack.name());
    Thread.sleep(100);
    assertFalse(parlor.joinedRooms.contains("yjs/" + attack.roomId()), "no room was loaded for: " + attack.name());
  }

  static String algorithmConfusion() throws Exception {
    // The attacker knows the public key (it is published) and uses its JWKS text as an HMAC secret.
    String publicKey = parlor.api(HttpMethod.GET, "/.well-known/jwks.json", null, null).bodyAsJsonObject()
        .getJsonArray("keys").getJsonObject(0).encode();
    String signingInput = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + parlor.currentKid() + "\"}") + "."
        + b64(AuthParlor.claims("mallory", grant("yjs/*", "write")).encode());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(publicKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return signingInput + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  /** A well-formed token signed with a key of the attacker's own (alg ES256 or EdDSA), under the given kid. */
  static String signWithOwnKey(String alg, String kid) throws Exception {
    boolean ec = alg.equals("ES256");
    KeyPairGenerator gen = KeyPairGenerator.getInstance(ec ? "EC" : "Ed25519");
    if (ec) {
      gen.initialize(new ECGenParameterSpec("secp256r1"));
    }
    PrivateKey priv = gen.generateKeyPair().getPrivate();
    String signingInput = b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}") + "."
        + b64(AuthParlor.claims("mallory", grant("yjs/*", "write")).encode());
    java.security.Signature s = java.security.Signature.getInstance(ec ? "SHA256withECDSAinP1363Format" : "Ed25519");
    s.initSign(priv);
    s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
  }

  @Test
  void aValidTokenEntersByQueryOrBearerAndAPrefixGrantMatchesLongerIds() throws Exception {
    String token = parlor.token("ivan", new JsonObject().put("yjs/doc-1*", "write"));
    RoomClient byQuery = enter(room("doc-1"), token);
    RoomClient longer = enter(room("doc-12"), token);
    RoomClient byHeader = RoomClient.connect(parlor.clients, parlor.port(), room("doc-1"),
        Map.of("authorization", "Bearer " + token, "x-forwarded-for", parlor.newAddress(),
            "origin", "https://app.example.com"));
    byHeader.await(Kind.SYNC_STEP1, 5000);
    byte[] update = TextUpdates.insertText(11, "authorized");
    byQuery.send(YMessage.syncUpdate(update));
    assertArrayEquals(update, byHeader.await(Kind.SYNC_UPDATE, 5000).payload());
    assertTrue(parlor.joinedRooms.contains("yjs/doc-12"));
    byQuery.ws.close();
    longer.ws.close();
    byHeader.ws.close();
  }

  @Test
  void tooManyAttemptsFromOneAddressOrForOneUserAre429() throws Exception {
    Map<String, String> fromOne = Map.of("x-forwarded-for", "192.0.2.77");
    int refused = 0;
    for (int i = 0; i < 8; i++) {
      int s = attempt(room("rate-addr") + "?token=garbage", fromOne);
      assertTrue(s == 401 || s == 429, "status " + s);
      refused += s == 429 ? 1 : 0;
    }
    assertTrue(refused >= 2, "the address bucket (burst 5) ran dry: " + refused);
    String token = parlor.token("judy", grant("yjs/rate-user", "write"));
    int limited = 0;
    for (int i = 0; i < 8; i++) {
      int s = attempt(room("rate-user") + "?token=" + token, Map.of());
      assertTrue(s == -1 || s == 429, "status " + s);
      limited += s == 429 ? 1 : 0;
    }
    assertTrue(limited >= 2, "the user bucket (burst 5) ran dry: " + limited);
  }

  @Test
  void aclGivesAccessWhenTheTokenHasNoGrantAndItsRemovalClosesTheLiveSession() throws Exception {
    String token = parlor.token("kim", null);
    assertEquals(403, attempt(room("acl-1") + "?token=" + token, Map.of()));
    var put = parlor.api(HttpMethod.PUT, "/v1/rooms/yjs/acl-1/members/kim", new JsonObject().put("access", "write"),
        AuthParlor.APP_KEY);
    assertEquals(201, put.statusCode(), put.bodyAsString());
    RoomClient live = enter(room("acl-1"), token);
    var rooms = parlor.api(HttpMethod.GET, "/v1/users/kim/rooms", null, AuthParlor.APP_KEY).bodyAsJsonObject();
    assertEquals("write", rooms.getJsonObject("rooms").getString("yjs/acl-1"));
    var members = parlor.api(HttpMethod.GET, "/v1/rooms/yjs/acl-1/members", null, AuthParlor.APP_KEY)
        .bodyAsJsonObject();
    assertEquals("write", members.getJsonObject("members").getString("kim"));

    var del = parlor.api(HttpMethod.DELETE, "/v1/rooms/yjs/acl-1/members/kim", null, AuthParlor.APP_KEY);
    assertEquals(200, del.statusCode(), del.bodyAsString());
    assertEquals(CloseCodes.FORBIDDEN, live.awaitClose(5000), "the live session is closed at once");
    assertEquals(403, attempt(room("acl-1") + "?token=" + token, Map.of()), "and the next connect is refused");
  }

  @Test
  void revokingATokenClosesItsLiveSessionsAndRefusesTheNextConnect() throws Exception {
    JsonObject minted = parlor.mint(new JsonObject().put("sub", "liam").put("rooms", grant("yjs/rev-*", "write")));
    RoomClient a = enter(room("rev-1"), minted.getString("token"));
    RoomClient b = enter(room("rev-2"), minted.getString("token"));
    String other = parlor.token("liam", grant("yjs/rev-*", "write"));
    RoomClient untouched = enter(room("rev-1"), other);
    var r = parlor.api(HttpMethod.DELETE, "/v1/tokens/" + minted.getString("jti"), null, AuthParlor.APP_KEY);
    assertEquals(200, r.statusCode());
    assertEquals(CloseCodes.FORBIDDEN, a.awaitClose(5000));
    assertEquals(CloseCodes.FORBIDDEN, b.awaitClose(5000));
    assertEquals(401, attempt(room("rev-1") + "?token=" + minted.getString("token"), Map.of()));
    assertFalse(untouched.closeCode.isDone(), "another token of the same user stays connected");
    untouched.ws.close();
  }

  @Test
  void theApiWantsAnAppKeyAndBoundsTokens() throws Exception {
    assertEquals(401, parlor.api(HttpMethod.POST, "/v1/tokens", new JsonObject().put("sub", "x"), null).statusCode());
    assertEquals(401, parlor.api(HttpMethod.POST, "/v1/tokens", new JsonObject().put("sub", "x"), "wrong").statusCode());
    assertEquals(201, parlor.api(HttpMethod.POST, "/v1/tokens", new JsonObject().put("sub", "x"), "old-app-key")
        .statusCode(), "every configured key works, so keys can be rotated");
    assertEquals(400, parlor.api(HttpMethod.POST, "/v1/tokens", new JsonObject().put("sub", "x")
        .put("ttlSeconds", 999_999), AuthParlor.APP_KEY).statusCode());
    assertEquals(401, parlor.api(HttpMethod.PUT, "/v1/rooms/yjs/a/members/x", new JsonObject().put("access", "read"),
        null).statusCode());
    assertEquals(400, parlor.api(HttpMethod.PUT, "/v1/rooms/yjs/a/members/x", new JsonObject().put("access", "admin"),
        AuthParlor.APP_KEY).statusCode());
    JsonObject minted = parlor.mint(new JsonObject().put("sub", "x").put("ttlSeconds", 60));
    JsonObject payload = new JsonObject(new String(Base64.getUrlDecoder().decode(
        minted.getString("token").split("\\.")[1]), StandardCharsets.UTF_8));
    assertEquals(60, payload.getLong("exp") - payload.getLong("iat"));
    var jwks = parlor.api(HttpMethod.GET, "/.well-known/jwks.json", null, null);
    assertEquals(200, jwks.statusCode());
    JsonObject key = jwks.bodyAsJsonObject().getJsonArray("keys").getJsonObject(0);
    assertEquals("EdDSA", key.getString("alg"));
    assertEquals("Ed25519", key.getString("crv"));
    assertFalse(key.containsKey("d"), "no private part is published");
    String header = new String(Base64.getUrlDecoder().decode(minted.getString("token").split("\\.")[0]),
        StandardCharsets.UTF_8);
    assertTrue(header.contains(key.getString("kid")), header);
  }
}
