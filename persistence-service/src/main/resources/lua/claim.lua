-- Claims a room's lease for a node: refused while another node holds it (the reply names the
-- holder and how long its lease has left); otherwise the room gets a fencing token larger than
-- every earlier one (ARGV[1] is a fresh value of the global sequence, which keeps tokens growing
-- even after a room is deleted and created again), and the lease "<node> <token>" expires after
-- ARGV[3] ms unless renewed. A node may claim again a room whose lease it holds itself.
-- A granted claim also answers the token it replaced: equal to the previous owner's, nobody
-- owned the room in between (its document is then the stored one).
-- KEYS: meta, lease    ARGV: sequence value, node id, ttl (ms)
local held = redis.call('GET', KEYS[2])
if held then
  local holder = string.sub(held, 1, string.find(held, ' ', 1, true) - 1)
  if holder ~= ARGV[2] then
    return {0, holder, redis.call('PTTL', KEYS[2])}
  end
end
local current = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
local fence = string.format('%d', math.max(tonumber(ARGV[1]), current + 1))
redis.call('HSET', KEYS[1], 'fence', fence)
redis.call('SET', KEYS[2], ARGV[2] .. ' ' .. fence, 'PX', ARGV[3])
return {1, fence, tonumber(ARGV[3]), string.format('%d', current)}
