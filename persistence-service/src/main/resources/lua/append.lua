-- Appends updates to a room's log if ARGV[1] is the room's current fencing token: all of them, in
-- order, or none. Each entry keeps the token ('f'), so the log itself shows that owners never
-- interleaved: tokens only grow. Returns {1, entries, bytes} or {0, 0, 0} for a stale token.
-- KEYS: meta, log    ARGV: fence, update, update, ...
if redis.call('HGET', KEYS[1], 'fence') ~= ARGV[1] then
  return {0, 0, 0}
end
local added = 0
for i = 2, #ARGV do
  redis.call('XADD', KEYS[2], '*', 'u', ARGV[i], 'f', ARGV[1])
  added = added + string.len(ARGV[i])
end
local bytes = redis.call('HINCRBY', KEYS[1], 'logBytes', added)
local entries = redis.call('HINCRBY', KEYS[1], 'logEntries', #ARGV - 1)
return {1, entries, bytes}
