package dev.parlor.common.redis;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server process on loopback, for the local launcher and for tests: the binary on the
 * PATH (or {@code PARLOR_REDIS_SERVER_BIN}), else the one shipped in the embedded-redis artifact.
 * Append-only file on with {@code appendfsync everysec} unless told otherwise.
 */
public final class LocalRedis implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path dataDir;

  private LocalRedis(Process process, int port, Path dataDir) {
    this.process = process;
    this.port = port;
    this.dataDir = dataDir;
  }

  /**
   * Starts redis-server on the given port (0 picks a free one) keeping its files in dataDir. With
   * port 0 a lost race for the free port (another process took it first) is retried.
   */
  public static LocalRedis start(Path dataDir, int port, String appendFsync, List<String> extraArgs)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(dataDir, port == 0 ? freePort() : port, appendFsync, extraArgs);
      } catch (IOException e) {
        if (port != 0 || attempt == 3) {
          throw e;
        }
      }
    }
  }

  private static LocalRedis startOnce(Path dataDir, int chosen, String appendFsync, List<String> extraArgs)
      throws IOException {
    Files.createDirectories(dataDir);
    List<String> cmd = new ArrayList<>(List.of(findBinary().toString(),
        "--port", String.valueOf(chosen), "--bind", "127.0.0.1", "--dir", dataDir.toAbsolutePath().toString(),
        "--appendonly", "yes", "--appendfsync", appendFsync, "--save", "",
        "--daemonize", "no", "--logfile", "redis.log"));
    cmd.addAll(extraArgs);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dataDir.resolve("redis.out").toFile()).start();
    LocalRedis redis = new LocalRedis(p, chosen, dataDir);
    redis.awaitListening();
    return redis;
  }

  public static LocalRedis start(Path dataDir) throws IOException {
    return start(dataDir, 0, "everysec", List.of());
  }

  /** The redis-server binary Parlor will run, or an exception that says how to get one. */
  public static Path findBinary() throws IOException {
    String configured = System.getenv("PARLOR_REDIS_SERVER_BIN");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "redis-server");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    try {
      File f = redis.embedded.core.ExecutableProvider.newJarResourceProvider().get();
      f.setExecutable(true);
      return f.toPath();
    } catch (NoClassDefFoundError e) {
      throw new IOException("no redis-server found: install Redis, set PARLOR_REDIS_SERVER_BIN, "
          + "or point PARLOR_REDIS_URL at a running server");
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  private void awaitListening() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("redis-server exited with " + process.exitValue() + "; see "
            + dataDir.resolve("redis.out") + " and " + dataDir.resolve("redis.log"));
      }
      long pid;
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        s.setSoTimeout(2000);
        pid = serverPid(s);
      } catch (IOException notYet) {
        sleep(50);
        continue;
      }
      if (pid != process.pid()) {
        // Someone else's Redis answers on this port: ours could not bind it.
        process.destroyForcibly();
        throw new IOException("port " + port + " is taken by another Redis (pid " + pid + ")");
      }
      return;
    }
    process.destroyForcibly();
    throw new IOException("redis-server did not listen on port " + port + " within 15 s");
  }

  /** The process id the Redis listening on this socket reports (INFO server). */
  private static long serverPid(Socket s) throws IOException {
    s.getOutputStream().write("*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    java.io.InputStream in = s.getInputStream();
    StringBuilder text = new StringBuilder();
    byte[] buf = new byte[4096];
    int n;
    while ((n = in.read(buf)) > 0) {
      text.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII));
      int at = text.indexOf("process_id:");
      if (at >= 0) {
        int end = text.indexOf("\r\n", at);
        if (end > 0) {
          return Long.parseLong(text.substring(at + "process_id:".length(), end).trim());
        }
      }
    }
    throw new IOException("no INFO reply");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops Redis the way it likes (SIGTERM: it flushes the append-only file) and waits. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Kills Redis without warning, as a crash would. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
