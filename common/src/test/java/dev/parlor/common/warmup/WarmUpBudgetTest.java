package dev.parlor.common.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WarmUpBudgetTest {
  private static final long MS = 1_000_000L;
  private final AtomicLong cpu = new AtomicLong(5_000 * MS);
  private final AtomicLong wall = new AtomicLong(9_000 * MS);
  private final WarmUpBudget budget = new WarmUpBudget(3000, cpu::get, wall::get);

  @Test
  void aProcessSharingItsCoreGetsItsCpuTimeBeforeTheClockEndsIt() {
    // A seventh of a core: 3 s of CPU would take 21 s; the clock ends it at three times the budget.
    cpu.addAndGet(1200 * MS);
    wall.addAndGet(8400 * MS);
    assertFalse(budget.spent(), "1.2 s of CPU in 8.4 s is not yet the budget");
    wall.addAndGet(600 * MS);
    assertTrue(budget.spent(), "9 s by the clock is the most a warm-up takes");
  }

  @Test
  void aProcessWithCoresToItselfIsDoneOnceItHasHadTheBudgetsCpuTime() {
    cpu.addAndGet(2999 * MS);
    wall.addAndGet(1500 * MS);
    assertFalse(budget.spent());
    cpu.addAndGet(MS);
    assertTrue(budget.spent(), "3 s of CPU (two cores for 1.5 s)");
  }

  @Test
  void zeroMeansNoWarmUp() {
    WarmUpBudget none = new WarmUpBudget(0, cpu::get, wall::get);
    assertTrue(none.none());
    assertTrue(none.spent());
    assertFalse(budget.none());
    assertEquals(9000, budget.wallMillis());
  }

  @Test
  void theProcessCpuTimeIsReadAndGrows() {
    long before = WarmUpBudget.processCpuNanos();
    long x = 0;
    for (int i = 0; i < 50_000_000; i++) {
      x += i ^ (x >>> 3);
    }
    assertTrue(WarmUpBudget.processCpuNanos() > before, "CPU time grew while busy " + x);
  }
}
