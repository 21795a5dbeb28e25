package dev.parlor.auth.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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

  @Test
  void generatedKeysRoundTripThroughTheirStoredForm() {
    KeyCipher c = KeyCipher.fromBase64(KeyCipher.newMasterKey());
    StoredKey k = KeyMaterial.generate(c, 1, 2);
    StoredKey back = StoredKey.fromJson(new JsonObject(k.toJson().encode()));
    assertEquals(k, back);
    JsonObject priv = KeyMaterial.privateJwk(c, back);
    assertEquals(43, priv.getString("d").length());
    assertEquals(k.kid(), priv.getString("kid"));
    assertFalse(k.publicJwk().containsKey("d"));
  }
}
