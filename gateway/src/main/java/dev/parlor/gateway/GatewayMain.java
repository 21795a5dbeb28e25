package dev.parlor.gateway;

import dev.parlor.common.cluster.ServiceRunner;
import dev.parlor.common.config.ParlorConfig;

/** Runs the gateway alone in this JVM. */
public final class GatewayMain {
  private GatewayMain() {
  }

  public static void main(String[] args) {
    ServiceRunner.run("gateway", ParlorConfig.fromEnvironment(), GatewayService::deploy);
  }
}
