package dev.parlor.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Connection admission load generator (auth issue): keeps {@code concurrency} WebSocket
 * handshakes in flight against a running gateway; each connection is admitted, joins its room,
 * waits for the server's first sync message, and closes. Counts admissions per second over the
 * measured window, and the server's CPU time (its process tree, from /proc) per admission.
 * With {@code --token on} each connection carries one of {@code --tokens} distinct tokens minted
 * up front through POST /v1/tokens; with {@code off} it carries none. One JSON line on stdout.
 * Run by bench/auth-admission.sh, which starts the server on another core.
 */
public final class AdmissionBench {
  private AdmissionBench() {
  }

  static String opt(String[] args, String name, String def) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--" + name)) {
        return args[i + 1];
      }
    }
    return def;
  }

  public static void main(String[] args) {
    try {
      measure(args);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  static void measure(String[] args) throws Exception {
    int port = Integer.parseInt(opt(args, "port", "8080"));
    boolean useToken = opt(args, "token", "on").equals("on");
    String appKey = opt(args, "app-key", "bench-key");
    int tokenCount = Integer.parseInt(opt(args, "tokens", "1000"));
    int concurrency = Integer.parseInt(opt(args, "concurrency", "32"));
    int rooms = Integer.parseInt(opt(args, "rooms", "50"));
    double warmup = Double.parseDouble(opt(args, "warmup", "10"));
    double duration = Double.parseDouble(opt(args, "duration", "15"));
    long serverPid = Long.parseLong(opt(args, "server-pid", "0"));
    String label = opt(args, "label", useToken ? "auth on" : "auth off");

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    List<String> tokens = new ArrayList<>();
    if (useToken) {
      WebClient http = WebClient.create(vertx);
      for (int i = 0; i < tokenCount; i++) {
        var r = http.request(HttpMethod.POST, port, "127.0.0.1", "/v1/tokens")
            .putHeader("authorization", "Bearer " + appKey)
            .sendJsonObject(new JsonObject().put("sub", "bench-user-" + i)
                .put("rooms", new JsonObject().put("yjs/bench-*", "write")))
            .await(30, TimeUnit.SECONDS);
        if (r.statusCode() != 201) {
          throw new IllegalStateException("minting answered " + r.statusCode() + ": " + r.bodyAsString());
        }
        tokens.add(r.bodyAsJsonObject().getString("token"));
      }
    }
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(concurrency * 2).setConnectTimeout(10_000));
    Run run = new Run(vertx, client, port, tokens, rooms);
    vertx.runOnContext(v -> {
      for (int i = 0; i < concurrency; i++) {
        run.next();
      }
    });
    Thread.sleep((long) (warmup * 1000));
    long cpu0 = ProcessCpu.treeTicks(serverPid);
    long own0 = ProcessCpu.treeTicks(ProcessHandle.current().pid());
    long machine0 = machineBusyTicks();
    long n0 = run.admitted;
    long f0 = run.failed;
    run.latencies.clear();
    long t0 = System.nanoTime();
    Thread.sleep((long) (duration * 1000));
    long t1 = System.nanoTime();
    long n1 = run.admitted;
    long f1 = run.failed;
    long cpu1 = ProcessCpu.treeTicks(serverPid);
    long own1 = ProcessCpu.treeTicks(ProcessHandle.current().pid());
    long machine1 = machineBusyTicks();
    run.stop = true;
    double seconds = (t1 - t0) / 1e9;
    long[] lat;
    synchronized (run.latencies) {
      lat = run.latencies.stream().mapToLong(Long::longValue).toArray();
    }
    Arrays.sort(lat);
    double cpuSeconds = (cpu1 - cpu0) / 100.0;
    // Other processes' CPU during the window (the machine is shared): a run they disturbed shows here.
    double otherCores = Math.max(0, (machine1 - machine0) - (cpu1 - cpu0) - (own1 - own0)) / 100.0 / seconds;
    JsonObject out = new JsonObject().put("label", label).put("concurrency", concurrency)
        .put("tokens", tokens.size()).put("seconds", round(seconds)).put("admitted", n1 - n0)
        .put("failed", f1 - f0).put("perSecond", round((n1 - n0) / seconds))
        .put("serverCpuSeconds", round(cpuSeconds)).put("otherCores", round(otherCores))
        .put("serverCpuMsPerConnection", round(n1 > n0 ? cpuSeconds * 1000 / (n1 - n0) : 0))
        .put("p50ms", lat.length == 0 ? 0 : round(lat[lat.length / 2] / 1e6))
        .put("p99ms", lat.length == 0 ? 0 : round(lat[(int) (lat.length * 0.99)] / 1e6));
    System.out.println(out.encode());
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** One loop per in-flight slot: connect, wait for the first message, close, again. */
  static final class Run {
    final Vertx vertx;
    final WebSocketClient client;
    final int port;
    final List<String> tokens;
    final int rooms;
    final List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    volatile long admitted;
    volatile long failed;
    volatile boolean stop;
    long seq;

    Run(Vertx vertx, WebSocketClient client, int port, List<String> tokens, int rooms) {
      this.vertx = vertx;
      this.client = client;
      this.port = port;
      this.tokens = tokens;
      this.rooms = rooms;
    }

    void next() {
      if (stop) {
        return;
      }
      long i = seq++;
      String uri = "/parties/yjs/bench-" + (i % rooms)
          + (tokens.isEmpty() ? "" : "?token=" + tokens.get((int) (i % tokens.size())));
      long start = System.nanoTime();
      // Handlers first: the gateway's first frame can arrive before the connect future's callback.
      ClientWebSocket ws = client.webSocket();
      boolean[] seen = {false};
      ws.binaryMessageHandler(b -> {
        if (!seen[0]) {
          seen[0] = true;
          latencies.add(System.nanoTime() - start);
          admitted++;
          ws.close().onComplete(c -> next());
        }
      });
      ws.exceptionHandler(e -> { });
      ws.closeHandler(v -> {
        if (!seen[0]) {
          seen[0] = true;
          failed++;
          next();
        }
      });
      ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri)
              .setAllowOriginHeader(false))
          .onFailure(e -> {
            failed++;
            vertx.setTimer(10, t -> next());
          });
    }
  }

  /** Busy clock ticks of the whole machine (all CPUs) from /proc/stat: everything but idle and iowait. */
  static long machineBusyTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        busy += i == 4 || i == 5 ? 0 : Long.parseLong(f[i]);
      }
      return busy;
    } catch (Exception e) {
      return 0;
    }
  }
}
