package dev.parlor.room.store;

import dev.parlor.common.bus.Addresses;
import dev.parlor.common.bus.RoomEnvelope.PassedLease;
import dev.parlor.common.bus.StorageMessages;
import dev.parlor.common.bus.StorageMessages.Claimed;
import dev.parlor.common.bus.StorageMessages.Lease;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard's leases on its rooms (one event loop, so no locking). A room is served only while its
 * lease is held: claimed before the room loads (waiting while another node holds it, until that
 * node releases it or its lease runs out), renewed every third of the ttl in one request, given up
 * on hand-over or unload. A lease whose renewal did not succeed in time is dropped here before
 * Redis can expire it (its deadline counts from when the renewal was sent), so a node has stopped
 * serving a room before any other node can claim it.
 */
public final class RoomLeases {
  private static final Logger log = LoggerFactory.getLogger(RoomLeases.class);

  /** node: this room node's id; ttl: lease length; wait: how long a claim waits for a holder. */
  public record Settings(String node, long ttlMillis, long waitMillis) {
  }

  private static final class Held {
    final long fence;
    long previousFence;
    long deadlineNanos;

    Held(long fence, long previousFence, long deadlineNanos) {
      this.fence = fence;
      this.previousFence = previousFence;
      this.deadlineNanos = deadlineNanos;
    }
  }

  private final Vertx vertx;
  private final Settings settings;
  private final DeliveryOptions options;
  private final Map<String, Held> held = new HashMap<>();
  private final Map<String, Runnable> waiting = new HashMap<>();
  /** RELEASED nudges that came while no claim was waiting (one in flight, or none yet): when. */
  private final Map<String, Long> releasedAt = new HashMap<>();
  private final Counter renewals;
  private final Counter renewalFailures;
  private final Counter lostCount;
  private final Counter adopted;
  private Consumer<String> lost = key -> { };
  private long timer = -1;
  private long lastRenewalNanos;
  private boolean renewing;

  public RoomLeases(Vertx vertx, Settings settings, long requestTimeoutMillis, MeterRegistry registry) {
    this.vertx = vertx;
    this.settings = settings;
    this.options = new DeliveryOptions().setSendTimeout(requestTimeoutMillis);
    this.renewals = Counter.builder("parlor_room_lease_renewals").description("room leases renewed")
        .register(registry);
    this.renewalFailures = Counter.builder("parlor_room_lease_renewal_failures")
        .description("room lease renewals that failed (Redis or persistence-service unreachable)").register(registry);
    this.lostCount = Counter.builder("parlor_room_leases_lost")
        .description("rooms dropped because their lease expired or was taken over").register(registry);
    this.adopted = Counter.builder("parlor_room_leases_passed_in")
        .description("room leases the previous owner passed straight to this node on hand-over").register(registry);
  }

  /** Where rooms whose lease this node lost are reported; the room must stop being served at once. */
  public void onLost(Consumer<String> lost) {
    this.lost = lost;
  }

  public long ttlMillis() {
    return settings.ttlMillis();
  }

  /** The room's fencing token before this shard's claim (its previous owner's), or null when not held. */
  public Long previousFence(String roomKey) {
    Held h = held.get(roomKey);
    return h == null ? null : h.previousFence;
  }

  /** The fencing token of the room's lease, or null when this shard does not hold it. */
  public Long fence(String roomKey) {
    Held h = held.get(roomKey);
    return h == null ? null : h.fence;
  }

  /** Claims the room's lease; completes with its fencing token, or fails once the wait is over. */
  public Future<Long> acquire(String roomKey) {
    Promise<Long> claimed = Promise.promise();
    claim(roomKey, claimed, System.nanoTime() + settings.waitMillis() * 1_000_000L, true);
    return claimed.future();
  }

  private void claim(String roomKey, Promise<Long> claimed, long giveUpAtNanos, boolean first) {
    Held own = held.get(roomKey);
    if (own != null) { // passed to this shard by the room's previous owner (adopt), perhaps while waiting
      claimed.complete(own.fence);
      return;
    }
    long sentAt = System.nanoTime();
    vertx.eventBus().<Buffer>request(Addresses.PERSISTENCE,
        StorageMessages.claim(roomKey, settings.node(), settings.ttlMillis()), options).onComplete(ar -> {
      if (ar.failed()) {
        claimed.fail(ar.cause());
        return;
      }
      Claimed c = new StorageMessages.Reader(ar.result().body()).claimed();
      Long nudged = releasedAt.remove(roomKey);
      if (c.status() == StorageMessages.OK) {
        // A claim that overtook the hand-over re-claims the lease passed here: the room's previous
        // owner is then the one that passed it (see adopt).
        Held passed = held.get(roomKey);
        long previous = passed != null && passed.fence == c.previousFence() ? passed.previousFence : c.previousFence();
        held.put(roomKey, new Held(c.fence(), previous, sentAt + settings.ttlMillis() * 1_000_000L));
        startTimer();
        claimed.complete(c.fence());
      } else if (System.nanoTime() >= giveUpAtNanos) {
        claimed.fail(new IllegalStateException("room is still held by node " + c.holder()));
      } else if (nudged != null && nudged - sentAt >= 0) {
        // The holder released the room while this claim was on its way (refused just before): again now.
        claim(roomKey, claimed, giveUpAtNanos, false);
      } else {
        if (first) {
          log.atInfo().addKeyValue("room", roomKey).addKeyValue("holder", c.holder())
              .log("waiting for the room's lease (released on hand-over, else expires in {} ms)", c.ttlMillis());
        }
        // Retry when the holder says it released the room, or when its lease must have run out.
        long delay = Math.max(1, Math.min(c.ttlMillis() + 1, settings.ttlMillis() / 5));
        long retry = vertx.setTimer(delay, id -> {
          waiting.remove(roomKey);
          claim(roomKey, claimed, giveUpAtNanos, false);
        });
        waiting.put(roomKey, () -> {
          if (vertx.cancelTimer(retry)) {
            claim(roomKey, claimed, giveUpAtNanos, false);
          }
        });
      }
    });
  }

  /** The room's previous holder released it: a claim waiting for it tries again now. */
  public void released(String roomKey) {
    Runnable retry = waiting.remove(roomKey);
    if (retry != null) {
      retry.run();
    } else if (!held.containsKey(roomKey)) {
      long now = System.nanoTime();
      releasedAt.values().removeIf(at -> now - at > settings.ttlMillis() * 1_000_000L);
      releasedAt.put(roomKey, now);
    }
  }

  /**
   * Gives the lease with that token up (a hand-over or an unload), so another node may claim the
   * room now; a newer lease of the room (claimed again meanwhile) is kept.
   */
  public Future<Void> release(String roomKey, long fence) {
    Held h = held.get(roomKey);
    if (h == null || h.fence != fence) {
      return Future.succeededFuture();
    }
    held.remove(roomKey);
    return sendRelease(roomKey, fence);
  }

  private Future<Void> sendRelease(String roomKey, long fence) {
    return vertx.eventBus().<Buffer>request(Addresses.PERSISTENCE,
        StorageMessages.release(roomKey, settings.node(), fence), options).<Void>mapEmpty()
        .recover(err -> {
          // Not fatal: the lease then runs out by itself within its ttl.
          log.atWarn().addKeyValue("room", roomKey).log("lease release failed: {}", err.toString());
          return Future.succeededFuture();
        });
  }

  /**
   * Passes the lease with that token straight to the room's next owner (a graceful hand-over), which
   * then serves the room without a claim round trip of its own. Completes with what to tell that
   * node, or null when the lease was not passed (it was gone, or the request failed: the lease is
   * then released, which does nothing if it was passed after all, and the next owner claims it).
   */
  public Future<PassedLease> pass(String roomKey, long fence, String nextNode) {
    Held h = held.get(roomKey);
    if (h == null || h.fence != fence) {
      return Future.succeededFuture();
    }
    held.remove(roomKey);
    long sentAt = System.nanoTime();
    return vertx.eventBus().<Buffer>request(Addresses.PERSISTENCE,
        StorageMessages.pass(roomKey, settings.node(), fence, nextNode, settings.ttlMillis()), options)
        .map(reply -> {
          Claimed c = new StorageMessages.Reader(reply.body()).claimed();
          if (c.status() != StorageMessages.OK) {
            return (PassedLease) null;
          }
          // Counted from when the request left: Redis started the lease later than that.
          long left = settings.ttlMillis() - (System.nanoTime() - sentAt) / 1_000_000L;
          return new PassedLease(nextNode, c.fence(), fence, (int) Math.max(0, left));
        })
        .recover(err -> {
          // e.g. a persistence-service from before PASS (a rolling upgrade)
          log.atWarn().addKeyValue("room", roomKey).log("lease pass failed, releasing instead: {}", err.toString());
          return sendRelease(roomKey, fence).map((PassedLease) null);
        });
  }

  /**
   * Takes over a lease the room's previous owner passed to this node ({@link #pass}): held from now
   * on, until the time it has left (already reduced by the message's transit) runs out unless renewed.
   */
  public void adopt(String roomKey, PassedLease lease) {
    adopted.increment();
    Held own = held.get(roomKey);
    if (own != null && own.fence >= lease.fence()) {
      // A claim of this node's (a client's join overtook the hand-over) took the passed lease over.
      if (own.previousFence == lease.fence()) {
        own.previousFence = lease.previousFence();
      }
      return;
    }
    held.put(roomKey, new Held(lease.fence(), lease.previousFence(),
        System.nanoTime() + lease.millisLeft() * 1_000_000L));
    startTimer();
  }

  /** Stops serving the room: its lease is no longer ours (taken over, or not renewed in time). */
  public void drop(String roomKey, String why) {
    if (held.remove(roomKey) != null) {
      lostCount.increment();
      log.atWarn().addKeyValue("room", roomKey).log("room lease lost: {}", why);
      lost.accept(roomKey);
    }
  }

  private void startTimer() {
    if (timer < 0) {
      // Deadlines are checked at a tenth of the ttl, so a lease is dropped well before it expires.
      timer = vertx.setPeriodic(Math.max(10, settings.ttlMillis() / 10), id -> tick());
    }
  }

  private void tick() {
    long now = System.nanoTime();
    long margin = settings.ttlMillis() * 100_000L; // a tenth of the ttl, in ns
    for (Map.Entry<String, Held> e : new ArrayList<>(held.entrySet())) {
      if (now >= e.getValue().deadlineNanos - margin) {
        drop(e.getKey(), "not renewed within the lease ttl");
      }
    }
    if (held.isEmpty()) {
      vertx.cancelTimer(timer);
      timer = -1;
    } else if (!renewing && now - lastRenewalNanos >= settings.ttlMillis() * 1_000_000L / 3) {
      renew();
    }
  }

  private void renew() {
    List<Lease> leases = new ArrayList<>(held.size());
    held.forEach((key, h) -> leases.add(new Lease(key, h.fence)));
    long sentAt = System.nanoTime();
    lastRenewalNanos = sentAt;
    renewing = true;
    vertx.eventBus().<Buffer>request(Addresses.PERSISTENCE,
        StorageMessages.renew(settings.node(), settings.ttlMillis(), leases),
        new DeliveryOptions().setSendTimeout(Math.max(100, settings.ttlMillis() / 2))).onComplete(ar -> {
      renewing = false;
      if (ar.failed()) {
        renewalFailures.increment(leases.size());
        log.atWarn().addKeyValue("leases", leases.size()).log("lease renewal failed: {}", ar.cause().toString());
        return;
      }
      Buffer status = ar.result().body();
      for (int i = 0; i < leases.size() && i < status.length(); i++) {
        Lease lease = leases.get(i);
        Held h = held.get(lease.roomKey());
        if (h == null || h.fence != lease.fence()) {
          continue; // released or claimed again meanwhile
        }
        switch (status.getByte(i)) {
          case StorageMessages.OK -> {
            h.deadlineNanos = sentAt + settings.ttlMillis() * 1_000_000L;
            renewals.increment();
          }
          case StorageMessages.STALE -> drop(lease.roomKey(), "the lease expired or another node holds it");
          default -> renewalFailures.increment();
        }
      }
    });
  }

  /** Every room whose lease this shard holds. */
  public List<String> rooms() {
    return List.copyOf(held.keySet());
  }
}
