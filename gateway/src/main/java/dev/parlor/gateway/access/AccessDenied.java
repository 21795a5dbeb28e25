package dev.parlor.gateway.access;

/** A refusal before the upgrade: the HTTP status (401, 403, 429, ...) and why, for the log. */
public final class AccessDenied extends RuntimeException {
  private final int status;

  public AccessDenied(int status, String reason) {
    super(reason, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
