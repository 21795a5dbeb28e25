package dev.parlor.room.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CompactionSpreadTest {
  @Test
  void roomsPassTheirThresholdsAtDifferentPoints() {
    double[] spreads = IntStream.range(0, 100).mapToDouble(i -> BusRoomStore.compactionSpread("yjs/bench-" + i))
        .toArray();
    for (double s : spreads) {
      assertTrue(s >= 1.0 && s < 1.25, "spread " + s);
    }
    double min = IntStream.range(0, 100).mapToDouble(i -> spreads[i]).min().orElseThrow();
    double max = IntStream.range(0, 100).mapToDouble(i -> spreads[i]).max().orElseThrow();
    assertTrue(max - min > 0.2, "100 rooms spread over most of the range: " + min + ".." + max);
    assertTrue(IntStream.range(0, 100).mapToObj(i -> spreads[i]).distinct().count() > 60, "mostly distinct");
    assertEquals(spreads[7], BusRoomStore.compactionSpread("yjs/bench-7"), "fixed per room");
  }
}
