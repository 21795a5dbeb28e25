package dev.parlor.auth.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyCipherTest {
  @Test
  void sealedKeysOpenOnlyWithTheSameMasterKeyAndKid() {
    KeyCipher c = KeyCipher.fromBase64(KeyCipher.newMasterKey());
    byte[] secret = "private part".getBytes(StandardCharsets.UTF_8);
    String sealed = c.seal("kid-1", secret);
    assertFalse(sealed.contains("private"));
    assertArrayEquals(secret, c.open("kid-1", sealed));
    assertThrows(IllegalStateException.class, () -> c.open("kid-2", sealed));
    KeyCipher other = KeyCipher.fromBase64(KeyCipher.newMasterKey());
    assertThrows(IllegalStateException.class, () -> other.open("kid-1", sealed));
  }

  @Test
  void badMasterKeysAreRefusedWithTheVariableName() {
    var e = assertThrows(IllegalArgumentException.class, () -> KeyCipher.fromBase64("c2hvcnQ="));
    assertEquals(true, e.getMessage().contains("PARLOR_AUTH_MASTER_KEY"));
    assertThrows(IllegalArgumentException.class, () -> KeyCipher.fromBase64("not base64 !!"));
  }

  @ParameterizedTest
  @ValueSource(strings = {KeyMaterial.EDDSA, KeyMaterial.ES256})
  void generatedKeysRoundTripThroughTheirStoredFormAndSign(String alg) throws Exception {
    KeyCipher c = KeyCipher.fromBase64(KeyCipher.newMasterKey());
    StoredKey k = KeyMaterial.generate(c, 1, 2, alg);
    assertEquals(alg, k.alg());
    assertEquals(alg, k.publicJwk().getString("alg"));
    StoredKey back = StoredKey.fromJson(new JsonObject(k.toJson().encode()));
    assertEquals(k, back);
    JsonObject priv = KeyMaterial.privateJwk(c, back);
    assertEquals(43, priv.getString("d").length());
    assertEquals(k.kid(), priv.getString("kid"));
    assertFalse(k.publicJwk().containsKey("d"));
    // The private JWK signs, and the public JWK alone verifies what it signed.
    Vertx vertx = Vertx.vertx();
    try {
      String token = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(priv))
          .generateToken(new JsonObject().put("sub", "u"), new JWTOptions().setAlgorithm(alg));
      JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]),
          StandardCharsets.UTF_8));
      assertEquals(alg, header.getString("alg"));
      assertEquals(k.kid(), header.getString("kid"));
      User user = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(k.publicJwk()))
          .authenticate(new TokenCredentials(token)).await(10, TimeUnit.SECONDS);
      assertEquals("u", user.principal().getString("sub"));
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
