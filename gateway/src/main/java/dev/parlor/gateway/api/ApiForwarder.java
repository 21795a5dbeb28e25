package dev.parlor.gateway.api;

import dev.parlor.common.bus.ApiMessage;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Serves an internal service's HTTP API on the gateway's public port: each request becomes one
 * {@link ApiMessage} over the event bus, and the reply becomes the response. 503 when the service
 * is not running, 504 when it does not answer in time.
 */
public final class ApiForwarder implements Handler<RoutingContext> {
  private static final String[] FORWARDED_HEADERS = {"authorization", "content-type", "x-parlor-admin-key"};

  private final Vertx vertx;
  private final String address;
  private final long timeoutMillis;

  public ApiForwarder(Vertx vertx, String address, long timeoutMillis) {
    this.vertx = vertx;
    this.address = address;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void handle(RoutingContext ctx) {
    JsonObject headers = new JsonObject();
    for (String name : FORWARDED_HEADERS) {
      String v = ctx.request().getHeader(name);
      if (v != null) {
        headers.put(name, v);
      }
    }
    headers.put("x-forwarded-for", ctx.request().remoteAddress().hostAddress());
    JsonObject query = new JsonObject();
    ctx.queryParams().forEach(e -> query.put(e.getKey(), e.getValue()));
    JsonObject head = new JsonObject()
        .put("method", ctx.request().method().name())
        .put("path", ctx.request().path())
        .put("query", query)
        .put("headers", headers);
    Buffer body = ctx.body() == null || ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    vertx.eventBus().<Buffer>request(address, ApiMessage.encode(head, body),
            new DeliveryOptions().setSendTimeout(timeoutMillis))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            respond(ctx, ApiMessage.decode(ar.result().body()));
          } else if (ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
            error(ctx, 503, "service unavailable");
          } else if (ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
            error(ctx, 504, "service did not answer in time");
          } else {
            error(ctx, 502, "service failed: " + ar.cause().getMessage());
          }
        });
  }

  private static void respond(RoutingContext ctx, ApiMessage reply) {
    var response = ctx.response().setStatusCode(reply.status());
    JsonObject headers = reply.head().getJsonObject("headers");
    if (headers != null) {
      headers.forEach(e -> response.putHeader(e.getKey(), String.valueOf(e.getValue())));
    }
    response.end(reply.body());
  }

  private static void error(RoutingContext ctx, int status, String reason) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", reason).encode());
  }
}
