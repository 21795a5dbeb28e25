package dev.parlor.common.bus;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * An HTTP request or response carried over the event bus, so the gateway's public port can serve
 * the APIs of auth-service and persistence-service: a JSON head and a raw body.
 *
 * <pre>
 * int  head length, head (UTF-8 JSON)
 * ...  body (the rest, raw bytes: JSON text or a binary Yjs update)
 * </pre>
 *
 * A request head has {@code method}, {@code path}, {@code query} (a JSON object of single values)
 * and {@code headers} (lower-case names: authorization, content-type, x-forwarded-for). A response
 * head has {@code status} and optional {@code headers}. Errors are JSON bodies
 * {@code {"error": "..."}} with the matching status.
 */
public record ApiMessage(JsonObject head, Buffer body) {

  public static Buffer encode(JsonObject head, Buffer body) {
    Buffer h = head.toBuffer();
    Buffer out = Buffer.buffer(4 + h.length() + (body == null ? 0 : body.length()));
    out.appendInt(h.length()).appendBuffer(h);
    if (body != null) {
      out.appendBuffer(body);
    }
    return out;
  }

  public static ApiMessage decode(Buffer b) {
    try {
      int len = b.getInt(0);
      if (len < 2 || len > b.length() - 4) {
        throw new IllegalArgumentException("bad head length " + len);
      }
      return new ApiMessage(new JsonObject(b.getBuffer(4, 4 + len)), b.getBuffer(4 + len, b.length()));
    } catch (IndexOutOfBoundsException | io.vertx.core.json.DecodeException e) {
      throw new IllegalArgumentException("not an API message: " + e.getMessage());
    }
  }

  /**
   * Answers one forwarded request: decodes it (400 if it is not an API message), runs the handler,
   * and replies with its response, or with 503 and the given reason when the handler fails.
   */
  public static void serve(Message<Buffer> msg, Function<ApiMessage, Future<Buffer>> handler, Logger log,
                           String unavailable) {
    ApiMessage req;
    try {
      req = decode(msg.body());
    } catch (IllegalArgumentException e) {
      msg.reply(error(400, e.getMessage()));
      return;
    }
    handler.apply(req).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        log.atWarn().addKeyValue("path", req.path()).log("{}: {}", unavailable, ar.cause().toString());
        msg.reply(error(503, unavailable));
      }
    });
  }

  public Buffer encode() {
    return encode(head, body);
  }

  /** A response with a JSON body. */
  public static Buffer json(int status, Object body) {
    String text = body instanceof JsonObject j ? j.encode()
        : body instanceof io.vertx.core.json.JsonArray a ? a.encode() : String.valueOf(body);
    return encode(new JsonObject().put("status", status)
        .put("headers", new JsonObject().put("content-type", "application/json")), Buffer.buffer(text));
  }

  /** An error response: {@code {"error": reason}}. */
  public static Buffer error(int status, String reason) {
    return json(status, new JsonObject().put("error", reason));
  }

  public int status() {
    return head.getInteger("status", 500);
  }

  public String method() {
    return head.getString("method", "GET");
  }

  public String path() {
    return head.getString("path", "/");
  }

  public String header(String name) {
    JsonObject h = head.getJsonObject("headers");
    return h == null ? null : h.getString(name);
  }

  public String query(String name) {
    JsonObject q = head.getJsonObject("query");
    return q == null ? null : q.getString(name);
  }
}
