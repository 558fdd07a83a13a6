-- Records activity: raises the session's retain-until and last activity (its header), its expiry (in part 01), and
-- the key's TTL, each only upward. Never creates, and never revives a session past its retain-until (it is removed
-- instead).
-- KEYS[1] the user's key. ARGV[1] session id, ARGV[2] last activity (13 digits), ARGV[3] retain-until (13 digits),
-- ARGV[4] TTL in ms, ARGV[5] now (epoch ms), ARGV[6] expiry (13 digits), or '' to leave it alone.
local header = header_of(KEYS[1], ARGV[1])
if not header then
  return 0
end
check_version(header)
if retain_of(header) < tonumber(ARGV[5]) then
  remove_session(KEYS[1], ARGV[1])
  return 0
end
local retain = string.sub(header, 30, 42)
local last = string.sub(header, 43, 55)
if retain < ARGV[3] then
  retain = ARGV[3]
end
if last < ARGV[2] then
  last = ARGV[2]
end
local touched = string.sub(header, 1, 29) .. retain .. last
if touched ~= header then
  redis.call('ZREM', KEYS[1], header)
  redis.call('ZADD', KEYS[1], 0, touched)
  keep_until(KEYS[1], ARGV[4])
end
-- Part 01 opens with the creation and the expiry instants (13 digits each): the expiry moves only later.
local first = ARGV[6] ~= '' and
    redis.call('ZRANGE', KEYS[1], '[' .. ARGV[1] .. '01', '(' .. ARGV[1] .. '02', 'BYLEX', 'LIMIT', 0, 1)[1]
if first then
  local at = ID_LENGTH + 3 + 13
  if string.sub(first, at, at + 12) < ARGV[6] then
    redis.call('ZREM', KEYS[1], first)
    redis.call('ZADD', KEYS[1], 0, string.sub(first, 1, at - 1) .. ARGV[6] .. string.sub(first, at + 13))
  end
end
return 1
