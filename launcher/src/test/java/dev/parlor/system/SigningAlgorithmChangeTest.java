package dev.parlor.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.auth.keys.KeyCipher;
import dev.parlor.auth.keys.KeyManager;
import dev.parlor.auth.keys.KeyMaterial;
import dev.parlor.auth.keys.StoredKey;
import dev.parlor.yjs.protocol.YMessage.Kind;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployment whose current key is ES256 (made before PARLOR_AUTH_SIGNING_ALG became EdDSA, the
 * default): that key keeps signing ES256 until the next rotation, the rotation makes an Ed25519 key,
 * and tokens of the ES256 key still enter every gateway until they expire.
 */
class SigningAlgorithmChangeTest {
  @TempDir
  static Path dir;
  static AuthParlor parlor;

  @BeforeAll
  static void start() throws Exception {
    parlor = new AuthParlor(dir, 1, 2, Map.of(
        "PARLOR_AUTH_KEY_ROTATION_SECONDS", "4",
        "PARLOR_AUTH_KEY_REFRESH_MS", "250",
        "PARLOR_AUTH_MAX_TOKEN_TTL_SECONDS", "30",
        "PARLOR_AUTH_JWKS_MIN_REFETCH_MS", "200"));
  }

  @AfterAll
  static void stop() throws Exception {
    parlor.close();
  }

  static JsonObject mint() throws Exception {
    return parlor.mint(new JsonObject().put("sub", "vic").put("ttlSeconds", 30)
        .put("rooms", new JsonObject().put("yjs/alg-*", "write")));
  }

  static String alg(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8))
        .getString("alg");
  }

  static JsonObject mintUntil(String alg) throws Exception {
    long deadline = System.currentTimeMillis() + 15_000;
    JsonObject minted = mint();
    while (!alg(minted.getString("token")).equals(alg) && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      minted = mint();
    }
    assertEquals(alg, alg(minted.getString("token")), "a token signed " + alg);
    return minted;
  }

  static void entersEveryGateway(String token) throws Exception {
    for (int port : parlor.gatewayPorts) {
      RoomClient c = RoomClient.connect(parlor.clients, port, "/parties/yjs/alg-1?token=" + token, Map.of());
      c.await(Kind.SYNC_STEP1, 5000);
      c.ws.close();
    }
  }

  @Test
  void anEs256KeySignsUntilTheRotationMakesAnEd25519KeyAndItsTokensStayValid() throws Exception {
    assertEquals("EdDSA", alg(mint().getString("token")), "new deployments sign EdDSA");
    // An ES256 key as an earlier configuration would have made it, becoming current shortly.
    StoredKey es256 = KeyMaterial.generate(KeyCipher.fromBase64(AuthParlor.MASTER_KEY), System.currentTimeMillis(),
        System.currentTimeMillis() + 500, KeyMaterial.ES256);
    parlor.redisClient.send(Request.cmd(Command.HSET).arg(KeyManager.KEYS).arg(es256.kid()).arg(es256.toJson().encode()))
        .await(10, TimeUnit.SECONDS);

    JsonObject old = mintUntil("ES256");
    assertEquals(es256.kid(), old.getString("kid"));
    entersEveryGateway(old.getString("token"));

    JsonObject fresh = mintUntil("EdDSA");
    assertNotEquals(es256.kid(), fresh.getString("kid"), "the rotation made a new key");
    entersEveryGateway(fresh.getString("token"));
    assertTrue(System.currentTimeMillis() / 1000 < old.getLong("expiresAt"));
    entersEveryGateway(old.getString("token"));
  }
}
