package dev.parlor.yjs;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the Node side of the differential tests (the Yjs oracle in src/test/node). */
final class NodeOracle {
  /** The module directory (Maven runs tests there); the repository root is its parent. */
  static final Path MODULE = Path.of("").toAbsolutePath();
  static final Path SCRIPTS = MODULE.resolve("src/test/node");

  private NodeOracle() {}

  /** Fails the test with a clear message when node or the repository's node_modules are missing. */
  static void requireNode() {
    Path yjs = MODULE.getParent().resolve("node_modules/yjs/package.json");
    if (!Files.exists(yjs)) {
      fail("The differential tests need Yjs from npm: run `npm ci` in the repository root ("
          + yjs + " is missing).");
    }
    try {
      Result r = run(List.of("node", "--version"), 30);
      if (r.exit != 0) {
        fail("`node --version` failed: " + r.output);
      }
    } catch (IOException e) {
      fail("The differential tests need Node.js 18+ on the PATH (`node` not found: " + e.getMessage()
          + ")");
    }
  }

  record Result(int exit, String output) {}

  static Result node(int timeoutSeconds, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add("node");
    cmd.addAll(List.of(args));
    return run(cmd, timeoutSeconds);
  }

  private static Result run(List<String> cmd, int timeoutSeconds) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(SCRIPTS.toFile()).redirectErrorStream(true);
    Path log = Files.createTempFile("parlor-node", ".log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("node timed out after " + timeoutSeconds + " s: " + cmd);
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      return new Result(p.exitValue(), out);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
