package dev.parlor.room.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyBuildsTest {
  @Test
  void copiesAreConfirmedTogetherOnceNoBuildRuns() {
    CopyBuilds builds = new CopyBuilds();
    List<String> confirmed = new ArrayList<>();
    builds.started();
    builds.started();
    builds.ended(() -> confirmed.add("a"));
    assertEquals(List.of(), confirmed, "another room's build still runs");
    builds.started();
    builds.ended(() -> confirmed.add("b"));
    assertEquals(List.of(), confirmed);
    builds.ended(() -> confirmed.add("c"));
    assertEquals(List.of("a", "b", "c"), confirmed, "the last build lets them all go");
    builds.started();
    builds.ended(() -> confirmed.add("d"));
    assertEquals(List.of("a", "b", "c", "d"), confirmed, "a build alone is confirmed at once");
  }
}
