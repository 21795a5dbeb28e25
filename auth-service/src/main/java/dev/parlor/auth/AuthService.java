package dev.parlor.auth;

import dev.parlor.common.bus.Addresses;
import dev.parlor.common.cluster.ClusterNode;
import io.vertx.core.Future;

/**
 * auth-service: token minting, JWKS, per-room ACLs and the authorize answer (the auth issue). For
 * now it joins the cluster, answers health checks and refuses authorize requests it cannot serve.
 */
public final class AuthService {
  private AuthService() {
  }

  public static Future<Void> deploy(ClusterNode node) {
    return node.vertx().eventBus().consumer(Addresses.AUTH, msg -> msg.fail(501, "auth-service has no operations yet"))
        .completion();
  }
}
