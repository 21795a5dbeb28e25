-- Replaces a room's document with an imported update (only into an empty room unless ARGV[2] is
-- '1'). The snapshot covers the log's last id, so old entries are never applied on top of it, and
-- the log is trimmed (not deleted: the stream keeps its last id, so new ids stay above it).
-- ARGV[1] becomes the fencing token: the live owner, if any, is fenced out.
-- KEYS: meta, snapshot, log    ARGV: fence, overwrite, update, now (ms)
if ARGV[2] ~= '1' then
  if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('XLEN', KEYS[3]) > 0 then
    return 0
  end
end
local covered = '0-0'
local last = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', 1)
if #last > 0 then
  covered = last[1][1]
end
redis.call('HSET', KEYS[1], 'fence', ARGV[1])
redis.call('SET', KEYS[2], covered .. '\n' .. ARGV[3])
redis.call('XTRIM', KEYS[3], 'MAXLEN', 0)
redis.call('HSET', KEYS[1], 'logEntries', 0, 'logBytes', 0, 'snapshotBytes', string.len(ARGV[3]),
  'lastCompaction', ARGV[4])
return 1
