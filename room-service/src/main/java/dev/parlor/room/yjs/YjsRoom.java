package dev.parlor.room.yjs;

import dev.parlor.common.bus.CloseCodes;
import dev.parlor.common.bus.RoomEnvelope.Access;
import dev.parlor.room.host.RoomOutput;
import dev.parlor.room.store.RoomStore;
import dev.parlor.room.store.StaleOwnerException;
import dev.parlor.yjs.StateVectors;
import dev.parlor.yjs.YUpdates;
import dev.parlor.yjs.YjsFormatException;
import dev.parlor.yjs.protocol.AwarenessUpdate;
import dev.parlor.yjs.protocol.AwarenessUpdate.Entry;
import dev.parlor.yjs.protocol.YMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The y-websocket protocol for one room: sync, updates (stored before they are broadcast),
 * awareness, read-only connections. Runs on one thread; no Vert.x beyond its futures.
 */
public final class YjsRoom {
  private static final Logger log = LoggerFactory.getLogger(YjsRoom.class);

  private final String roomKey;
  private final YjsDocument doc;
  private final RoomStore store;
  private final RoomOutput out;
  private final AwarenessTable awareness = new AwarenessTable();
  private final Map<Long, Access> connections = new HashMap<>();
  /** Connections sent a step 2: they hold everything the room has (all later updates are relayed to them). */
  private final Set<Long> synced = new HashSet<>();
  /**
   * For a room loaded from the document its previous owner handed over: that document's state, and
   * the updates applied since (null once there are too many), so that a re-attached client whose
   * known state is that state gets only those, without a diff of the whole document.
   */
  private Map<Long, Long> handedOverState;
  private List<byte[]> sinceHandOver;
  static final int MAX_SINCE_HAND_OVER = 256;

  /**
   * Documents and updates from this size on are worked on off the event loop (a 64 KB scan takes
   * about a millisecond; below that a thread hop costs more than it saves).
   */
  static final int OFF_LOOP_BYTES = 64 * 1024;

  public YjsRoom(String roomKey, YjsDocument doc, RoomStore store, RoomOutput out) {
    this.roomKey = roomKey;
    this.doc = doc;
    this.store = store;
    this.out = out;
  }

  /**
   * A connection joined: send the room's step 1 and the awareness states present. A connection
   * re-attached from the room's previous owner also gets a step 2, since its client will not send a
   * step 1 of its own: what lies beyond {@code knownState} (the state vector of all the previous
   * owner had sent it), or the whole document when that is unknown (the previous owner died, and
   * may have stored updates it never relayed).
   */
  public void join(long connId, Access access, boolean reattached, byte[] knownState) {
    connections.put(connId, access);
    out.send(connId, YMessage.syncStep1(doc.stateVector()));
    if (reattached) {
      boolean known = knownState != null && isStateVector(knownState);
      if (known && handedOverState != null && handedOverState.equals(StateVectors.decode(knownState))) {
        // It holds the handed-over document, deletions too (its old owner relayed every update).
        sendStep2(connId, YMessage.syncStep2(sinceHandOver.isEmpty() ? EMPTY_UPDATE : YUpdates.merge(sinceHandOver)));
      } else {
        sendMissing(connId, known ? knownState : YUpdates.emptyStateVector());
      }
    }
    AwarenessUpdate present = awareness.present();
    if (!present.entries().isEmpty()) {
      out.send(connId, YMessage.awareness(present.encode()));
    }
  }

  private static final byte[] EMPTY_UPDATE = {0, 0};

  /**
   * The document is exactly what the room's previous owner had and relayed to its clients (the
   * handed-over document it vouched for): clients re-attached with that state get only what the
   * room applies from now on. Only for such a document: one read back from storage may hold a
   * deletion its clients were never sent, which a state vector does not show.
   */
  public void handedOver() {
    handedOverState = StateVectors.decode(doc.stateVector());
    sinceHandOver = new ArrayList<>();
  }

  private boolean isStateVector(byte[] bytes) {
    try {
      StateVectors.decode(bytes);
      return true;
    } catch (YjsFormatException e) {
      log.atWarn().addKeyValue("room", roomKey).log("ignored a malformed known state vector: {}", e.getMessage());
      return false;
    }
  }

  public void leave(long connId) {
    if (connections.remove(connId) == null) {
      return;
    }
    synced.remove(connId);
    List<Entry> removed = awareness.removeConnection(connId);
    if (!removed.isEmpty()) {
      out.broadcast(connId, YMessage.awareness(new AwarenessUpdate(removed).encode()));
    }
  }

  /** The awareness states and who announced each, for the room's next owner ({@link AwarenessTable#export}). */
  public byte[] exportAwareness() {
    return awareness.export();
  }

  /**
   * Takes in the awareness states the room's previous owner handed over, so that clients joining
   * now see the others at once instead of after their next renewal. A table that does not decode
   * is logged and ignored.
   */
  public void restoreAwareness(byte[] exported) {
    try {
      awareness.restore(exported);
    } catch (YjsFormatException e) {
      log.atWarn().addKeyValue("room", roomKey).log("ignored a malformed handed-over awareness table: {}",
          e.getMessage());
    }
  }

  /**
   * Removes the states of connections that are not here (handed over, but never re-attached: they
   * closed during the move) and tells the others, as a closing connection's would be.
   */
  public void dropAwarenessOfAbsent() {
    for (long connId : awareness.connections()) {
      if (!connections.containsKey(connId)) {
        List<Entry> removed = awareness.removeConnection(connId);
        if (!removed.isEmpty()) {
          out.broadcast(0, YMessage.awareness(new AwarenessUpdate(removed).encode()));
        }
      }
    }
  }

  /**
   * Whether the connection was sent a step 2: if so, its client holds everything in the document
   * (what the room's next owner may take it to hold).
   */
  public boolean isSynced(long connId) {
    return synced.contains(connId);
  }

  public boolean isEmpty() {
    return connections.isEmpty();
  }

  public int connectionCount() {
    return connections.size();
  }

  public YjsDocument document() {
    return doc;
  }

  /** One frame from a client. A frame that does not decode closes that connection only. */
  public void message(long connId, byte[] frame) {
    Access access = connections.get(connId);
    if (access == null) {
      return;
    }
    YMessage msg;
    try {
      msg = YMessage.decode(frame);
    } catch (YjsFormatException e) {
      reject(connId, "malformed message: " + e.getMessage());
      return;
    }
    switch (msg.kind()) {
      case SYNC_STEP1 -> step1(connId, msg.payload());
      case SYNC_STEP2, SYNC_UPDATE -> update(connId, access, msg, frame);
      case AWARENESS -> awareness(connId, msg.payload(), frame);
      case QUERY_AWARENESS -> out.send(connId, YMessage.awareness(awareness.present().encode()));
      case AUTH_DENIED -> { } // clients have nothing to say to the server with this message
    }
  }

  private void step1(long connId, byte[] clientStateVector) {
    try {
      StateVectors.decode(clientStateVector);
    } catch (YjsFormatException e) {
      reject(connId, "malformed state vector: " + e.getMessage());
      return;
    }
    sendMissing(connId, clientStateVector);
  }

  /**
   * Sends a step 2 with what a client with that state vector lacks. A folded document and an empty
   * vector (a new client) cost nothing; a fold or a diff of a large document runs off the loop and
   * the step 2 follows when it is done: updates broadcast meanwhile may reach the client first, as
   * with y-websocket's own server, and Yjs applies them in any order.
   */
  private void sendMissing(long connId, byte[] clientStateVector) {
    byte[] folded = doc.foldedState();
    if (folded != null && YjsDocument.isEmptyStateVector(clientStateVector)
        || doc.sizeBytes() < OFF_LOOP_BYTES) {
      sendStep2(connId, doc.answerStep1(clientStateVector));
      return;
    }
    YjsDocument.MergeJob fold = doc.foldJob();
    out.offLoop(() -> {
      YjsDocument.Merged merged = fold == null ? null : fold.mergeOnly();
      return new Answer(merged, YjsDocument.step2(merged == null ? folded : merged.base(), clientStateVector));
    }).onComplete(ar -> {
      if (ar.failed()) {
        log.atError().addKeyValue("room", roomKey).log("step 2 could not be computed: {}", ar.cause().toString());
        out.close(connId, CloseCodes.ROOM_UNAVAILABLE, "document could not be read; reconnect");
        return;
      }
      if (ar.result().merged() != null) {
        doc.completeMerge(fold, ar.result().merged()); // the next joiner finds it folded
      }
      sendStep2(connId, ar.result().step2());
    });
  }

  private void sendStep2(long connId, byte[] step2) {
    if (connections.containsKey(connId)) {
      synced.add(connId);
      out.send(connId, step2);
    }
  }

  /** A step 2 computed off the loop, and the fold it took if there was a tail. */
  private record Answer(YjsDocument.Merged merged, byte[] step2) {
  }

  private void update(long connId, Access access, YMessage msg, byte[] frame) {
    byte[] update = msg.payload();
    if (YjsDocument.isEmptyUpdate(update)) {
      return;
    }
    if (access != Access.WRITE) {
      out.send(connId, YMessage.permissionDenied("read-only access: updates are not accepted"));
      return;
    }
    if (update.length >= OFF_LOOP_BYTES) {
      // e.g. a reconnecting client's whole state: its check takes time proportional to its size
      out.offLoopInOrder(doc.novelPartCheck(update)).onComplete(ar -> {
        doc.novelPartCheckDone();
        if (ar.succeeded()) {
          store(connId, msg, frame, ar.result());
        } else if (ar.cause() instanceof YjsFormatException e) {
          reject(connId, "invalid Yjs update: " + e.getMessage());
        } else {
          log.atError().addKeyValue("room", roomKey).log("update could not be checked: {}", ar.cause().toString());
          out.close(connId, CloseCodes.ROOM_UNAVAILABLE, "update could not be checked; reconnect");
        }
      });
      return;
    }
    byte[] novel;
    try {
      novel = doc.novelPart(update);
    } catch (YjsFormatException e) {
      reject(connId, "invalid Yjs update: " + e.getMessage());
      return;
    }
    store(connId, msg, frame, novel);
  }

  /** Stores the novel part of an update, then applies and broadcasts it. */
  private void store(long connId, YMessage msg, byte[] frame, byte[] novel) {
    byte[] update = msg.payload();
    if (novel == null) {
      return; // the room has all of it already (a reconnecting client's state): nothing to store or relay
    }
    // Other clients see only what is stored: broadcast after the append is acknowledged.
    byte[] relay = msg.kind() == YMessage.Kind.SYNC_UPDATE && java.util.Arrays.equals(novel, update)
        ? frame : YMessage.syncUpdate(novel);
    store.append(roomKey, novel).onComplete(ar -> {
      if (ar.succeeded()) {
        doc.apply(novel);
        if (sinceHandOver != null) {
          sinceHandOver.add(novel);
          if (sinceHandOver.size() > MAX_SINCE_HAND_OVER) { // later joiners get a diff of the whole
            handedOverState = null;
            sinceHandOver = null;
          }
        }
        out.broadcast(connId, relay);
        out.documentChanged();
      } else if (ar.cause() instanceof StaleOwnerException) {
        out.lostOwnership(); // the host logs it once, however many updates were in flight
      } else {
        log.atWarn().addKeyValue("room", roomKey).addKeyValue("conn", connId)
            .log("update not stored, connection closed: {}", ar.cause().toString());
        out.close(connId, CloseCodes.ROOM_UNAVAILABLE, "update could not be stored; reconnect");
      }
    });
  }

  private void awareness(long connId, byte[] payload, byte[] frame) {
    AwarenessUpdate update;
    try {
      update = AwarenessUpdate.decode(payload);
    } catch (YjsFormatException e) {
      reject(connId, "malformed awareness update: " + e.getMessage());
      return;
    }
    List<Entry> accepted = awareness.apply(connId, update);
    if (accepted.isEmpty()) {
      return;
    }
    byte[] relay = accepted.size() == update.entries().size()
        ? frame : YMessage.awareness(new AwarenessUpdate(accepted).encode());
    out.broadcast(connId, relay);
  }

  private void reject(long connId, String reason) {
    log.atWarn().addKeyValue("room", roomKey).addKeyValue("conn", connId).log("closing connection: {}", reason);
    out.close(connId, CloseCodes.MALFORMED, truncate(reason));
  }

  /** Close reasons must fit in a control frame (123 bytes). */
  static String truncate(String reason) {
    return reason.length() <= 120 ? reason : reason.substring(0, 117) + "...";
  }
}
