-- Creates a session: its token key (with its TTL) and its entry in the user's index, together.
-- KEYS[1] the user's index, KEYS[2] the token key.
-- ARGV[1] session id, ARGV[2] index entry, ARGV[3] the session record, ARGV[4] TTL in ms, ARGV[5] now (epoch ms).
local existing = redis.call('GET', KEYS[2])
if existing then
  -- The same record again is a client's retry of this very insert: done already.
  if existing == ARGV[3] and redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
    return 1
  end
  return -1
end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  return -2
end
live_entries(KEYS[1], tonumber(ARGV[5]))
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
keep_index_until(KEYS[1], ARGV[4])
return 1
