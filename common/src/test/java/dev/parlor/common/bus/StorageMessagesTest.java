package dev.parlor.common.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parlor.common.bus.StorageMessages.Claimed;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class StorageMessagesTest {
  @Test
  void aClaimAnswerCarriesTheTokenItReplaced() {
    Claimed c = new StorageMessages.Reader(StorageMessages.claimed(
        new Claimed(StorageMessages.OK, 42, "node-b", 5_000, 17))).claimed();
    assertEquals(new Claimed(StorageMessages.OK, 42, "node-b", 5_000, 17), c);
  }

  @Test
  void anAnswerWithoutThePreviousTokenReadsAsNone() {
    // What a persistence-service from before the hand-over of documents sends.
    Buffer old = StorageMessages.claimed(new Claimed(StorageMessages.OK, 42, "node-b", 5_000, 17));
    Claimed c = new StorageMessages.Reader(old.getBuffer(0, old.length() - 8)).claimed();
    assertEquals(new Claimed(StorageMessages.OK, 42, "node-b", 5_000, 0), c);
  }
}
