package dev.parlor.auth.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class TokenRequestTest {
  private static TokenRequest parse(String json) {
    return TokenRequest.parse(new JsonObject(json), 900, 3600);
  }

  private static String refused(String json) {
    return assertThrows(TokenRequest.Invalid.class, () -> parse(json)).getMessage();
  }

  @Test
  void aMinimalRequestGetsTheDefaultLifetime() {
    TokenRequest r = parse("{\"sub\":\"u1\"}");
    assertEquals("u1", r.sub());
    assertEquals(900, r.ttlSeconds());
  }

  @Test
  void grantsNameAndMetadataAreKept() {
    TokenRequest r = parse("{\"sub\":\"u1\",\"name\":\"Ada\",\"metadata\":{\"color\":\"red\"},"
        + "\"rooms\":{\"yjs/doc-*\":\"read\",\"yjs/doc-1\":\"write\"},\"ttlSeconds\":60}");
    assertEquals(60, r.ttlSeconds());
    assertEquals("Ada", r.name());
    assertEquals(2, r.rooms().size());
  }

  @Test
  void badRequestsAreRefusedWithAReason() {
    assertTrue(refused("{}").contains("sub"));
    assertTrue(refused("{\"sub\":\"\"}").contains("sub"));
    assertTrue(refused("{\"sub\":\"u\",\"ttlSeconds\":3601}").contains("3600"));
    assertTrue(refused("{\"sub\":\"u\",\"ttlSeconds\":0}").contains("ttlSeconds"));
    assertTrue(refused("{\"sub\":\"u\",\"ttlSeconds\":1.5}").contains("whole"));
    assertTrue(refused("{\"sub\":\"u\",\"rooms\":{\"doc-1\":\"write\"}}").contains("party/room"));
    assertTrue(refused("{\"sub\":\"u\",\"rooms\":{\"yjs/d*c\":\"write\"}}").contains("prefix"));
    assertTrue(refused("{\"sub\":\"u\",\"rooms\":{\"yjs/doc\":\"admin\"}}").contains("read"));
    assertTrue(refused("{\"sub\":\"u\",\"rooms\":[\"yjs/doc\"]}").contains("JSON object"));
    assertTrue(refused("{\"sub\":\"u\",\"metadata\":{\"x\":\"" + "y".repeat(3000) + "\"}}").contains("metadata"));
    assertTrue(refused("{\"sub\":\"a\\u0000b\"}").contains("control"));
    assertTrue(refused("{\"sub\":42}").contains("string"));
  }
}
