package dev.parlor.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.auth.keys.KeyCipher;
import dev.parlor.auth.keys.KeyMaterial;
import dev.parlor.auth.keys.StoredKey;
import dev.parlor.yjs.TextUpdates;
import dev.parlor.yjs.protocol.AwarenessUpdate;
import dev.parlor.yjs.protocol.YMessage;
import dev.parlor.yjs.protocol.YMessage.Kind;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read-only connections (their edits reach neither other clients nor Redis) and an external
 * identity provider (its tokens say who the user is; the ACL says what they may do), against the
 * running services with real Redis and persistence.
 */
class AuthAccessTest {
  static final String IDP = "https://idp.test";
  @TempDir
  static Path dir;
  static AuthParlor parlor;
  static Vertx idpVertx;
  static HttpServer idp;
  static final List<JsonObject> idpKeys = new CopyOnWriteArrayList<>();
  static final AtomicInteger jwksFetches = new AtomicInteger();
  static final KeyCipher cipher = KeyCipher.fromBase64(KeyCipher.newMasterKey());
  static StoredKey idpKey1;
  static StoredKey idpKey2;

  @BeforeAll
  static void start() throws Exception {
    idpVertx = Vertx.vertx();
    idpKey1 = KeyMaterial.generate(cipher, 0, 0, KeyMaterial.ES256);
    idpKey2 = KeyMaterial.generate(cipher, 0, 0, KeyMaterial.ES256);
    idpKeys.add(idpKey1.publicJwk());
    idp = idpVertx.createHttpServer().requestHandler(req -> {
      jwksFetches.incrementAndGet();
      req.response().putHeader("content-type", "application/json")
          .end(new JsonObject().put("keys", new JsonArray(List.copyOf(idpKeys))).encode());
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    String issuers = new JsonArray().add(new JsonObject().put("issuer", IDP).put("audience", "parlor-app")
        .put("jwksUrl", "http://127.0.0.1:" + idp.actualPort() + "/jwks").put("algorithms", new JsonArray().add("ES256")))
        .encode();
    parlor = new AuthParlor(dir, 1, 1, Map.of("PARLOR_AUTH_ISSUERS", issuers,
        "PARLOR_AUTH_JWKS_MIN_REFETCH_MS", "500"));
  }

  @AfterAll
  static void stop() throws Exception {
    parlor.close();
    idpVertx.close().await(10, TimeUnit.SECONDS);
  }

  static RoomClient enter(String room, String token) throws Exception {
    RoomClient c = RoomClient.connect(parlor.clients, parlor.port(), "/parties/yjs/" + room + "?token=" + token,
        Map.of());
    c.await(Kind.SYNC_STEP1, 5000);
    return c;
  }

  static int status(String room, String token) throws Exception {
    return RoomClient.status(parlor.clients, parlor.port(), "/parties/yjs/" + room + "?token=" + token, Map.of());
  }

  @Test
  void aReadOnlyClientSyncsAndSendsAwarenessButItsEditsReachNeitherOthersNorRedis() throws Exception {
    RoomClient writer = enter("ro-1", parlor.token("olga", new JsonObject().put("yjs/ro-1", "write")));
    RoomClient reader = enter("ro-1", parlor.token("pete", new JsonObject().put("yjs/ro-*", "read")));
    RoomClient other = enter("ro-1", parlor.token("quin", new JsonObject().put("yjs/ro-*", "read")));

    byte[] written = TextUpdates.insertText(501, "WRITER-MARK");
    writer.send(YMessage.syncUpdate(written));
    assertArrayEquals(written, reader.await(Kind.SYNC_UPDATE, 5000).payload(), "a reader receives edits");
    assertArrayEquals(written, other.await(Kind.SYNC_UPDATE, 5000).payload());

    byte[] refused = TextUpdates.insertText(502, "READONLY-MARK");
    reader.send(YMessage.syncUpdate(refused));
    YMessage denied = reader.await(Kind.AUTH_DENIED, 5000);
    assertTrue(new String(denied.payload(), StandardCharsets.UTF_8).contains("read-only"));
    reader.send(YMessage.syncStep2(refused)); // the other way to push an update
    reader.await(Kind.AUTH_DENIED, 5000);

    byte[] presence = new AwarenessUpdate(List.of(new AwarenessUpdate.Entry(502, 1, "{\"user\":\"pete\"}"))).encode();
    reader.send(YMessage.awareness(presence));
    assertArrayEquals(presence, writer.await(Kind.AWARENESS, 5000).payload(), "awareness from a reader is relayed");

    assertFalse(writer.receives(Kind.SYNC_UPDATE, 1500), "the writer never receives the reader's edit");
    assertFalse(other.receives(Kind.SYNC_UPDATE, 100), "nor does another client");
    RoomClient late = enter("ro-1", parlor.token("rita", new JsonObject().put("yjs/ro-1", "read")));
    late.send(YMessage.syncStep1(new byte[] {0}));
    assertArrayEquals(written, late.await(Kind.SYNC_STEP2, 5000).payload(), "the document holds only the writer's edit");

    // Redis: the writer's edit is stored (so the check below looks at the right place), the reader's never.
    long deadline = System.currentTimeMillis() + 10_000;
    while (!redisHolds("WRITER-MARK") && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(redisHolds("WRITER-MARK"), "the writer's edit reached Redis");
    writer.ws.close();
    reader.ws.close();
    other.ws.close();
    late.ws.close();
    Thread.sleep(1000); // the last client left: the room may snapshot
    assertFalse(redisHolds("READONLY-MARK"), "the reader's edit is nowhere in Redis");
  }

  /** Whether any value of any Redis key contains the text. */
  static boolean redisHolds(String text) throws Exception {
    Response keys = parlor.redisClient.send(Request.cmd(Command.KEYS).arg("*")).await(10, TimeUnit.SECONDS);
    for (Response k : keys) {
      String key = k.toString();
      String type = parlor.redisClient.send(Request.cmd(Command.TYPE).arg(key)).await(10, TimeUnit.SECONDS).toString();
      Request read = switch (type) {
        case "string" -> Request.cmd(Command.GET).arg(key);
        case "hash" -> Request.cmd(Command.HGETALL).arg(key);
        case "stream" -> Request.cmd(Command.XRANGE).arg(key).arg("-").arg("+");
        case "zset" -> Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(-1);
        case "list" -> Request.cmd(Command.LRANGE).arg(key).arg(0).arg(-1);
        case "set" -> Request.cmd(Command.SMEMBERS).arg(key);
        default -> null;
      };
      if (read != null && contains(parlor.redisClient.send(read).await(10, TimeUnit.SECONDS), text)) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(Response r, String text) {
    // Binary values decode with replacement characters, but the ASCII marker survives intact.
    return r != null && r.toString().contains(text);
  }

  static String idpToken(StoredKey key, JsonObject claims) {
    JWTAuth signer = JWTAuth.create(idpVertx, new JWTAuthOptions().addJwk(KeyMaterial.privateJwk(cipher, key)));
    return signer.generateToken(claims, new JWTOptions().setAlgorithm("ES256").setNoTimestamp(true));
  }

  static JsonObject idpClaims(String sub) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("iss", IDP).put("aud", "parlor-app").put("sub", sub).put("iat", now)
        .put("exp", now + 300);
  }

  @Test
  void anExternalIssuersTokenSaysWhoTheUserIsAndTheAclSaysWhatTheyMayDo() throws Exception {
    String token = idpToken(idpKey1, idpClaims("sam"));
    assertEquals(403, status("ext-1", token), "known user, but not in the room's ACL");
    assertEquals(201, parlor.api(HttpMethod.PUT, "/v1/rooms/yjs/ext-1/members/sam",
        new JsonObject().put("access", "read"), AuthParlor.APP_KEY).statusCode());
    RoomClient sam = enter("ext-1", token);
    sam.send(YMessage.syncUpdate(TextUpdates.insertText(601, "nope")));
    sam.await(Kind.AUTH_DENIED, 5000);
    sam.ws.close();

    String grantsIgnored = idpToken(idpKey1, idpClaims("sam").put("rooms", new JsonObject().put("yjs/*", "write")));
    assertEquals(403, status("ext-2", grantsIgnored), "room grants in an external token are not trusted");
    assertEquals(401, status("ext-1", idpToken(idpKey1, idpClaims("sam").put("aud", "parlor"))), "audience");
    assertEquals(401, status("ext-1", parlor.forge(AuthParlor.claims("sam", new JsonObject()).put("iss", IDP)
        .put("aud", "parlor-app"))), "parlor's own key is not the identity provider's key");
  }

  @Test
  void anUnknownKidRefetchesTheJwksOnceNeverPerConnection() throws Exception {
    assertEquals(201, parlor.api(HttpMethod.PUT, "/v1/rooms/yjs/ext-3/members/tess",
        new JsonObject().put("access", "write"), AuthParlor.APP_KEY).statusCode());
    String first = idpToken(idpKey1, idpClaims("tess"));
    enter("ext-3", first).ws.close();
    int before = jwksFetches.get();
    for (int i = 0; i < 5; i++) {
      enter("ext-3", first).ws.close();
    }
    assertEquals(before, jwksFetches.get(), "known keys are not fetched again per connection");

    idpKeys.add(idpKey2.publicJwk()); // the identity provider rotates
    Thread.sleep(600); // past the minimum refetch interval
    RoomClient rotated = enter("ext-3", idpToken(idpKey2, idpClaims("tess")));
    rotated.ws.close();
    assertEquals(before + 1, jwksFetches.get(), "one fetch for the new kid");
  }
}
