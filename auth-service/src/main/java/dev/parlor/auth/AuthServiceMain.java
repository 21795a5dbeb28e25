package dev.parlor.auth;

import dev.parlor.common.cluster.ServiceRunner;
import dev.parlor.common.config.ParlorConfig;

/** Runs auth-service alone in this JVM. */
public final class AuthServiceMain {
  private AuthServiceMain() {
  }

  public static void main(String[] args) {
    ServiceRunner.run("auth-service", ParlorConfig.fromEnvironment(), AuthService::deploy);
  }
}
