-- Records activity: raises last activity (the 13 digits after the version character), the TTL and the index's
-- retain-until, each only upward. Never creates: a session whose record is gone stays gone.
-- KEYS[1] the user's index. ARGV[1] token key prefix, ARGV[2] session id, ARGV[3] last activity (13 digits),
-- ARGV[4] TTL in ms, ARGV[5] retain-until (13 digits), ARGV[6] now (epoch ms).
local entry = redis.call('HGET', KEYS[1], ARGV[2])
if not entry then
  return 0
end
local key = ARGV[1] .. token_of(entry)
local record = redis.call('GET', key)
if not record then
  if retain_of(entry) < tonumber(ARGV[6]) then
    redis.call('HDEL', KEYS[1], ARGV[2])
    return 0
  end
  return unreachable()
end
if string.sub(record, 1, 1) ~= '1' then
  return error({err = 'ERR session record version ' .. string.sub(record, 1, 1) .. ' is newer than this store'})
end
if string.sub(record, 2, 14) < ARGV[3] then
  redis.call('SET', key, string.sub(record, 1, 1) .. ARGV[3] .. string.sub(record, 15), 'KEEPTTL')
end
redis.call('PEXPIRE', key, ARGV[4], 'GT')
if retain_of(entry) < tonumber(ARGV[5]) then
  redis.call('HSET', KEYS[1], ARGV[2], token_of(entry) .. ARGV[5])
end
keep_index_until(KEYS[1], ARGV[4])
return 1
