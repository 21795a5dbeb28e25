package dev.parlor.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** CPU time of server processes as the benches count it: each process's own accounting in /proc. */
final class ProcessCpu {
  /** Linux clock ticks per second (USER_HZ) in /proc/PID/stat. */
  static final long TICKS_PER_SECOND = 100;

  private ProcessCpu() {
  }

  /** utime + stime (clock ticks) of the process and its descendants (a server JVM and its Redis). */
  static long treeTicks(long pid) {
    if (pid <= 0) {
      return 0;
    }
    long total = 0;
    List<Long> todo = new ArrayList<>(List.of(pid));
    while (!todo.isEmpty()) {
      long p = todo.remove(todo.size() - 1);
      try {
        String s = Files.readString(Path.of("/proc/" + p + "/stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        total += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (Exception e) {
        continue;
      }
      ProcessHandle.of(p).ifPresent(h -> h.children().forEach(c -> todo.add(c.pid())));
    }
    return total;
  }
}
