-- Creates a session: its token key (with its TTL) and its entry in the user's index, together.
-- KEYS[1] the user's index, KEYS[2] the token key.
-- ARGV[1] session id, ARGV[2] token hash, ARGV[3] the session record, ARGV[4] TTL in ms, ARGV[5] token key prefix.
if redis.call('EXISTS', KEYS[2]) == 1 then
  return -1
end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  return -2
end
-- Drop index entries of expired sessions (see index.lua, prepended).
live_records(KEYS[1], ARGV[5])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
return 1
