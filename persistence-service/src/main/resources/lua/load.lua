-- Reads a room: its fencing token, its snapshot (the value is "<covered stream id>\n<update>") and
-- the log entries after the covered id. Ownership is claimed before, with claim.lua.
-- KEYS: meta, snapshot, log
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
