package dev.parlor.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.room.host.RoomShardVerticle;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServingWarmUpTest {
  private static final RoomShardVerticle.Settings SETTINGS = new RoomShardVerticle.Settings(30_000, 64, 8);
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
  void everyRoundsUpdatesAreStoredAndRelayedAndItsShardIsGoneAfterwards() throws Exception {
    long start = System.nanoTime();
    ServingWarmUp.Result result = ServingWarmUp.run(vertx, "node-a", SETTINGS, 60_000, 3).await(60, TimeUnit.SECONDS);
    assertEquals(3, result.rounds());
    assertTrue(result.relayed() >= 3 * ServingWarmUp.Result.UPDATES_PER_ROUND,
        "every update was relayed to the other clients, not " + result.relayed());
    // A round whose relays did not all arrive waits out its timeout (2 s): three rounds that ran through took less.
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(6), "no round waited for missing relays");
    assertTrue(vertx.deploymentIDs().isEmpty(), "the private shard is undeployed");
  }

  @Test
  void noTimeNoRounds() throws Exception {
    assertEquals(0, ServingWarmUp.run(vertx, "node-a", SETTINGS, 0, 3).await(10, TimeUnit.SECONDS).rounds());
  }
}
