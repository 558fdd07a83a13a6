-- Revokes one session of a user and returns its record, or nil. Reads everything before writing anything.
-- KEYS[1] the user's index. ARGV[1] token key prefix, ARGV[2] session id, ARGV[3] now (epoch ms).
local entry = redis.call('HGET', KEYS[1], ARGV[2])
if not entry then
  return false
end
local key = ARGV[1] .. token_of(entry)
local record = redis.call('GET', key)
if not record and retain_of(entry) >= tonumber(ARGV[3]) then
  return unreachable()
end
redis.call('HDEL', KEYS[1], ARGV[2])
if record then
  redis.call('UNLINK', key)
end
return record
