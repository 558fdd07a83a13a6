-- Revokes every session of a user but one, atomically, and returns the removed members. (Without a session to keep,
-- the store sends one ZPOPMIN instead.)
-- KEYS[1] the user's key. ARGV[1] the session id to keep.
local keep = ARGV[1]
if not header_of(KEYS[1], keep) then
  local members = redis.call('ZRANGE', KEYS[1], 0, -1)
  redis.call('UNLINK', KEYS[1])
  return members
end
local removed = {}
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(member, 1, ID_LENGTH) ~= keep then
    removed[#removed + 1] = member
  end
end
redis.call('ZREMRANGEBYLEX', KEYS[1], '-', '(' .. keep)
redis.call('ZREMRANGEBYLEX', KEYS[1], '[' .. keep .. '~', '+')
return removed
