package dev.parlor.common.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoomPlacementTest {
  private static List<String> rooms(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("yjs/doc-" + i);
    }
    return out;
  }

  @Test
  void noNodeMeansNoOwner() {
    assertNull(RoomPlacement.owner("yjs/doc-1", List.of()));
  }

  @Test
  void spreadsRoomsEvenly() {
    List<String> nodes = List.of("n1", "n2", "n3");
    Map<String, Integer> counts = new HashMap<>();
    for (String r : rooms(30_000)) {
      counts.merge(RoomPlacement.owner(r, nodes), 1, Integer::sum);
    }
    for (String n : nodes) {
      assertTrue(Math.abs(counts.get(n) - 10_000) < 600, "node " + n + " got " + counts.get(n));
    }
  }

  @Test
  void addingANodeMovesOnlyItsShare() {
    List<String> three = List.of("n1", "n2", "n3");
    List<String> four = List.of("n1", "n2", "n3", "n4");
    int moved = 0;
    for (String r : rooms(20_000)) {
      String before = RoomPlacement.owner(r, three);
      String after = RoomPlacement.owner(r, four);
      if (!before.equals(after)) {
        assertEquals("n4", after, "a room moved between old nodes");
        moved++;
      }
    }
    assertTrue(moved > 4_000 && moved < 6_000, "moved " + moved + " of 20000, expected about a quarter");
  }

  @Test
  void orderOfNodesDoesNotMatter() {
    for (String r : rooms(1000)) {
      assertEquals(RoomPlacement.owner(r, List.of("a", "b", "c")), RoomPlacement.owner(r, List.of("c", "a", "b")));
    }
  }

  @Test
  void shardsStayInRange() {
    for (String r : rooms(1000)) {
      int s = RoomPlacement.shard(r, 3);
      assertTrue(s >= 0 && s < 3);
    }
  }
}
