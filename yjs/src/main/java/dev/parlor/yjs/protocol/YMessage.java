package dev.parlor.yjs.protocol;

import dev.parlor.yjs.Lib0Reader;
import dev.parlor.yjs.Lib0Writer;
import dev.parlor.yjs.YjsFormatException;

/**
 * One y-websocket message: the frame a client and a server exchange. {@code payload} is the state
 * vector (step 1), the update (step 2, update), the awareness update, or the UTF-8 reason of a
 * permission-denied auth message; empty for query-awareness.
 */
public record YMessage(Kind kind, byte[] payload) {

  public enum Kind { SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE, AWARENESS, AUTH_DENIED, QUERY_AWARENESS }

  public static final int MESSAGE_SYNC = 0;
  public static final int MESSAGE_AWARENESS = 1;
  public static final int MESSAGE_AUTH = 2;
  public static final int MESSAGE_QUERY_AWARENESS = 3;

  public static final int SYNC_STEP1 = 0;
  public static final int SYNC_STEP2 = 1;
  public static final int SYNC_UPDATE = 2;

  /** Decodes one whole frame; trailing bytes, unknown types and truncation are errors. */
  public static YMessage decode(byte[] frame) {
    Lib0Reader r = new Lib0Reader(frame);
    int type = r.readVarUintAsInt();
    YMessage msg;
    switch (type) {
      case MESSAGE_SYNC -> {
        int at = r.pos();
        int sub = r.readVarUintAsInt();
        Kind kind = switch (sub) {
          case SYNC_STEP1 -> Kind.SYNC_STEP1;
          case SYNC_STEP2 -> Kind.SYNC_STEP2;
          case SYNC_UPDATE -> Kind.SYNC_UPDATE;
          default -> throw new YjsFormatException("unknown sync message type " + sub, at);
        };
        msg = new YMessage(kind, r.readVarUint8Array());
      }
      case MESSAGE_AWARENESS -> msg = new YMessage(Kind.AWARENESS, r.readVarUint8Array());
      case MESSAGE_AUTH -> {
        int at = r.pos();
        int sub = r.readVarUintAsInt();
        if (sub != 0) {
          throw new YjsFormatException("unknown auth message type " + sub, at);
        }
        msg = new YMessage(Kind.AUTH_DENIED, r.readVarUint8Array());
      }
      case MESSAGE_QUERY_AWARENESS -> msg = new YMessage(Kind.QUERY_AWARENESS, new byte[0]);
      default -> throw new YjsFormatException("unknown message type " + type, 0);
    }
    if (r.hasRemaining()) {
      throw new YjsFormatException("trailing bytes after message", r.pos());
    }
    return msg;
  }

  public byte[] encode() {
    // sized exactly, so that a step 2 of a whole document is copied once
    int header = kind == Kind.AWARENESS || kind == Kind.QUERY_AWARENESS ? 1 : 2;
    Lib0Writer w = new Lib0Writer(kind == Kind.QUERY_AWARENESS ? 1
        : header + Lib0Writer.varUintSize(payload.length) + payload.length);
    switch (kind) {
      case SYNC_STEP1 -> w.writeVarUint(MESSAGE_SYNC).writeVarUint(SYNC_STEP1).writeVarUint8Array(payload);
      case SYNC_STEP2 -> w.writeVarUint(MESSAGE_SYNC).writeVarUint(SYNC_STEP2).writeVarUint8Array(payload);
      case SYNC_UPDATE -> w.writeVarUint(MESSAGE_SYNC).writeVarUint(SYNC_UPDATE).writeVarUint8Array(payload);
      case AWARENESS -> w.writeVarUint(MESSAGE_AWARENESS).writeVarUint8Array(payload);
      case AUTH_DENIED -> w.writeVarUint(MESSAGE_AUTH).writeVarUint(0).writeVarUint8Array(payload);
      case QUERY_AWARENESS -> w.writeVarUint(MESSAGE_QUERY_AWARENESS);
    }
    return w.detach();
  }

  public static byte[] syncStep1(byte[] stateVector) {
    return new YMessage(Kind.SYNC_STEP1, stateVector).encode();
  }

  public static byte[] syncStep2(byte[] update) {
    return new YMessage(Kind.SYNC_STEP2, update).encode();
  }

  public static byte[] syncUpdate(byte[] update) {
    return new YMessage(Kind.SYNC_UPDATE, update).encode();
  }

  public static byte[] awareness(byte[] awarenessUpdate) {
    return new YMessage(Kind.AWARENESS, awarenessUpdate).encode();
  }

  public static byte[] permissionDenied(String reason) {
    return new Lib0Writer().writeVarUint(MESSAGE_AUTH).writeVarUint(0).writeVarString(reason).toByteArray();
  }
}
