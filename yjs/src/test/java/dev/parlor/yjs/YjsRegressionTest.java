package dev.parlor.yjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Histories the differential test once failed on, kept as fixtures in
 * {@code src/test/resources/dev/parlor/yjs/regressions} (written by
 * {@code node oracle.mjs gen --history H --out history-H.cases}), so they run whatever the seed.
 */
class YjsRegressionTest {
  private static final String DIR = "/dev/parlor/yjs/regressions/";

  /** Every fixture through the whole differential check (Java operations, Yjs verdict). */
  @Test
  void fixturesPassTheDifferentialCheck() throws Exception {
    NodeOracle.requireNode();
    for (String name : List.of("history-644135093.cases")) {
      byte[] cases = resource(name);
      Path dir = Files.createTempDirectory("parlor-yjs-regression");
      Path casesFile = dir.resolve("cases.bin");
      Path results = dir.resolve("results.bin");
      try {
        Files.write(casesFile, cases);
        Files.write(results, YjsDifferentialTest.runJava(cases, 0));
        NodeOracle.Result check = NodeOracle.node(300, "oracle.mjs", "check", "--cases",
            casesFile.toString(), "--results", results.toString());
        assertEquals(0, check.exit(), name + ":\n" + check.output());
      } finally {
        Files.deleteIfExists(casesFile);
        Files.deleteIfExists(results);
        Files.deleteIfExists(dir);
      }
    }
  }

  /**
   * History 644135093 (run seed 128143465): compact set 1 leaves an item of client 1614860517
   * pending on 259421331:1 while 259421331's own structs are pending from clock 8, and the
   * remaining updates' 259421331:2.. wait on that item. Yjs, given these pending structs in one
   * update, waits for 259421331:7 and never retries; the compaction must still be exactly Yjs's
   * own state update (a Y.Doc with {@code gc: true}) and lose nothing: merged with the remaining
   * updates, or compacted again with them, it gives the whole document.
   */
  @Test
  void pendingStructsWaitingAcrossAGapStayAsYjsHasThem() throws IOException {
    History h = History.read(resource("history-644135093.cases"));
    List<Integer> set = h.compactSets.get(1);
    List<byte[]> subset = new ArrayList<>();
    List<byte[]> rest = new ArrayList<>();
    for (int i = 0; i < h.updates.size(); i++) {
      (set.contains(i) ? subset : rest).add(h.updates.get(i));
    }
    assertFalse(rest.isEmpty());
    byte[] compacted = YUpdates.compact(subset);
    assertArrayEquals(resource("history-644135093.set1.yjs-state"), compacted,
        "Yjs's encodeStateAsUpdate of a gc Y.Doc given the subset merged");
    List<byte[]> again = new ArrayList<>();
    again.add(compacted);
    again.addAll(rest);
    byte[] whole = YUpdates.compact(h.updates);
    assertArrayEquals(YUpdates.stateVector(whole), YUpdates.stateVector(YUpdates.compact(again)));
    assertArrayEquals(whole, YUpdates.compact(again));
    assertArrayEquals(whole, YUpdates.compact(List.of(YUpdates.merge(again))));
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = YjsRegressionTest.class.getResourceAsStream(DIR + name)) {
      if (in == null) {
        throw new IOException("missing test resource " + DIR + name);
      }
      return in.readAllBytes();
    }
  }

  /** The first history of a cases file (the format oracle.mjs gen writes). */
  record History(long seed, List<byte[]> updates, List<List<Integer>> compactSets) {
    static History read(byte[] file) {
      Lib0Reader r = new Lib0Reader(file);
      r.readVarUint(); // count
      long seed = r.readVarUint();
      int nu = r.readVarUintAsInt();
      List<byte[]> updates = new ArrayList<>();
      for (int i = 0; i < nu; i++) {
        updates.add(r.readVarUint8Array());
      }
      YjsDifferentialTest.readSets(r); // merge sets
      int ns = r.readVarUintAsInt();
      for (int i = 0; i < ns; i++) {
        r.readVarUint8Array();
        r.readVarUint8Array();
      }
      return new History(seed, updates, YjsDifferentialTest.readSets(r));
    }
  }
}
