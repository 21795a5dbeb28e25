-- Reads a room: its snapshot (the value is "<covered stream id>\n<update>") and the log entries
-- after the covered id. With ARGV[1] (a value of the global fence sequence) the caller claims
-- the room: its token becomes larger than every earlier one of this room, so writes of any
-- earlier owner are refused from now on. The global sequence keeps tokens growing even after a
-- room is deleted and created again.
-- KEYS: meta, snapshot, log
if ARGV[1] ~= '' then
  local current = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
  redis.call('HSET', KEYS[1], 'fence', math.max(tonumber(ARGV[1]), current + 1))
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
