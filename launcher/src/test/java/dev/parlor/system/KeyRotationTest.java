package dev.parlor.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.yjs.protocol.YMessage.Kind;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key rotation with two auth-service replicas and two gateways, on a fast schedule (a new key every
 * 4 s, tokens live at most 6 s): both replicas sign with the same key, old tokens stay valid until
 * they expire, new tokens verify on every gateway, and an old key leaves the JWKS once no token it
 * signed can still be valid.
 */
class KeyRotationTest {
  @TempDir
  static Path dir;
  static AuthParlor parlor;

  @BeforeAll
  static void start() throws Exception {
    parlor = new AuthParlor(dir, 2, 2, Map.of(
        "PARLOR_AUTH_KEY_ROTATION_SECONDS", "4",
        "PARLOR_AUTH_KEY_REFRESH_MS", "250",
        "PARLOR_AUTH_MAX_TOKEN_TTL_SECONDS", "6",
        "PARLOR_AUTH_LEEWAY_SECONDS", "1",
        "PARLOR_AUTH_JWKS_MIN_REFETCH_MS", "200"));
  }

  @AfterAll
  static void stop() throws Exception {
    parlor.close();
  }

  static int status(int port, String token) throws Exception {
    return RoomClient.status(parlor.clients, port, "/parties/yjs/rot-1?token=" + token, Map.of());
  }

  static void entersEveryGateway(String token, String what) throws Exception {
    for (int port : parlor.gatewayPorts) {
      RoomClient c = RoomClient.connect(parlor.clients, port, "/parties/yjs/rot-1?token=" + token, Map.of());
      c.await(Kind.SYNC_STEP1, 5000);
      c.ws.close();
    }
  }

  static JsonObject mint() throws Exception {
    return parlor.mint(new JsonObject().put("sub", "uma").put("ttlSeconds", 6)
        .put("rooms", new JsonObject().put("yjs/rot-*", "write")));
  }

  static Set<String> publishedKids() throws Exception {
    Set<String> kids = new HashSet<>();
    parlor.api(HttpMethod.GET, "/.well-known/jwks.json", null, null).bodyAsJsonObject().getJsonArray("keys")
        .forEach(k -> kids.add(((JsonObject) k).getString("kid")));
    return kids;
  }

  @Test
  void oldTokensStayValidUntilExpiryNewTokensVerifyEverywhereAndOldKeysRetire() throws Exception {
    JsonObject old = mint();
    String oldKid = old.getString("kid");
    entersEveryGateway(old.getString("token"), "a token of the first key");

    JsonObject fresh = old;
    long deadline = System.currentTimeMillis() + 10_000;
    while (fresh.getString("kid").equals(oldKid) && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      fresh = mint();
    }
    String newKid = fresh.getString("kid");
    assertNotEquals(oldKid, newKid, "the key rotated");
    // Requests alternate between the two replicas: all sign with the new key now.
    for (int i = 0; i < 6; i++) {
      assertEquals(newKid, mint().getString("kid"), "every replica signs with the same current key");
    }
    assertTrue(publishedKids().containsAll(Set.of(oldKid, newKid)), "both keys are published");
    entersEveryGateway(fresh.getString("token"), "a token of the new key");
    entersEveryGateway(old.getString("token"), "a token of the old key, not yet expired");

    // Once the old token has expired (6 s + 1 s leeway) it is refused everywhere...
    long expiredAt = (old.getLong("expiresAt") + 1) * 1000 + 200;
    Thread.sleep(Math.max(0, expiredAt - System.currentTimeMillis()));
    for (int port : parlor.gatewayPorts) {
      assertEquals(401, status(port, old.getString("token")));
    }
    // ...and the old key leaves the JWKS once nothing it signed can still be valid.
    deadline = System.currentTimeMillis() + 15_000;
    while (publishedKids().contains(oldKid) && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
    }
    assertTrue(!publishedKids().contains(oldKid), "the old key was retired");
  }
}
