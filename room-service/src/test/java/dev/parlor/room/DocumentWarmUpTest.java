package dev.parlor.room;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parlor.common.warmup.WarmUpBudget;
import org.junit.jupiter.api.Test;

class DocumentWarmUpTest {
  @Test
  void itsRoundsRunOnAValidDocumentWithinTheirBounds() {
    assertEquals(3, DocumentWarmUp.run(WarmUpBudget.start(60_000), 3), "every round ran: the synthetic updates are valid Yjs");
    assertEquals(0, DocumentWarmUp.run(WarmUpBudget.start(0), 3), "no time, no rounds");
  }
}
