package dev.parlor.system;

import dev.parlor.auth.AuthService;
import dev.parlor.auth.keys.KeyCipher;
import dev.parlor.auth.keys.KeyManager;
import dev.parlor.auth.keys.KeyMaterial;
import dev.parlor.auth.keys.KeyRing;
import dev.parlor.auth.keys.StoredKey;
import dev.parlor.common.bus.RoomEnvelope;
import dev.parlor.common.cluster.ClusterNode;
import dev.parlor.common.placement.RoomNodeDirectory;
import dev.parlor.common.redis.LocalRedis;
import dev.parlor.common.testing.TestCluster;
import dev.parlor.gateway.GatewayService;
import dev.parlor.persistence.PersistenceService;
import dev.parlor.room.RoomService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The system with authentication on, for auth system tests: a real redis-server; persistence-service
 * and auth-service replicas, room nodes and gateways as separate clustered Vert.x instances. Room
 * nodes record every JOIN they receive, so a test can prove a refused request loaded no room.
 */
final class AuthParlor implements AutoCloseable {
  static final String APP_KEY = "test-app-key";
  static final String MASTER_KEY = KeyCipher.newMasterKey();

  final LocalRedis redis;
  final TestCluster cluster = new TestCluster();
  final List<Integer> gatewayPorts = new ArrayList<>();
  final Set<String> joinedRooms = ConcurrentHashMap.newKeySet();
  final Vertx clients = Vertx.vertx();
  final WebClient http = WebClient.create(clients);
  final Redis redisClient;
  final Map<String, String> common;
  private final AtomicInteger nextAddress = new AtomicInteger(1);

  AuthParlor(Path dir, int authReplicas, int gateways, Map<String, String> extra) throws Exception {
    redis = LocalRedis.start(dir);
    common = new HashMap<>(extra);
    common.put("PARLOR_REDIS_URL", redis.url());
    common.putIfAbsent("PARLOR_DIRECTORY_REFRESH_MS", "200");
    common.put("PARLOR_AUTH_MASTER_KEY", MASTER_KEY);
    common.putIfAbsent("PARLOR_APP_KEYS", "old-app-key," + APP_KEY);
    common.put("PARLOR_ANONYMOUS", "false");
    ClusterNode storage = cluster.start(common);
    TestCluster.await(PersistenceService.deploy(storage));
    for (int i = 0; i < authReplicas; i++) {
      TestCluster.await(AuthService.deploy(i == 0 ? storage : cluster.start(common)));
    }
    Map<String, String> room = new HashMap<>(common);
    room.putIfAbsent("PARLOR_ROOM_SHARDS", "2");
    ClusterNode roomNode = cluster.start(room);
    roomNode.vertx().eventBus().addInboundInterceptor(dc -> {
      if (dc.message().address().startsWith("parlor.room.") && dc.message().body() instanceof Buffer b) {
        try {
          RoomEnvelope env = RoomEnvelope.decode(b);
          if (env.op() == RoomEnvelope.Op.JOIN) {
            joinedRooms.add(env.roomKey());
          }
        } catch (RuntimeException ignored) {
          // not an envelope
        }
      }
      dc.next();
    });
    RoomNodeDirectory directory = TestCluster.await(RoomService.deploy(roomNode));
    for (int i = 0; i < gateways; i++) {
      Map<String, String> gw = new HashMap<>(common);
      gw.put("PARLOR_HTTP_PORT", "0");
      gw.put("PARLOR_HTTP_HOST", "127.0.0.1");
      gw.putIfAbsent("PARLOR_GATEWAY_INSTANCES", "2");
      gatewayPorts.add(TestCluster.await(GatewayService.deploy(cluster.start(gw))).get(0).actualPort());
    }
    long deadline = System.currentTimeMillis() + 20_000;
    while (directory.roomNodes().isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    redisClient = Redis.createClient(clients, redis.url());
  }

  int port() {
    return gatewayPorts.get(0);
  }

  /** A fresh client address (sent as X-Forwarded-For), so per-address limits do not mix tests. */
  String newAddress() {
    int n = nextAddress.getAndIncrement();
    return "10.0." + (n / 250) + "." + (n % 250 + 1);
  }

  HttpResponse<Buffer> api(HttpMethod method, String path, JsonObject body, String appKey) throws Exception {
    var req = http.request(method, port(), "127.0.0.1", path);
    if (appKey != null) {
      req.putHeader("authorization", "Bearer " + appKey);
    }
    return (body == null ? req.send() : req.sendJsonObject(body)).await(20, TimeUnit.SECONDS);
  }

  /** Mints a token through the public API; returns the whole answer (token, jti, expiresAt, kid). */
  JsonObject mint(JsonObject request) throws Exception {
    HttpResponse<Buffer> r = api(HttpMethod.POST, "/v1/tokens", request, APP_KEY);
    if (r.statusCode() != 201) {
      throw new AssertionError("mint answered " + r.statusCode() + ": " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  String token(String sub, JsonObject rooms) throws Exception {
    JsonObject req = new JsonObject().put("sub", sub);
    if (rooms != null) {
      req.put("rooms", rooms);
    }
    return mint(req).getString("token");
  }

  /** The keys in Redis, opened with the master key: lets a test sign arbitrary claims with the real key. */
  KeyRing keyRing() throws Exception {
    Response r = redisClient.send(Request.cmd(Command.HGETALL).arg(KeyManager.KEYS)).await(10, TimeUnit.SECONDS);
    List<StoredKey> keys = new ArrayList<>();
    for (String f : r.getKeys()) {
      keys.add(StoredKey.fromJson(new JsonObject(r.get(f).toString())));
    }
    return new KeyRing(keys, Long.MAX_VALUE / 4, 0, 0);
  }

  /** Signs the claims with the key auth-service signs with now (kid in the header). */
  String forge(JsonObject claims) throws Exception {
    StoredKey current = keyRing().current(System.currentTimeMillis());
    JWTAuth signer = JWTAuth.create(clients, new JWTAuthOptions()
        .addJwk(KeyMaterial.privateJwk(KeyCipher.fromBase64(MASTER_KEY), current)));
    return signer.generateToken(claims, new JWTOptions().setAlgorithm(current.alg()).setNoTimestamp(true));
  }

  String currentKid() throws Exception {
    return keyRing().current(System.currentTimeMillis()).kid();
  }

  /** Claims as auth-service would issue them, for a test to alter. */
  static JsonObject claims(String sub, JsonObject rooms) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("iss", "parlor").put("aud", "parlor").put("sub", sub).put("iat", now)
        .put("nbf", now).put("exp", now + 600).put("jti", "forged-" + sub).put("rooms", rooms);
  }

  @Override
  public void close() throws Exception {
    try {
      clients.close().await(10, TimeUnit.SECONDS);
      cluster.close();
    } finally {
      redis.close();
    }
  }
}
