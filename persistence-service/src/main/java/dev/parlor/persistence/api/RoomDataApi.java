package dev.parlor.persistence.api;

import dev.parlor.common.bus.Addresses;
import dev.parlor.common.bus.ApiMessage;
import dev.parlor.common.room.RoomRef;
import dev.parlor.persistence.store.RoomDataStore;
import dev.parlor.yjs.YUpdates;
import dev.parlor.yjs.YjsFormatException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room data API under {@code /v1/rooms}, reached through the gateway, behind the admin key
 * (PARLOR_ADMIN_KEY as {@code Authorization: Bearer}). See docs/persistence.md.
 */
public final class RoomDataApi extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(RoomDataApi.class);
  private static final String PREFIX = "/v1/rooms";

  private final RoomDataStore store;
  private final String adminKey;

  public RoomDataApi(RoomDataStore store, String adminKey) {
    this.store = store;
    this.adminKey = adminKey;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<Buffer>consumer(Addresses.PERSISTENCE_API, this::onRequest).completion();
  }

  private void onRequest(Message<Buffer> msg) {
    ApiMessage.serve(msg, this::authorized, log, "storage unavailable");
  }

  private Future<Buffer> authorized(ApiMessage req) {
    String denied = checkAdmin(req.header("authorization"));
    if (denied != null) {
      return done(ApiMessage.error(adminKey.isEmpty() ? 403 : 401, denied));
    }
    return handle(req);
  }

  private String checkAdmin(String authorization) {
    if (adminKey.isEmpty()) {
      return "the room data API is off: set PARLOR_ADMIN_KEY";
    }
    String given = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : "";
    boolean ok = MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), adminKey.getBytes(StandardCharsets.UTF_8));
    return ok ? null : "admin key required (Authorization: Bearer <PARLOR_ADMIN_KEY>)";
  }

  private Future<Buffer> handle(ApiMessage req) {
    String path = req.path();
    if (!path.startsWith(PREFIX)) {
      return done(ApiMessage.error(404, "not found"));
    }
    String[] parts = path.substring(PREFIX.length()).split("/", -1);
    // parts: ["", party, room, "document"?]
    if (parts.length <= 1 || (parts.length == 2 && parts[1].isEmpty())) {
      return req.method().equals("GET") ? list(req) : done(ApiMessage.error(405, "use GET"));
    }
    if (parts.length < 3 || parts.length > 4 || (parts.length == 4 && !parts[3].equals("document"))) {
      return done(ApiMessage.error(404, "not found: use /v1/rooms/{party}/{room}[/document]"));
    }
    String problem = RoomRef.problem(parts[1], parts[2]);
    if (problem != null) {
      return done(ApiMessage.error(400, problem));
    }
    String roomKey = new RoomRef(parts[1], parts[2]).key();
    boolean document = parts.length == 4;
    return switch (req.method() + (document ? " document" : " room")) {
      case "GET room" -> roomInfo(roomKey);
      case "DELETE room" -> store.delete(roomKey).map(found -> {
        if (!found) {
          return ApiMessage.error(404, "room has no data");
        }
        reset(roomKey, "deleted");
        return ApiMessage.encode(new JsonObject().put("status", 204), Buffer.buffer());
      });
      case "GET document" -> export(roomKey);
      case "PUT document", "POST document" -> importDocument(roomKey, req);
      default -> done(ApiMessage.error(405, "method not allowed"));
    };
  }

  /** A room's sizes and its current owner: the room node holding its lease (null when none does). */
  private Future<Buffer> roomInfo(String roomKey) {
    Future<JsonObject> stats = store.stats(roomKey);
    Future<JsonObject> owner = store.owner(roomKey);
    return Future.all(stats, owner).map(v -> {
      if (stats.result() == null && owner.result() == null) {
        return ApiMessage.error(404, "room has no data");
      }
      JsonObject info = stats.result() != null ? stats.result() : RoomDataStore.emptyStats(roomKey);
      return ApiMessage.json(200, info.put("owner", owner.result()));
    });
  }

  private Future<Buffer> list(ApiMessage req) {
    int offset = intParam(req.query("offset"), 0, 0, Integer.MAX_VALUE);
    int limit = intParam(req.query("limit"), 100, 1, 1000);
    return store.list(offset, limit).map(rooms -> ApiMessage.json(200, new JsonObject().put("rooms", rooms)
        .put("offset", offset).put("limit", limit)));
  }

  private Future<Buffer> export(String roomKey) {
    return store.read(roomKey).compose(room -> {
      if (room.isEmpty()) {
        return done(ApiMessage.error(404, "room has no data"));
      }
      return vertx.executeBlocking(() -> YUpdates.compact(room.allUpdates()), false)
          .map(doc -> ApiMessage.encode(new JsonObject().put("status", 200)
              .put("headers", new JsonObject().put("content-type", "application/octet-stream")), Buffer.buffer(doc)));
    });
  }

  private Future<Buffer> importDocument(String roomKey, ApiMessage req) {
    byte[] update = req.body().getBytes();
    boolean overwrite = "true".equals(req.query("overwrite"));
    return vertx.executeBlocking(() -> {
      try {
        return YUpdates.compact(java.util.List.of(update));
      } catch (YjsFormatException e) {
        return null;
      }
    }, false).compose(compacted -> {
      if (compacted == null || update.length == 0) {
        return done(ApiMessage.error(400, "the body is not a valid Yjs update (v1); nothing was written"));
      }
      return store.importDocument(roomKey, compacted, overwrite).map(stored -> {
        if (!stored) {
          return ApiMessage.error(409, "room already has data; add ?overwrite=true to replace it");
        }
        reset(roomKey, "imported");
        return ApiMessage.json(201, new JsonObject().put("room", roomKey).put("bytes", compacted.length));
      });
    });
  }

  /** Tells room nodes the stored document changed under them: the owner drops the room. */
  private void reset(String roomKey, String why) {
    log.atInfo().addKeyValue("room", roomKey).log("room data {}", why);
    vertx.eventBus().publish(Addresses.ROOM_RESET, roomKey);
  }

  private static int intParam(String v, int def, int min, int max) {
    try {
      return v == null ? def : Math.max(min, Math.min(max, Integer.parseInt(v)));
    } catch (NumberFormatException e) {
      return def;
    }
  }

  private static Future<Buffer> done(Buffer b) {
    return Future.succeededFuture(b);
  }
}
