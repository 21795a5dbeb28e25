-- Renews one room's lease if the caller still holds it under the same token; 0 when the lease is
-- gone or someone else's (the caller must stop serving the room at once).
-- KEYS: lease    ARGV: "<node> <token>", ttl (ms)
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
