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
-- The log comes back flat (id, update, id, update, ...): with a table per entry Redis 6 writes the
-- reply in thousands of small pieces; the Vert.x client took 35 ms instead of 7 for 1,000 entries.
local log = {}
for _, entry in ipairs(redis.call('XRANGE', KEYS[3], from, '+')) do
  log[#log + 1] = entry[1]
  log[#log + 1] = entry[2][2] -- field 'u'
end
return {fence, snap or '', log}
