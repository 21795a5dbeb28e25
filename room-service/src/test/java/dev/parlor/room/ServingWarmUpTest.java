package dev.parlor.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.common.warmup.WarmUpBudget;
import dev.parlor.room.host.RoomShardVerticle;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class ServingWarmUpTest {
  private static final RoomShardVerticle.Settings SETTINGS = new RoomShardVerticle.Settings(30_000, 64, 8, Level.INFO);
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void everyRoundsUpdatesAreRelayedAndItsRoomsMovedAndItsShardsAreGoneAfterwards() throws Exception {
    long start = System.nanoTime();
    ServingWarmUp.Result result = ServingWarmUp.run(vertx, "node-a", SETTINGS, WarmUpBudget.start(60_000), 3).await(60, TimeUnit.SECONDS);
    assertEquals(3, result.rounds());
    assertTrue(result.relayed() >= 3 * ServingWarmUp.Result.UPDATES_PER_ROUND,
        "every update was relayed to the other clients, not " + result.relayed());
    assertEquals(3 * ServingWarmUp.Result.MOVED_PER_ROUND, result.moved(),
        "every round moved every room, and each connection re-attached at the new owner");
    // A round whose relays did not all arrive waits out its timeout (2 s): three rounds that ran through took less.
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(6), "no round waited for missing relays or re-attaches");
    assertTrue(vertx.deploymentIDs().isEmpty(), "both private shards are undeployed");
  }

  @Test
  void noTimeNoRounds() throws Exception {
    assertEquals(0, ServingWarmUp.run(vertx, "node-a", SETTINGS, WarmUpBudget.start(0), 3).await(10, TimeUnit.SECONDS).rounds());
  }
}
