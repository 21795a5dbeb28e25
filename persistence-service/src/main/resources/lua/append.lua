-- Appends one update to a room's log if ARGV[1] is the room's current fencing token. The entry
-- keeps the token ('f'), so the log itself shows that owners never interleaved: tokens only grow.
-- Returns {1, entries, bytes} or {0, 0, 0} for a stale token.
-- KEYS: meta, log    ARGV: fence, update
if redis.call('HGET', KEYS[1], 'fence') ~= ARGV[1] then
  return {0, 0, 0}
end
redis.call('XADD', KEYS[2], '*', 'u', ARGV[2], 'f', ARGV[1])
local bytes = redis.call('HINCRBY', KEYS[1], 'logBytes', string.len(ARGV[2]))
local entries = redis.call('HINCRBY', KEYS[1], 'logEntries', 1)
return {1, entries, bytes}
