package dev.parlor.room.yjs;

import dev.parlor.yjs.protocol.YMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * A room's document state. Until the Yjs codec lands this keeps the room's updates as a list and
 * replays them to a joining client; the codec version keeps a merged base plus a short tail and
 * answers with a diff against the client's state vector.
 */
public final class YjsDocument {
  private static final byte[] EMPTY_UPDATE = {0, 0};
  private static final byte[] EMPTY_STATE_VECTOR = {0};

  private final List<byte[]> updates = new ArrayList<>();
  private long bytes;

  public YjsDocument(List<byte[]> stored) {
    stored.forEach(this::apply);
  }

  public void apply(byte[] update) {
    if (isEmptyUpdate(update)) {
      return;
    }
    updates.add(update);
    bytes += update.length;
  }

  public static boolean isEmptyUpdate(byte[] update) {
    return update.length == 2 && update[0] == 0 && update[1] == 0;
  }

  /** The state vector announced in the room's own sync step 1. */
  public byte[] stateVector() {
    return EMPTY_STATE_VECTOR;
  }

  /** The frames that answer a client's sync step 1: everything it lacks, ending with a step 2. */
  public List<byte[]> answerStep1(byte[] clientStateVector) {
    List<byte[]> frames = new ArrayList<>(updates.size() + 1);
    for (byte[] u : updates) {
      frames.add(YMessage.syncUpdate(u));
    }
    frames.add(YMessage.syncStep2(EMPTY_UPDATE));
    return frames;
  }

  public int updateCount() {
    return updates.size();
  }

  public long sizeBytes() {
    return bytes;
  }
}
