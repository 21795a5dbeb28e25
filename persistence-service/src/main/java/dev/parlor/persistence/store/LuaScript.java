package dev.parlor.persistence.store;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A Lua script from resources/lua, run by its SHA (EVALSHA) and sent whole only when Redis lacks it. */
final class LuaScript {
  private final String text;
  private final String sha;

  LuaScript(String name) {
    try (InputStream in = LuaScript.class.getResourceAsStream("/lua/" + name + ".lua")) {
      if (in == null) {
        throw new IllegalStateException("missing script " + name);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The SHA a script of resources/lua is run by. */
  static String shaOf(String name) {
    return new LuaScript(name).sha;
  }

  /** Runs the script; keys are strings, args strings or byte arrays. */
  Future<Response> run(Redis redis, String[] keys, Object... args) {
    return redis.send(request(Command.EVALSHA, sha, keys, args)).recover(err -> {
      if (err.getMessage() != null && err.getMessage().startsWith("NOSCRIPT")) {
        return redis.send(request(Command.EVAL, text, keys, args));
      }
      return Future.failedFuture(err);
    });
  }

  private static Request request(Command cmd, String script, String[] keys, Object[] args) {
    Request r = Request.cmd(cmd).arg(script).arg(keys.length);
    for (String k : keys) {
      r.arg(k);
    }
    for (Object a : args) {
      if (a instanceof byte[] bytes) {
        r.arg(bytes);
      } else {
        r.arg(String.valueOf(a));
      }
    }
    return r;
  }
}
