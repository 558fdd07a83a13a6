-- Revokes one session of a user and returns its record, or nil.
-- KEYS[1] the user's index. ARGV[1] token key prefix, ARGV[2] session id.
local token = redis.call('HGET', KEYS[1], ARGV[2])
if not token then
  return false
end
redis.call('HDEL', KEYS[1], ARGV[2])
return redis.call('GETDEL', ARGV[1] .. token)
