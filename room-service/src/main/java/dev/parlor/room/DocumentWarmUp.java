package dev.parlor.room;

import dev.parlor.common.bus.RoomEnvelope;
import dev.parlor.common.bus.RoomEnvelope.Op;
import dev.parlor.common.bus.StorageMessages;
import dev.parlor.common.bus.StorageMessages.Loaded;
import dev.parlor.common.warmup.WarmUpBudget;
import dev.parlor.room.yjs.YjsDocument;
import dev.parlor.yjs.TextUpdates;
import dev.parlor.yjs.YUpdates;
import dev.parlor.yjs.protocol.YMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a room's document paths (load, merge, novelty checks, diffs, hand-over encoding) on a
 * synthetic document before a room node announces itself. A node that joins is given rooms at once
 * (a scale-up, a rolling update), and in a fresh JVM the first megabyte-sized documents load and
 * diff ten to a hundred times slower than once the JIT has compiled those paths.
 */
public final class DocumentWarmUp {
  private static final int CLIENTS = 4;
  private static final int BULK_CHARS = 50_000;
  private static final int TYPED = 500;

  private DocumentWarmUp() {
  }

  /** Rounds run until the budget is spent or maxRounds, whichever comes first; returns the rounds run. */
  public static int run(WarmUpBudget budget, int maxRounds) {
    List<byte[]> updates = syntheticEdits();
    int rounds = 0;
    while (rounds < maxRounds && !budget.spent()) {
      round(updates);
      rounds++;
    }
    return rounds;
  }

  private static void round(List<byte[]> updates) {
    YjsDocument stored = new YjsDocument(updates, 64); // a stored log, merged struct by struct
    byte[] state = stored.state();
    YjsDocument room = new YjsDocument(List.of(state), 64); // a snapshot, or a handed-over room
    for (int i = 0; i < 100; i++) {
      byte[] update = TextUpdates.typed(CLIENTS + 1, i, 'x');
      byte[] novel = room.novelPart(YMessage.decode(YMessage.syncUpdate(update)).payload());
      if (novel != null) {
        room.apply(novel);
      }
    }
    new YjsDocument(room.updates(), 64); // base and tail, as a room's previous owner hands them over
    YjsDocument.MergeJob fold = room.foldJob();
    if (fold != null) {
      fold.mergeOnly();
      room.completeMerge(fold, fold.run());
    }
    byte[] partial = YUpdates.stateVector(updates.get(0));
    YjsDocument.step2(room.state(), partial);
    YjsDocument.step2(room.state(), YUpdates.emptyStateVector());
    room.apply(TextUpdates.typed(CLIENTS + 1, 100, 'y'));
    new StorageMessages.Reader(StorageMessages.loaded(new Loaded(1, new byte[0], room.updates()))).loaded();
    RoomEnvelope.decode(RoomEnvelope.frameOfBytes(Op.SEND, 1, "yjs/warm-up", YMessage.syncStep2(state)));
  }

  /** Each client inserts a long text, types after it character by character, and deletes some. */
  private static List<byte[]> syntheticEdits() {
    List<byte[]> updates = new ArrayList<>();
    String bulk = "abcdefghij".repeat(BULK_CHARS / 10);
    for (long client = 1; client <= CLIENTS; client++) {
      updates.add(TextUpdates.insertText(client, bulk));
      for (int i = 0; i < TYPED; i++) {
        updates.add(TextUpdates.typed(client, BULK_CHARS + i, (char) ('a' + i % 26)));
      }
      updates.add(TextUpdates.delete(client, 10, 0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000));
    }
    return updates;
  }
}
