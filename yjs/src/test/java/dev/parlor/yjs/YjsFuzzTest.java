package dev.parlor.yjs;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing with Jazzer. The module's Maven configuration sets {@code JAZZER_FUZZ=1},
 * so {@code mvn verify} fuzzes for {@code maxDuration}; seeds are the real updates in
 * src/test/resources/dev/parlor/yjs/YjsFuzzTestInputs. Longer runs: see the module README.
 */
class YjsFuzzTest {
  @FuzzTest(maxDuration = "${yjs.fuzz.duration:30s}")
  void fuzzEveryOperation(byte[] data) {
    FuzzTarget.exercise(data);
  }
}
