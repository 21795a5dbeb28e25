package dev.parlor.persistence;

import dev.parlor.common.cluster.ServiceRunner;
import dev.parlor.common.config.ParlorConfig;

/** Runs persistence-service alone in this JVM. */
public final class PersistenceServiceMain {
  private PersistenceServiceMain() {
  }

  public static void main(String[] args) {
    ServiceRunner.run("persistence-service", ParlorConfig.fromEnvironment(), PersistenceService::deploy);
  }
}
