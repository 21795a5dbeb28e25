package dev.parlor.common.telemetry;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * The small per-process port for Kubernetes probes and Prometheus: {@code /health/live},
 * {@code /health/ready} (every registered check up) and {@code /metrics}.
 */
public final class ManagementServer extends VerticleBase {
  private final int port;
  private final HealthChecks readiness;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;

  public ManagementServer(int port, HealthChecks readiness, PrometheusMeterRegistry registry) {
    this.port = port;
    this.readiness = readiness;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/health/live").handler(ctx -> ctx.response()
        .putHeader("content-type", "application/json").end("{\"status\":\"UP\"}"));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()));
    return vertx.createHttpServer().requestHandler(router).listen(port, "0.0.0.0")
        .onSuccess(s -> server = s);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
