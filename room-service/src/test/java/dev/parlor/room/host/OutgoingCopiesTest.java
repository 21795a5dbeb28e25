package dev.parlor.room.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutgoingCopiesTest {
  private final OutgoingCopies outgoing = new OutgoingCopies();
  private final List<String> started = new ArrayList<>();

  private void copy(String node, String room) {
    outgoing.whenFree(node, () -> started.add(room));
  }

  @Test
  void oneRoomAtATimePerNextOwnerInTheOrderAsked() {
    copy("node-b", "r1");
    copy("node-b", "r2");
    copy("node-b", "r3");
    assertEquals(List.of("r1"), started, "the second waits for the first's hand-over");
    outgoing.done("node-b");
    assertEquals(List.of("r1", "r2"), started);
    outgoing.done("node-b");
    outgoing.done("node-b");
    assertEquals(List.of("r1", "r2", "r3"), started);
    copy("node-b", "r4");
    assertEquals(List.of("r1", "r2", "r3", "r4"), started, "with none left in flight, a room goes at once");
  }

  @Test
  void nextOwnersDoNotWaitForEachOther() {
    copy("node-b", "r1");
    copy("node-c", "r2");
    copy("node-b", "r3");
    assertEquals(List.of("r1", "r2"), started);
    outgoing.done("node-c");
    assertEquals(List.of("r1", "r2"), started, "node-c's hand-over does not free node-b");
    outgoing.done("node-b");
    assertEquals(List.of("r1", "r2", "r3"), started);
  }
}
