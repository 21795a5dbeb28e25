package dev.parlor.room.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.common.bus.Addresses;
import dev.parlor.common.bus.RoomEnvelope.PassedLease;
import dev.parlor.common.bus.StorageMessages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RoomLeases against a scripted stand-in for persistence-service on a local event bus. */
class RoomLeasesTest {
  Vertx vertx;
  /** What the stand-in answers: "held" (another node holds it), "ok", "stale" renewals, or "silent". */
  final AtomicReference<String> mode = new AtomicReference<>("ok");
  final AtomicInteger claims = new AtomicInteger();
  final AtomicInteger renewals = new AtomicInteger();
  final AtomicInteger releases = new AtomicInteger();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    vertx.eventBus().<Buffer>consumer(Addresses.PERSISTENCE, msg -> {
      StorageMessages.Reader r = new StorageMessages.Reader(msg.body());
      switch (r.op()) {
        case StorageMessages.CLAIM -> {
          claims.incrementAndGet();
          if (mode.get().equals("held-then-released")) {
            // Refused, but the answer is slow: the holder lets go while it is on its way.
            mode.set("ok");
            vertx.setTimer(300, id -> msg.reply(StorageMessages.claimed(
                new StorageMessages.Claimed(StorageMessages.HELD, 0, "other-node", 5_000, 0))));
            return;
          }
          boolean held = mode.get().equals("held");
          msg.reply(StorageMessages.claimed(new StorageMessages.Claimed(
              held ? StorageMessages.HELD : StorageMessages.OK, held ? 0 : 40 + claims.get(), "other-node", 5_000, 0)));
        }
        case StorageMessages.RENEW -> {
          r.readString();
          r.readLong();
          int n = r.leases().size();
          renewals.incrementAndGet();
          if (!mode.get().equals("silent")) {
            byte status = mode.get().equals("stale") ? StorageMessages.STALE : StorageMessages.OK;
            Buffer b = Buffer.buffer();
            for (int i = 0; i < n; i++) {
              b.appendByte(status);
            }
            msg.reply(b);
          }
        }
        case StorageMessages.RELEASE -> {
          releases.incrementAndGet();
          msg.reply(Buffer.buffer().appendByte(StorageMessages.OK));
        }
        case StorageMessages.PASS -> {
          String room = r.readString();
          String node = r.readString();
          long fence = r.readLong();
          String next = r.readString();
          if (mode.get().equals("old-persistence")) {
            msg.fail(400, "unknown storage request");
          } else {
            msg.reply(StorageMessages.claimed(new StorageMessages.Claimed(StorageMessages.OK, fence + 100, next,
                r.readLong(), fence)));
          }
        }
        default -> msg.fail(400, "unexpected");
      }
    });
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  RoomLeases leases(long ttl, CompletableFuture<String> lost) {
    RoomLeases leases = new RoomLeases(vertx, new RoomLeases.Settings("this-node", ttl, 10_000), 2_000,
        new SimpleMeterRegistry());
    leases.onLost(lost::complete);
    return leases;
  }

  <T> T onContext(java.util.function.Supplier<io.vertx.core.Future<T>> f) throws Exception {
    CompletableFuture<T> out = new CompletableFuture<>();
    vertx.runOnContext(v -> f.get().onComplete(ar -> {
      if (ar.succeeded()) {
        out.complete(ar.result());
      } else {
        out.completeExceptionally(ar.cause());
      }
    }));
    return out.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aClaimWaitsForTheHolderAndGoesOnWhenItReleases() throws Exception {
    mode.set("held");
    RoomLeases leases = leases(5_000, new CompletableFuture<>());
    CompletableFuture<Long> fence = new CompletableFuture<>();
    vertx.runOnContext(v -> leases.acquire("yjs/a").onSuccess(fence::complete));
    Thread.sleep(300);
    assertTrue(claims.get() >= 1);
    assertTrue(!fence.isDone(), "no lease while another node holds it");
    mode.set("ok");
    vertx.runOnContext(v -> leases.released("yjs/a")); // the holder says it let go
    assertTrue(fence.get(2, TimeUnit.SECONDS) > 40);
    CompletableFuture<Long> held = new CompletableFuture<>();
    vertx.runOnContext(v -> held.complete(leases.fence("yjs/a")));
    assertEquals(fence.get(), held.get(2, TimeUnit.SECONDS));
  }

  @Test
  void aReleaseThatOvertakesTheRefusalIsNotLost() throws Exception {
    mode.set("held-then-released");
    RoomLeases leases = leases(5_000, new CompletableFuture<>());
    CompletableFuture<Long> fence = new CompletableFuture<>();
    long start = System.nanoTime();
    vertx.runOnContext(v -> leases.acquire("yjs/a").onSuccess(fence::complete));
    Thread.sleep(100);
    vertx.runOnContext(v -> leases.released("yjs/a")); // before the claim's refusal arrives
    assertTrue(fence.get(2, TimeUnit.SECONDS) > 40);
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    // Without the nudge kept, the claim would wait for its next try, a fifth of the ttl (1 s) later.
    assertTrue(tookMs < 900, "claimed again at once, took " + tookMs + " ms");
    assertEquals(2, claims.get());
  }

  @Test
  void aLeaseTakenOverIsDroppedAtTheNextRenewal() throws Exception {
    CompletableFuture<String> lost = new CompletableFuture<>();
    RoomLeases leases = leases(300, lost);
    onContext(() -> leases.acquire("yjs/b"));
    mode.set("stale");
    assertEquals("yjs/b", lost.get(2, TimeUnit.SECONDS));
    CompletableFuture<Long> fence = new CompletableFuture<>();
    vertx.runOnContext(v -> fence.complete(leases.fence("yjs/b")));
    assertNull(fence.get(2, TimeUnit.SECONDS), "appends now fail: this node no longer owns the room");
  }

  @Test
  void aLeaseThatCannotBeRenewedIsDroppedBeforeItExpires() throws Exception {
    CompletableFuture<String> lost = new CompletableFuture<>();
    RoomLeases leases = leases(400, lost);
    mode.set("silent"); // renewals get no answer, as when Redis is away
    long claimedAt = System.nanoTime();
    onContext(() -> leases.acquire("yjs/c"));
    assertEquals("yjs/c", lost.get(3, TimeUnit.SECONDS));
    long heldMillis = (System.nanoTime() - claimedAt) / 1_000_000;
    assertTrue(heldMillis < 400, "dropped within the ttl counted from the claim: " + heldMillis + " ms");
    assertTrue(renewals.get() >= 1, "renewal was tried");
  }

  @Test
  void renewedLeasesStay() throws Exception {
    CompletableFuture<String> lost = new CompletableFuture<>();
    RoomLeases leases = leases(300, lost);
    long fence = onContext(() -> leases.acquire("yjs/d"));
    Thread.sleep(1_200);
    assertTrue(!lost.isDone(), "renewed every third of the ttl, the lease is kept");
    assertTrue(renewals.get() >= 3, "renewals: " + renewals.get());
    onContext(() -> leases.release("yjs/d", fence + 1));
    assertTrue(!lost.isDone());
    CompletableFuture<Long> kept = new CompletableFuture<>();
    vertx.runOnContext(v -> kept.complete(leases.fence("yjs/d")));
    assertEquals(fence, kept.get(2, TimeUnit.SECONDS), "a release for another token keeps the lease");
    onContext(() -> leases.release("yjs/d", fence));
    CompletableFuture<Long> gone = new CompletableFuture<>();
    vertx.runOnContext(v -> gone.complete(leases.fence("yjs/d")));
    assertNull(gone.get(2, TimeUnit.SECONDS));
  }

  @Test
  void aPassedLeaseLeavesTheOldOwnerAndServesTheNextWithoutAClaim() throws Exception {
    RoomLeases old = leases(5_000, new CompletableFuture<>());
    long fence = onContext(() -> old.acquire("yjs/e"));
    PassedLease passed = onContext(() -> old.pass("yjs/e", fence, "next-node"));
    assertEquals(new PassedLease("next-node", fence + 100, fence, passed.millisLeft()), passed);
    assertTrue(passed.millisLeft() > 4_000 && passed.millisLeft() <= 5_000, "left: " + passed.millisLeft());
    CompletableFuture<Long> gone = new CompletableFuture<>();
    vertx.runOnContext(v -> gone.complete(old.fence("yjs/e")));
    assertNull(gone.get(2, TimeUnit.SECONDS), "the old owner no longer holds it");

    // The next owner: a join's claim is waiting (the old owner held the lease) when the pass arrives.
    mode.set("held");
    RoomLeases next = leases(5_000, new CompletableFuture<>());
    CompletableFuture<Long> claimed = new CompletableFuture<>();
    vertx.runOnContext(v -> next.acquire("yjs/e").onSuccess(claimed::complete));
    Thread.sleep(200);
    int claimsBefore = claims.get();
    vertx.runOnContext(v -> {
      next.adopt("yjs/e", passed);
      next.released("yjs/e");
    });
    assertEquals(fence + 100, claimed.get(2, TimeUnit.SECONDS), "the waiting claim takes the passed lease");
    assertEquals(fence + 100, (long) onContext(() -> next.acquire("yjs/e")), "and so does a later one");
    assertEquals(claimsBefore, claims.get(), "without asking Redis again");
    CompletableFuture<Long> previous = new CompletableFuture<>();
    vertx.runOnContext(v -> previous.complete(next.previousFence("yjs/e")));
    assertEquals(fence, previous.get(2, TimeUnit.SECONDS), "the handed-over document is vouched for by it");
  }

  @Test
  void aPassRefusedByAnOlderPersistenceServiceReleasesTheLease() throws Exception {
    RoomLeases leases = leases(5_000, new CompletableFuture<>());
    long fence = onContext(() -> leases.acquire("yjs/f"));
    mode.set("old-persistence");
    assertNull(onContext(() -> leases.pass("yjs/f", fence, "next-node")));
    assertEquals(1, releases.get(), "released instead, so the next owner's claim goes on at once");
  }

  @Test
  void aPassedLeaseArrivingAfterTheNodesOwnClaimOfItKeepsTheNewerToken() throws Exception {
    RoomLeases leases = leases(5_000, new CompletableFuture<>());
    long fence = onContext(() -> leases.acquire("yjs/g")); // a join's claim overtook the hand-over
    CompletableFuture<Long> kept = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      leases.adopt("yjs/g", new PassedLease("this-node", fence - 1, 7, 5_000));
      kept.complete(leases.fence("yjs/g"));
    });
    assertEquals(fence, kept.get(2, TimeUnit.SECONDS), "appends go on under the claim's newer token");
  }
}
