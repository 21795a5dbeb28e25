package dev.parlor.gateway.socket;

import dev.parlor.common.room.RoomRef;
import dev.parlor.gateway.access.Grant;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One client's room WebSocket on this gateway, with the bound on what may wait to be written to
 * it: a client that does not read is closed (4408) instead of growing memory without limit.
 */
public final class ClientSocket {
  private final long connId;
  private final RoomRef room;
  private final ServerWebSocket ws;
  private final long maxPendingBytes;
  private String roomAddress;
  private final Grant grant;
  private long pendingBytes;
  private boolean closed;
  private long reroutingSinceMillis;
  private Buffer knownState;
  private final ArrayDeque<Buffer> held = new ArrayDeque<>();
  private long heldBytes;

  public ClientSocket(long connId, RoomRef room, ServerWebSocket ws, String roomAddress, long maxPendingBytes,
                      Grant grant) {
    this.grant = grant;
    this.connId = connId;
    this.room = room;
    this.ws = ws;
    this.roomAddress = roomAddress;
    this.maxPendingBytes = maxPendingBytes;
  }

  public long connId() {
    return connId;
  }

  public RoomRef room() {
    return room;
  }

  /** Who is connected, with what access, under which token. */
  public Grant grant() {
    return grant;
  }

  public String roomAddress() {
    return roomAddress;
  }

  /** The room now lives elsewhere: frames go to the new address from now on. */
  public void moveTo(String address) {
    this.roomAddress = address;
  }

  /** When the room first answered MOVED without a successful join since, or 0. */
  public long reroutingSince() {
    return reroutingSinceMillis;
  }

  public void rerouting(long nowMillis) {
    if (reroutingSinceMillis == 0) {
      reroutingSinceMillis = nowMillis;
    }
  }

  public void joined() {
    reroutingSinceMillis = 0;
    knownState = null;
  }

  /**
   * The state vector of everything the room's previous owner had sent this client (from its last
   * MOVED), for the next join; null when unknown (the owner crashed, or had not synced the client).
   */
  public Buffer knownState() {
    return knownState;
  }

  public void knownState(Buffer stateVector) {
    this.knownState = stateVector;
  }

  /**
   * Keeps a client frame the room's node refused while handing the room over, for its next owner;
   * false when the frames kept would exceed the socket's bound.
   */
  public boolean hold(Buffer frame) {
    if (heldBytes + frame.length() > maxPendingBytes) {
      return false;
    }
    held.add(frame);
    heldBytes += frame.length();
    return true;
  }

  /** The frames kept by {@link #hold}, in arrival order; none are kept afterwards. */
  public List<Buffer> takeHeld() {
    List<Buffer> frames = List.copyOf(held);
    held.clear();
    heldBytes = 0;
    return frames;
  }

  public boolean isClosed() {
    return closed;
  }

  /** Outcome of a write. */
  public enum Write { WRITTEN, CLOSED, TOO_FAR_BEHIND }

  /** Writes a frame unless the socket is closed or already has too much waiting to be written. */
  public Write write(Buffer frame) {
    if (closed) {
      return Write.CLOSED;
    }
    int len = frame.length();
    if (pendingBytes + len > maxPendingBytes) {
      return Write.TOO_FAR_BEHIND;
    }
    pendingBytes += len;
    ws.writeBinaryMessage(frame).onComplete(ar -> pendingBytes -= len);
    return Write.WRITTEN;
  }

  public void close(short code, String reason) {
    if (!closed) {
      closed = true;
      ws.close(code, reason);
    }
  }

  /** The socket closed from the client side or the network. */
  public void markClosed() {
    closed = true;
  }

  public long maxPendingBytes() {
    return maxPendingBytes;
  }
}
