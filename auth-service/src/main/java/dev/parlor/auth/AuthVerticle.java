package dev.parlor.auth;

import dev.parlor.auth.acl.AclStore;
import dev.parlor.auth.acl.DenyList;
import dev.parlor.auth.api.AuthApi;
import dev.parlor.auth.keys.KeyManager;
import dev.parlor.common.auth.AuthMessages;
import dev.parlor.common.bus.Addresses;
import dev.parlor.common.bus.ApiMessage;
import dev.parlor.common.room.RoomRef;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** auth-service on the event bus: the forwarded HTTP API and the gateways' authorize requests. */
public final class AuthVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(AuthVerticle.class);
  private final AuthSettings settings;
  private final KeyManager keys;
  private final AclStore acl;
  private final DenyList denyList;
  private MessageConsumer<Buffer> api;
  private MessageConsumer<JsonObject> authorize;
  private AuthApi routes;
  private long refreshTimer = -1;

  public AuthVerticle(AuthSettings settings, KeyManager keys, AclStore acl, DenyList denyList) {
    this.settings = settings;
    this.keys = keys;
    this.acl = acl;
    this.denyList = denyList;
  }

  @Override
  public Future<?> start() {
    routes = new AuthApi(settings, keys, acl, denyList, vertx.eventBus());
    api = vertx.eventBus().consumer(Addresses.AUTH_API, this::onApi);
    authorize = vertx.eventBus().consumer(Addresses.AUTH, this::onAuthorize);
    refreshTimer = vertx.setPeriodic(settings.refreshMillis(), t -> keys.refresh().onFailure(err ->
        log.warn("could not refresh signing keys: {}", err.toString())));
    return Future.all(api.completion(), authorize.completion());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(refreshTimer);
    return Future.all(api.unregister(), authorize.unregister());
  }

  private void onApi(Message<Buffer> msg) {
    ApiMessage.serve(msg, routes::handle, log, "auth storage unavailable");
  }

  private void onAuthorize(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String op = body == null ? null : body.getString("op");
    if (AuthMessages.OP_AUTHORIZE.equals(op)) {
      RoomRef room;
      try {
        room = RoomRef.fromKey(body.getString("room", ""));
      } catch (IllegalArgumentException e) {
        msg.fail(400, e.getMessage());
        return;
      }
      String user = body.getString("user");
      if (user == null) {
        msg.fail(400, "no user");
        return;
      }
      acl.get(room, user).onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(AuthMessages.access(ar.result()));
        } else {
          msg.fail(503, "ACL storage unavailable");
        }
      });
    } else if (AuthMessages.OP_REVOKED.equals(op)) {
      denyList.list().onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(new JsonObject().put("tokens", ar.result()));
        } else {
          msg.fail(503, "deny-list storage unavailable");
        }
      });
    } else {
      msg.fail(400, "unknown op " + op);
    }
  }
}
