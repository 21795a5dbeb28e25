-- Replaces a room's snapshot with one that folds the log up to a covered id, then trims the log.
-- Safe at every step: the snapshot names the id it covers, so until the trim is done a load
-- simply skips the entries the snapshot already holds. Refused (0) for a stale fencing token.
-- KEYS: meta, snapshot, log
-- ARGV: fence, covered id, snapshot update, trim min id, folded bytes, now (ms)
if redis.call('HGET', KEYS[1], 'fence') ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[2], ARGV[2] .. '\n' .. ARGV[3])
redis.call('XTRIM', KEYS[3], 'MINID', ARGV[4])
redis.call('HSET', KEYS[1], 'logEntries', redis.call('XLEN', KEYS[3]),
  'snapshotBytes', string.len(ARGV[3]), 'lastCompaction', ARGV[6])
redis.call('HINCRBY', KEYS[1], 'logBytes', -tonumber(ARGV[5]))
return 1
