-- Revokes every session of a user but ARGV[1] (empty: none), atomically, and returns the removed members when ARGV[2]
-- is '1', else none. (To remove all without reading them, the store sends one UNLINK instead.)
-- KEYS[1] the user's key. ARGV[1] the session id to keep, or ''. ARGV[2] '1' to read, '0' not to.
local keep = ARGV[1]
local kept = keep ~= '' and header_of(KEYS[1], keep)
local removed = {}
if ARGV[2] == '1' then
  for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    if not kept or string.sub(member, 1, ID_LENGTH) ~= keep then
      removed[#removed + 1] = member
    end
  end
end
if kept then
  -- The kept session's members move to a fresh key and the old one is unlinked (freed in the background): work in
  -- proportion to the kept session, whatever the number of others. The TTL stays (it covers the kept session).
  local members = members_of(KEYS[1], keep)
  local ttl = redis.call('PTTL', KEYS[1])
  redis.call('UNLINK', KEYS[1])
  local args = {}
  for _, member in ipairs(members) do
    args[#args + 1] = 0
    args[#args + 1] = member
  end
  redis.call('ZADD', KEYS[1], unpack(args))
  if ttl > 0 then
    redis.call('PEXPIRE', KEYS[1], ttl)
  end
else
  redis.call('UNLINK', KEYS[1])
end
return removed
