-- Creates a session: adds its members, raising the key's TTL to cover it, after removing sessions past their time.
-- KEYS[1] the user's key. ARGV[1] session id, ARGV[2] header data, ARGV[3] the rest of the record, ARGV[4] TTL in ms,
-- ARGV[5] now (epoch ms).
local id = ARGV[1]
local existing = members_of(KEYS[1], id)
if #existing > 0 then
  -- The same record again is a client's retry of this very insert: done already.
  local record = ''
  for i = 2, #existing do
    record = record .. string.sub(existing[i], ID_LENGTH + 3)
  end
  if existing[1] == id .. '00' .. ARGV[2] and record == ARGV[3] then
    return 1
  end
  return 0
end
prune(KEYS[1], tonumber(ARGV[5]), id)
local members = {0, id .. '00' .. ARGV[2]}
for n, data in ipairs(cut(KEYS[1], ARGV[3])) do
  members[#members + 1] = 0
  members[#members + 1] = id .. part_name(n) .. data
end
redis.call('ZADD', KEYS[1], unpack(members))
keep_until(KEYS[1], ARGV[4])
return 1
