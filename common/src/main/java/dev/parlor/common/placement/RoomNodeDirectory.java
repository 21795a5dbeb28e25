package dev.parlor.common.placement;

import dev.parlor.common.bus.Addresses;
import dev.parlor.common.bus.RoomEnvelope;
import dev.parlor.common.cluster.ClusterNode;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live room nodes as this process sees them: room nodes announce themselves in a cluster map
 * when their shards are listening; entries of nodes that left the Hazelcast cluster are ignored.
 * Re-read on every membership change and announcement, each second for a few seconds after one,
 * and otherwise on a long period, so all gateways converge on the same view without a central
 * service in the message path (and an idle cluster does not read the map every second).
 */
public final class RoomNodeDirectory implements RoomOwners {
  private static final Logger log = LoggerFactory.getLogger(RoomNodeDirectory.class);

  private final ClusterNode node;
  private volatile Map<String, Integer> shardsByNode = Map.of();
  private volatile Set<String> members = Set.of();
  private final Set<String> answered = ConcurrentHashMap.newKeySet();
  private final Set<String> pinging = ConcurrentHashMap.newKeySet();
  /** Nodes that said they are leaving: out of the view even while the map still lists them. */
  private final Set<String> withdrawing = ConcurrentHashMap.newKeySet();
  /** Reads of the map are numbered: one that completes after a later one has been applied is stale. */
  private final AtomicLong reads = new AtomicLong();
  private long applied;
  private static final long PING_GIVE_UP_MILLIS = 5_000;
  private static final long PING_RETRY_MILLIS = 100;
  /** After a change, the map is re-read at this period for {@link #SETTLE_MILLIS}: a read during a partition migration can miss entries. */
  private static final long SETTLE_TICK_MILLIS = 1_000;
  private static final long SETTLE_MILLIS = 3_000;
  /** The default of PARLOR_DIRECTORY_REFRESH_MS: each read asks every member for its partitions' entries. */
  private static final long DEFAULT_REFRESH_MILLIS = 10_000;
  private volatile long settleUntil;
  private volatile long lastRead;
  private AsyncMap<String, String> announcements;
  private long timer = -1;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  public RoomNodeDirectory(ClusterNode node) {
    this.node = node;
  }

  /** Starts with the period of PARLOR_DIRECTORY_REFRESH_MS. */
  public Future<Void> start() {
    return start(node.config().longValue("PARLOR_DIRECTORY_REFRESH_MS", DEFAULT_REFRESH_MILLIS, 50, 600_000));
  }

  public Future<Void> start(long refreshMillis) {
    return node.vertx().sharedData().<String, String>getAsyncMap(Addresses.ROOM_NODES_MAP)
        .compose(map -> {
          announcements = map;
          node.clusterManager().getHazelcastInstance().getCluster()
              .addMembershipListener(new com.hazelcast.cluster.MembershipListener() {
                @Override
                public void memberAdded(com.hazelcast.cluster.MembershipEvent e) {
                  node.vertx().runOnContext(v -> changeSeen());
                }

                @Override
                public void memberRemoved(com.hazelcast.cluster.MembershipEvent e) {
                  node.vertx().runOnContext(v -> changeSeen());
                }
              });
          timer = node.vertx().setPeriodic(Math.min(refreshMillis, SETTLE_TICK_MILLIS), id -> {
            long now = System.currentTimeMillis();
            if (now < settleUntil || now - lastRead >= refreshMillis) {
              refresh();
            }
          });
          // A node that announces or withdraws tells everyone at once, so gateways and the rooms'
          // old owners see a change together rather than up to a refresh period apart.
          node.vertx().eventBus().<String>consumer(Addresses.ROOM_NODES_CHANGED, msg -> {
            String body = msg.body();
            if (body != null && body.startsWith(Addresses.WITHDRAWING)) {
              exclude(body.substring(Addresses.WITHDRAWING.length()));
            }
            changeSeen();
          });
          node.onStop(() -> {
            stop();
            return Future.succeededFuture();
          });
          return refresh();
        });
  }

  public void stop() {
    if (timer >= 0) {
      node.vertx().cancelTimer(timer);
    }
  }

  /** Announces this process as a room node with the given number of shards. */
  public Future<Void> announce(int shards) {
    return announcements.put(node.nodeId(), new JsonObject().put("shards", shards).encode())
        .compose(v -> changed());
  }

  /**
   * Withdraws this process's announcement (a graceful leave). Every process drops the node from its
   * view as the message saying so arrives, without reading the map first: on a busy member that
   * read can take longer than the node's hand-overs, whose clients would then be routed back to it.
   */
  public Future<Void> withdraw() {
    node.vertx().eventBus().publish(Addresses.ROOM_NODES_CHANGED, Addresses.WITHDRAWING + node.nodeId());
    exclude(node.nodeId());
    return announcements.remove(node.nodeId()).compose(v -> changed());
  }

  /** Takes a leaving node out of the view now, and keeps it out until it has left the cluster. */
  private void exclude(String id) {
    withdrawing.add(id);
    Map<String, Integer> view = shardsByNode;
    if (view.containsKey(id)) {
      Map<String, Integer> next = new TreeMap<>(view);
      next.remove(id);
      shardsByNode = Map.copyOf(next);
      log.atInfo().addKeyValue("roomNodes", next.keySet()).addKeyValue("leaving", id).log("room nodes changed");
      listeners.forEach(Runnable::run);
    }
  }

  /**
   * This node's own view first, then everyone's: a joining node refuses rooms its view does not
   * give it, so gateways must not route to it before it sees itself (a read of the map can take
   * seconds while Hazelcast migrates partitions to a new member).
   */
  private Future<Void> changed() {
    return refresh().onComplete(ar -> node.vertx().eventBus().publish(Addresses.ROOM_NODES_CHANGED, node.nodeId()));
  }

  /** Reads the map now and, for a few seconds, each second. */
  private void changeSeen() {
    settleUntil = System.currentTimeMillis() + SETTLE_MILLIS;
    refresh();
  }

  public Future<Void> refresh() {
    if (announcements == null) {
      return Future.succeededFuture();
    }
    lastRead = System.currentTimeMillis();
    Future<Map<String, String>> read;
    long number = reads.incrementAndGet();
    try {
      read = announcements.entries();
    } catch (RuntimeException e) { // Vert.x is closing: its worker pool refuses the read
      return Future.failedFuture(e);
    }
    return read.map(entries -> {
      if (apply(number, entries)) {
        listeners.forEach(Runnable::run);
      }
      return null;
    });
  }

  /**
   * Sets the view from one read of the map, unless a later read was applied already: reads run
   * concurrently (the timer, membership events, pings), and an older one completing last would
   * take nodes out of the view, and, emptying it, let the next read admit unpinged nodes at once.
   * True when the listeners are to be told.
   */
  private synchronized boolean apply(long number, Map<String, String> entries) {
    if (number < applied) {
      return false;
    }
    applied = number;
    Set<String> live = Set.copyOf(node.clusterManager().getNodes());
    Map<String, Integer> next = new TreeMap<>();
    // With no room node in view there is nothing to move and nowhere else to route: admit at once.
    boolean admitAll = shardsByNode.isEmpty();
    withdrawing.removeIf(id -> !live.contains(id));
    entries.forEach((id, json) -> {
      if (live.contains(id) && !withdrawing.contains(id)) {
        int shards = new JsonObject(json).getInteger("shards", 1);
        if (admitAll || id.equals(node.nodeId())) {
          answered.add(id);
        }
        if (answered.contains(id)) {
          next.put(id, shards);
        } else {
          ping(id, shards);
        }
      }
    });
    // A node in view stays while it is a live member that did not withdraw, even if this read
    // lacks it: a read during a partition migration (a member joining) can come back without
    // entries that are there, and the view would flap empty. Nodes leave by withdrawing or dying.
    shardsByNode.forEach((id, shards) -> {
      if (!entries.containsKey(id) && live.contains(id) && !withdrawing.contains(id)) {
        next.put(id, shards);
      }
    });
    answered.removeIf(id -> !live.contains(id) || !entries.containsKey(id) && !next.containsKey(id));
    boolean changed = !next.equals(shardsByNode);
    // A member leaving matters even when the room nodes stay the same: a node that withdrew and
    // was handing rooms over may have died midway.
    boolean membersLeft = !live.containsAll(members);
    shardsByNode = Map.copyOf(next);
    members = live;
    if (changed) {
      log.atInfo().addKeyValue("roomNodes", next.keySet()).log("room nodes changed");
    }
    return changed || membersLeft;
  }

  /**
   * A room node new to this view (unless the view was empty) joins it once each of its shards
   * answers a ping through the cluster: its handlers are then reachable from here (a node whose
   * registrations had not spread yet was answered "no handlers" for seconds) and this process's
   * event-bus connection to it is open, so the first rooms moved to it wait for neither. After
   * {@link #PING_GIVE_UP_MILLIS} it joins the view all the same.
   */
  private void ping(String id, int shards) {
    if (!pinging.add(id)) {
      return;
    }
    long giveUpAt = System.currentTimeMillis() + PING_GIVE_UP_MILLIS;
    List<Future<Void>> answers = new ArrayList<>();
    for (int shard = 0; shard < shards; shard++) {
      answers.add(answer(Addresses.roomShard(id, shard), giveUpAt));
    }
    Future.join(answers).onComplete(ar -> {
      if (ar.failed()) {
        log.atWarn().addKeyValue("roomNode", id)
            .log("room node did not answer through the cluster in time; routing to it all the same");
      }
      pinging.remove(id);
      answered.add(id);
      refresh();
    });
  }

  private Future<Void> answer(String address, long giveUpAt) {
    long left = Math.max(1, giveUpAt - System.currentTimeMillis());
    return node.vertx().eventBus().request(address, RoomEnvelope.ping(), new DeliveryOptions().setSendTimeout(left))
        .<Void>mapEmpty()
        .recover(err -> System.currentTimeMillis() >= giveUpAt ? Future.failedFuture(err)
            : node.vertx().timer(PING_RETRY_MILLIS).compose(v -> answer(address, giveUpAt)));
  }

  /** Whether the process is still in the cluster (a withdrawn room node is, until it exits). */
  public boolean isMember(String nodeId) {
    return members.contains(nodeId);
  }

  /** Runs after every change of the set of room nodes, and when a member left (on the directory's context). */
  @Override
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  public List<String> roomNodes() {
    return List.copyOf(shardsByNode.keySet());
  }

  /** The id of the room node that owns roomKey, or null when no room node is live. */
  @Override
  public String ownerOf(String roomKey) {
    return RoomPlacement.owner(roomKey, shardsByNode.keySet());
  }

  /** The event-bus address serving roomKey, or null when no room node is live. */
  @Override
  public String addressFor(String roomKey) {
    return addressOn(ownerOf(roomKey), roomKey);
  }

  /** The address of the room's shard on that node, or null when the node is not a room node (now). */
  @Override
  public String addressOn(String nodeId, String roomKey) {
    Integer shards = nodeId == null ? null : shardsByNode.get(nodeId);
    return shards == null ? null : Addresses.roomShard(nodeId, RoomPlacement.shard(roomKey, shards));
  }
}
