-- Gives a room's lease up (a graceful hand-over), only if the caller still holds it under the same
-- token, so a late release never frees a lease that a newer owner holds.
-- KEYS: lease    ARGV: "<node> <token>"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
