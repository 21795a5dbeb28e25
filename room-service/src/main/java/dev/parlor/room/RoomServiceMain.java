package dev.parlor.room;

import dev.parlor.common.cluster.ServiceRunner;
import dev.parlor.common.config.ParlorConfig;

/** Runs room-service alone in this JVM. */
public final class RoomServiceMain {
  private RoomServiceMain() {
  }

  public static void main(String[] args) {
    ServiceRunner.run("room-service", ParlorConfig.fromEnvironment(), RoomService::deploy);
  }
}
