package dev.parlor.room.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IncomingMovesTest {
  @Test
  void roomsAreConfirmedOneAtATimeOnceNoBuildRuns() {
    IncomingMoves moves = new IncomingMoves();
    List<String> confirmed = new ArrayList<>();
    moves.buildStarted();
    moves.buildStarted();
    moves.buildStarted();
    moves.built("a", () -> confirmed.add("a"));
    moves.buildFailed();
    assertEquals(List.of(), confirmed, "another room's build still runs");
    moves.built("b", () -> confirmed.add("b"));
    assertEquals(List.of("a"), confirmed, "the builds are done: the first room goes");
    moves.arrived("x");
    assertEquals(List.of("a"), confirmed, "another room's hand-over does not free the turn");
    moves.arrived("a");
    assertEquals(List.of("a", "b"), confirmed, "a's hand-over arrived: b goes");
    moves.buildStarted();
    moves.built("c", () -> confirmed.add("c"));
    moves.overdue("b");
    assertEquals(List.of("a", "b", "c"), confirmed, "b's hand-over is late: c goes all the same");
  }

  @Test
  void aHandOverThatCameWithoutItsTurnLeavesTheQueue() {
    IncomingMoves moves = new IncomingMoves();
    List<String> confirmed = new ArrayList<>();
    moves.buildStarted();
    moves.built("a", () -> confirmed.add("a"));
    moves.buildStarted();
    moves.built("b", () -> confirmed.add("b"));
    moves.arrived("b"); // its sender stopped waiting and handed it over whole
    moves.arrived("a");
    moves.buildStarted();
    moves.built("c", () -> confirmed.add("c"));
    assertEquals(List.of("a", "c"), confirmed);
  }
}
