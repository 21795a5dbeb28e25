package dev.parlor.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Configuration: {@code PARLOR_*} environment variables, over an optional properties file named by
 * {@code PARLOR_CONFIG_FILE} (same keys), over the defaults each caller passes. Every knob is listed
 * in docs/configuration.md.
 */
public final class ParlorConfig {
  private final Map<String, String> values;

  private ParlorConfig(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static ParlorConfig fromEnvironment() {
    Map<String, String> merged = new HashMap<>();
    String file = System.getenv("PARLOR_CONFIG_FILE");
    if (file != null && !file.isBlank()) {
      merged.putAll(readFile(Path.of(file)));
    }
    System.getenv().forEach((k, v) -> {
      if (k.startsWith("PARLOR_")) {
        merged.put(k, v);
      }
    });
    return new ParlorConfig(merged);
  }

  public static ParlorConfig of(Map<String, String> values) {
    return new ParlorConfig(values);
  }

  private static Map<String, String> readFile(Path path) {
    Properties props = new Properties();
    try (Reader r = Files.newBufferedReader(path)) {
      props.load(r);
    } catch (IOException e) {
      throw new ConfigException("cannot read PARLOR_CONFIG_FILE " + path + ": " + e.getMessage());
    }
    Map<String, String> out = new HashMap<>();
    props.forEach((k, v) -> out.put(k.toString(), v.toString().trim()));
    return out;
  }

  /** A copy with one value replaced; used by launchers that derive per-process settings. */
  public ParlorConfig with(String key, String value) {
    Map<String, String> copy = new HashMap<>(values);
    copy.put(key, value);
    return new ParlorConfig(copy);
  }

  /** A copy with defaults filled in where nothing is configured. */
  public ParlorConfig withDefaults(Map<String, String> defaults) {
    Map<String, String> copy = new HashMap<>(defaults);
    copy.putAll(values);
    return new ParlorConfig(copy);
  }

  public boolean has(String key) {
    String v = values.get(key);
    return v != null && !v.isBlank();
  }

  public String string(String key, String def) {
    String v = values.get(key);
    return v == null || v.isBlank() ? def : v.trim();
  }

  public int integer(String key, int def) {
    return (int) longValue(key, def, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  public int port(String key, int def) {
    return (int) longValue(key, def, 0, 65535);
  }

  public long longValue(String key, long def, long min, long max) {
    String v = values.get(key);
    if (v == null || v.isBlank()) {
      return def;
    }
    long parsed;
    try {
      parsed = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be a whole number, got '" + v + "'");
    }
    if (parsed < min || parsed > max) {
      throw new ConfigException(key + " must be between " + min + " and " + max + ", got " + parsed);
    }
    return parsed;
  }

  public boolean bool(String key, boolean def) {
    String v = values.get(key);
    if (v == null || v.isBlank()) {
      return def;
    }
    return switch (v.trim().toLowerCase()) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new ConfigException(key + " must be true or false, got '" + v + "'");
    };
  }

  public List<String> list(String key, String def) {
    return Stream.of(string(key, def).split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** Thrown for a configuration value that cannot be used; its message names the variable. */
  public static final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
      super(message);
    }
  }
}
