package dev.parlor.common.warmup;

import dev.parlor.common.config.ParlorConfig;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * How long a service warms up before it reports ready: PARLOR_WARMUP_MS of this process's CPU
 * time, and at most {@link #WALL_FACTOR} times that by the clock. CPU time, because what a warm-up
 * is for (the JIT compiling the hot paths) takes CPU: JVMs starting together on one core got a
 * round or two out of a budget by the clock. Checked between rounds, so a round may overrun it.
 */
public final class WarmUpBudget {
  private static final long DEFAULT_MILLIS = 3000;
  static final int WALL_FACTOR = 3;

  private final long millis;
  private final LongSupplier cpuNanos;
  private final LongSupplier wallNanos;
  private final long cpuStart;
  private final long wallStart;

  WarmUpBudget(long millis, LongSupplier cpuNanos, LongSupplier wallNanos) {
    this.millis = millis;
    this.cpuNanos = cpuNanos;
    this.wallNanos = wallNanos;
    this.cpuStart = cpuNanos.getAsLong();
    this.wallStart = wallNanos.getAsLong();
  }

  /** A budget of PARLOR_WARMUP_MS (default 3000; 0 skips the warm-up), starting now. */
  public static WarmUpBudget from(ParlorConfig config) {
    return start(config.longValue("PARLOR_WARMUP_MS", DEFAULT_MILLIS, 0, 60_000));
  }

  public static WarmUpBudget start(long millis) {
    return new WarmUpBudget(millis, WarmUpBudget::processCpuNanos, System::nanoTime);
  }

  /** Whether there is no warm-up at all (PARLOR_WARMUP_MS=0). */
  public boolean none() {
    return millis == 0;
  }

  /** Whether the process has had the budget's CPU time since it started, or its clock time is up. */
  public boolean spent() {
    return cpuNanos.getAsLong() - cpuStart >= millis * 1_000_000L
        || wallNanos.getAsLong() - wallStart >= wallMillis() * 1_000_000L;
  }

  /** The longest a warm-up may take by the clock: the timeout for its requests. */
  public long wallMillis() {
    return Math.max(1, millis * WALL_FACTOR);
  }

  /** CPU time of the whole process (every thread), or the clock where the JVM does not tell it. */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      long cpu = os.getProcessCpuTime();
      if (cpu >= 0) {
        return cpu;
      }
    }
    return System.nanoTime();
  }
}
