-- Reads a room: its snapshot (the value is "<covered stream id>\n<update>") and the log entries
-- after the covered id. With ARGV[1] = a new fencing token, also makes that token current
-- (tokens only grow), so that writes of any earlier owner are refused from now on.
-- KEYS: meta, snapshot, log
if ARGV[1] ~= '' then
  local current = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
  if tonumber(ARGV[1]) > current then
    redis.call('HSET', KEYS[1], 'fence', ARGV[1])
  end
end
local fence = redis.call('HGET', KEYS[1], 'fence') or '0'
local snap = redis.call('GET', KEYS[2])
local from = '-'
if snap then
  local nl = string.find(snap, '\n', 1, true)
  local covered = string.sub(snap, 1, nl - 1)
  if covered ~= '0-0' then
    from = '(' .. covered
  end
end
return {fence, snap or '', redis.call('XRANGE', KEYS[3], from, '+')}
