-- Passes a room's lease from its holder straight to the room's next owner (a graceful hand-over),
-- only if the caller still holds it under the same token. The next owner gets a new token, larger
-- than every earlier one (as claim.lua gives), and a lease of ARGV[4] ms: it serves the room
-- without a claim of its own. Returns {1, new token} or {0, '0'} when the caller's lease is gone.
-- KEYS: meta, lease    ARGV: sequence value, "<node> <token>", next node id, ttl (ms)
if redis.call('GET', KEYS[2]) ~= ARGV[2] then
  return {0, '0'}
end
local current = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
local fence = string.format('%d', math.max(tonumber(ARGV[1]), current + 1))
redis.call('HSET', KEYS[1], 'fence', fence)
redis.call('SET', KEYS[2], ARGV[3] .. ' ' .. fence, 'PX', ARGV[4])
return {1, fence}
