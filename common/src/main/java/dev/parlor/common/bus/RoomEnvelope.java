package dev.parlor.common.bus;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The binary message that carries room traffic between gateways and rooms: a fixed header and the
 * raw WebSocket frame as payload, so nothing is parsed or re-encoded as JSON on the hot path.
 *
 * <pre>
 * byte  op
 * long  connection id      (the target or, for BROADCAST, the excluded connection; 0 = none)
 * long  sent at            (epoch microseconds, for the event-bus latency metric)
 * short room key length, room key (UTF-8, "party/room")
 * short text length, text  (JOIN: gateway address; CLOSE: reason; MOVED: the room address;
 *                          RELEASED: the node its lease was passed to; else empty)
 * short number             (JOIN: access | flags; CLOSE: close code; MOVED: flags; else 0)
 * ...   payload            (the rest: a y-websocket frame, or a state vector where KNOWN_STATE says so)
 * </pre>
 */
public record RoomEnvelope(Op op, long connId, long sentAtMicros, String roomKey, String text, int number,
                           Buffer payload) {

  public enum Op {
    /**
     * gateway to room: a socket joined; text = gateway address, number = {@link Access} ordinal,
     * plus {@link #REATTACH} when the socket was connected to the room's previous owner, plus
     * {@link #KNOWN_STATE} when the payload is a state vector its client is known to hold.
     */
    JOIN,
    /** gateway to room: one client frame. */
    FRAME,
    /** gateway to room: the socket is gone. */
    LEAVE,
    /** room to gateway: payload for one connection. */
    SEND,
    /** room to gateway: payload for every local socket of the room but connId. */
    BROADCAST,
    /** room to gateway: close connection connId with code number and reason text. */
    CLOSE,
    /**
     * room to gateway: the room is not (or no longer) served at the address in text. Without
     * {@link #LAST}, the payload is a client frame the node refused (it is handing the room over, or
     * has): it goes to the room's next owner. With {@link #LAST}, the node has sent the connection
     * everything it ever will (the room left it): route the connection to the room's current owner;
     * with {@link #KNOWN_STATE} too, the payload is the state vector of all the node had sent it.
     */
    MOVED,
    /**
     * room to room: the sender released the room's lease; a claim waiting for it may retry now.
     * With {@link #HAND_OVER}, the payload is what the sender hands the room's next owner
     * ({@link #released}); without it, the payload is the document or empty. A connection id
     * other than 0 names the {@link #COPY} the handed-over document continues: it holds only what
     * the room applied after that copy was taken.
     */
    RELEASED,
    /** any process to a room shard: answered at once (is the shard reachable from here?). */
    PING,
    /**
     * room to room, a request: the room's document, copied ahead to its next owner before the
     * hand-over, so that the owner has it built when the room arrives (connection id = the copy's
     * id, payload = the updates as a {@code StorageMessages.loaded}). Answered once it is built.
     */
    COPY
  }

  /** JOIN flag: the socket moved here from the room's previous owner and needs a resync. */
  public static final int REATTACH = 0x100;

  /**
   * JOIN and MOVED flag: the payload is a state vector the connection's client holds (everything the
   * room's previous owner had, all of which it had sent the client), so the new owner's resync
   * sends only what lies beyond it instead of the whole document.
   */
  public static final int KNOWN_STATE = 0x200;

  /** MOVED flag: the room left the sender; nothing more for this connection comes from it. */
  public static final int LAST = 0x400;

  /**
   * RELEASED flag: the payload is a hand-over: int document length, the document (empty when the
   * sender cannot vouch for it), then the room's awareness table (empty when it has none).
   */
  public static final int HAND_OVER = 0x800;

  /**
   * RELEASED flag: the sender passed the room's lease to the receiver rather than releasing it; the
   * payload starts with the lease ({@link PassedLease}: two longs and an int), the text is the node
   * it was passed to.
   */
  public static final int LEASE_PASSED = 0x1000;

  /**
   * A lease passed to the room's next owner (node): its fencing token, the token it replaced (the
   * sender's, under which the handed-over document is stored) and how long it had left when sent.
   */
  public record PassedLease(String node, long fence, long previousFence, int millisLeft) {
    /** The same lease with less time left (what a message's transit took). */
    public PassedLease less(long millis) {
      return new PassedLease(node, fence, previousFence, (int) Math.max(0, millisLeft - Math.max(0, millis)));
    }
  }

  /** What a room's previous owner hands over with RELEASED; document and awareness may be empty, lease null. */
  public record HandOver(Buffer document, Buffer awareness, PassedLease lease) {
  }

  /** The {@link Access} ordinal in a JOIN's number. */
  public static final int ACCESS_MASK = 0xFF;

  /** The failure code of a JOIN sent to a node that does not own the room: route it again. */
  public static final int JOIN_MOVED = 409;

  /** What a connection may do in its room. */
  public enum Access { READ, WRITE }

  private static final Op[] OPS = Op.values();
  private static final int FIXED = 1 + 8 + 8 + 2;

  public static Buffer encode(Op op, long connId, String roomKey, String text, int number, Buffer payload) {
    Buffer b = header(op, connId, roomKey, text, number, payload == null ? 0 : payload.length());
    return payload == null ? b : b.appendBuffer(payload);
  }

  public static Buffer ping() {
    return encode(Op.PING, 0, "", null, 0, null);
  }

  public static Buffer frame(Op op, long connId, String roomKey, Buffer payload) {
    return encode(op, connId, roomKey, null, 0, payload);
  }

  /** A frame from a byte array, copied once (a room's whole document can be megabytes). */
  public static Buffer frameOfBytes(Op op, long connId, String roomKey, byte[] payload) {
    return header(op, connId, roomKey, null, 0, payload.length).appendBytes(payload);
  }

  /**
   * A RELEASED with what the next owner takes over: the lease (null when released rather than
   * passed), the document (or null) and the awareness table; copyId: the {@link Op#COPY} the
   * document continues, or 0 when it is whole.
   */
  public static Buffer released(String roomKey, long copyId, PassedLease lease, Buffer document, byte[] awareness) {
    int documentLength = document == null ? 0 : document.length();
    int leaseLength = lease == null ? 0 : 20;
    Buffer b = header(Op.RELEASED, copyId, roomKey, lease == null ? null : lease.node(),
        HAND_OVER | (lease == null ? 0 : LEASE_PASSED),
        leaseLength + 4 + documentLength + awareness.length);
    if (lease != null) {
      b.appendLong(lease.fence()).appendLong(lease.previousFence()).appendInt(lease.millisLeft());
    }
    b.appendInt(documentLength);
    if (document != null) {
      b.appendBuffer(document);
    }
    return b.appendBytes(awareness);
  }

  /** The hand-over a RELEASED carries; throws {@link IllegalArgumentException} when it is malformed. */
  public HandOver handOver() {
    if ((number & HAND_OVER) == 0) {
      return new HandOver(payload, Buffer.buffer(), null);
    }
    int at = (number & LEASE_PASSED) == 0 ? 0 : 20;
    if (payload.length() < at + 4) {
      throw new IllegalArgumentException("hand-over of " + payload.length() + " bytes");
    }
    PassedLease lease = at == 0 ? null
        : new PassedLease(text, payload.getLong(0), payload.getLong(8), payload.getInt(16));
    int documentLength = payload.getInt(at);
    if (documentLength < 0 || documentLength > payload.length() - at - 4) {
      throw new IllegalArgumentException("hand-over of " + payload.length() + " bytes with a document of "
          + documentLength);
    }
    int documentEnd = at + 4 + documentLength;
    return new HandOver(payload.slice(at + 4, documentEnd), payload.slice(documentEnd, payload.length()), lease);
  }

  /** The header in a buffer sized for the payload that follows. */
  private static Buffer header(Op op, long connId, String roomKey, String text, int number, int payloadLength) {
    byte[] key = roomKey.getBytes(StandardCharsets.UTF_8);
    byte[] txt = text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer(FIXED + key.length + 2 + txt.length + 2 + payloadLength)
        .appendByte((byte) op.ordinal())
        .appendLong(connId)
        .appendLong(nowMicros())
        .appendShort((short) key.length).appendBytes(key)
        .appendShort((short) txt.length).appendBytes(txt)
        .appendShort((short) number);
  }

  /** Decodes an envelope; throws {@link IllegalArgumentException} for anything malformed. */
  public static RoomEnvelope decode(Buffer b) {
    try {
      int pos = 0;
      int opIndex = b.getByte(pos);
      if (opIndex < 0 || opIndex >= OPS.length) {
        throw new IllegalArgumentException("unknown envelope op " + opIndex);
      }
      pos += 1;
      long connId = b.getLong(pos);
      pos += 8;
      long sentAt = b.getLong(pos);
      pos += 8;
      int keyLen = b.getUnsignedShort(pos);
      pos += 2;
      String key = b.getString(pos, pos + keyLen, "UTF-8");
      pos += keyLen;
      int textLen = b.getUnsignedShort(pos);
      pos += 2;
      String text = b.getString(pos, pos + textLen, "UTF-8");
      pos += textLen;
      int number = b.getUnsignedShort(pos);
      pos += 2;
      return new RoomEnvelope(OPS[opIndex], connId, sentAt, key, text, number, b.slice(pos, b.length()));
    } catch (IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("truncated envelope of " + b.length() + " bytes");
    }
  }

  public static long nowMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }
}
