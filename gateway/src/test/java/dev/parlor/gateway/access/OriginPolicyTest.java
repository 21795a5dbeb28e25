package dev.parlor.gateway.access;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {
  @Test
  void nonBrowserClientsSameOriginAndListedOriginsAreAllowed() {
    OriginPolicy p = new OriginPolicy(List.of("https://app.example.com", "http://localhost:5173/"));
    assertTrue(p.allows(null, "parlor.example.com"));
    assertTrue(p.allows("https://app.example.com", "parlor.example.com"));
    assertTrue(p.allows("HTTPS://APP.EXAMPLE.COM", "parlor.example.com"));
    assertTrue(p.allows("http://localhost:5173", "127.0.0.1:8080"));
    assertTrue(p.allows("https://parlor.example.com", "parlor.example.com"), "same origin");
    assertTrue(p.allows("http://127.0.0.1:8080", "127.0.0.1:8080"), "same origin with port");
  }

  @Test
  void foreignOriginsAreRefused() {
    OriginPolicy p = new OriginPolicy(List.of("https://app.example.com"));
    assertFalse(p.allows("https://evil.example", "parlor.example.com"));
    assertFalse(p.allows("https://app.example.com.evil.example", "parlor.example.com"));
    assertFalse(p.allows("null", "parlor.example.com"));
    assertFalse(p.allows("http://127.0.0.1:9999", "127.0.0.1:8080"));
    assertTrue(new OriginPolicy(List.of("*")).allows("https://evil.example", "x"));
  }
}
