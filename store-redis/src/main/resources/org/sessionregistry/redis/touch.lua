-- Records activity: raises last activity (the 13 digits after the version character) and the TTL, each only upward.
-- Never creates: a session whose token key is gone stays gone.
-- KEYS[1] the user's index. ARGV[1] token key prefix, ARGV[2] session id, ARGV[3] last activity (13 digits),
-- ARGV[4] TTL in ms.
local token = redis.call('HGET', KEYS[1], ARGV[2])
if not token then
  return 0
end
local key = ARGV[1] .. token
local record = redis.call('GET', key)
if not record then
  redis.call('HDEL', KEYS[1], ARGV[2])
  return 0
end
if string.sub(record, 2, 14) < ARGV[3] then
  redis.call('SET', key, string.sub(record, 1, 1) .. ARGV[3] .. string.sub(record, 15), 'KEEPTTL')
end
redis.call('PEXPIRE', key, ARGV[4], 'GT')
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
return 1
