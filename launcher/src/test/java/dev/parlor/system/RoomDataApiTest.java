package dev.parlor.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.common.bus.CloseCodes;
import dev.parlor.yjs.TextUpdates;
import dev.parlor.yjs.YUpdates;
import dev.parlor.yjs.protocol.YMessage;
import dev.parlor.yjs.protocol.YMessage.Kind;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Export, import, delete and list through the gateway's public port, behind the admin key. */
class RoomDataApiTest {
  static final String KEY = "test-admin-key";
  static LocalParlor parlor;
  static Vertx clients;
  static HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    parlor = LocalParlor.start(Files.createTempDirectory("parlor-redis"), 1, Map.of("PARLOR_ADMIN_KEY", KEY));
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    clients.close().await();
    parlor.close();
  }

  static HttpResponse<byte[]> call(String method, String path, byte[] body, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + parlor.port + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static RoomClient join(String room) throws Exception {
    RoomClient c = RoomClient.connect(clients, parlor.port, "/parties/yjs/" + room);
    c.await(Kind.SYNC_STEP1, 5000);
    return c;
  }

  @Test
  void theAdminKeyIsRequired() throws Exception {
    assertEquals(401, call("GET", "/v1/rooms", null, null).statusCode());
    assertEquals(401, call("GET", "/v1/rooms", null, "wrong").statusCode());
    assertEquals(200, call("GET", "/v1/rooms", null, KEY).statusCode());
  }

  @Test
  void exportGivesTheDocumentAsOneUpdate() throws Exception {
    RoomClient a = join("export-1");
    RoomClient b = join("export-1");
    byte[] u1 = TextUpdates.insertText(1, "one");
    byte[] u2 = TextUpdates.insertText(2, "two");
    a.send(YMessage.syncUpdate(u1));
    b.await(Kind.SYNC_UPDATE, 5000);
    a.send(YMessage.syncUpdate(u2));
    b.await(Kind.SYNC_UPDATE, 5000);
    HttpResponse<byte[]> r = call("GET", "/v1/rooms/yjs/export-1/document", null, KEY);
    assertEquals(200, r.statusCode());
    assertEquals("application/octet-stream", r.headers().firstValue("content-type").orElse(""));
    assertArrayEquals(YUpdates.compact(List.of(u1, u2)), r.body());
    JsonObject stats = new JsonObject(new String(call("GET", "/v1/rooms/yjs/export-1", null, KEY).body()));
    assertEquals(2L, stats.getLong("logEntries"));
    JsonObject owner = stats.getJsonObject("owner");
    assertEquals(parlor.roomNodes.get(0).nodeId(), owner.getString("node"), "the room node holding the lease");
    assertEquals(stats.getLong("fence"), owner.getLong("fence"));
    assertTrue(owner.getLong("leaseMillisLeft") > 0);
    assertTrue(new String(call("GET", "/v1/rooms", null, KEY).body()).contains("export-1"));
    assertEquals(404, call("GET", "/v1/rooms/yjs/never-used/document", null, KEY).statusCode());
  }

  @Test
  void importRefusesBadUpdatesAndRoomsWithData() throws Exception {
    byte[] doc = YUpdates.compact(List.of(TextUpdates.insertText(5, "imported")));
    assertEquals(400, call("PUT", "/v1/rooms/yjs/import-1/document", new byte[] {1, 2, 3}, KEY).statusCode());
    assertEquals(404, call("GET", "/v1/rooms/yjs/import-1/document", null, KEY).statusCode(), "nothing written");
    assertEquals(400, call("PUT", "/v1/rooms/yjs/bad%20id/document", doc, KEY).statusCode());
    assertEquals(201, call("PUT", "/v1/rooms/yjs/import-1/document", doc, KEY).statusCode());
    assertEquals(409, call("PUT", "/v1/rooms/yjs/import-1/document", doc, KEY).statusCode());
    RoomClient c = join("import-1");
    c.send(YMessage.syncStep1(YUpdates.emptyStateVector()));
    assertArrayEquals(doc, c.await(Kind.SYNC_STEP2, 5000).payload(), "a client gets the imported document");
    // Overwriting a live room closes its clients so that they come back to the new document.
    byte[] other = YUpdates.compact(List.of(TextUpdates.insertText(6, "replacement")));
    assertEquals(201, call("PUT", "/v1/rooms/yjs/import-1/document?overwrite=true", other, KEY).statusCode());
    assertEquals(CloseCodes.ROOM_UNAVAILABLE, c.awaitClose(5000));
    assertArrayEquals(other, call("GET", "/v1/rooms/yjs/import-1/document", null, KEY).body());
  }

  @Test
  void deleteRemovesTheRoom() throws Exception {
    assertEquals(201, call("PUT", "/v1/rooms/yjs/delete-1/document",
        YUpdates.compact(List.of(TextUpdates.insertText(7, "bye"))), KEY).statusCode());
    RoomClient c = join("delete-1");
    assertEquals(204, call("DELETE", "/v1/rooms/yjs/delete-1", null, KEY).statusCode());
    assertEquals(CloseCodes.ROOM_UNAVAILABLE, c.awaitClose(5000));
    assertEquals(404, call("GET", "/v1/rooms/yjs/delete-1/document", null, KEY).statusCode());
    assertEquals(404, call("DELETE", "/v1/rooms/yjs/delete-1", null, KEY).statusCode());
  }
}
