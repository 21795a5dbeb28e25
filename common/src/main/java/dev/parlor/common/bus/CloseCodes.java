package dev.parlor.common.bus;

/**
 * WebSocket close codes Parlor sends, with the meaning documented in docs/errors.md. 4xxx codes
 * mirror the HTTP status they resemble.
 */
public final class CloseCodes {
  private CloseCodes() {
  }

  /** The server is shutting down; reconnect (the stock providers do). */
  public static final short GOING_AWAY = 1001;
  /** A frame larger than PARLOR_MAX_FRAME_BYTES. */
  public static final short TOO_BIG = 1009;
  /** Not a y-websocket message, or a Yjs update that does not decode. */
  public static final short MALFORMED = 4400;
  /** Access to the room was revoked while connected. */
  public static final short FORBIDDEN = 4403;
  /** The client did not read its messages fast enough; its outbound queue overflowed. */
  public static final short SLOW_CONSUMER = 4408;
  /** The room could not be reached or loaded; reconnecting is safe. */
  public static final short ROOM_UNAVAILABLE = 4503;
}
