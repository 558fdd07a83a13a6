-- Creates a session within its user's limit: adds its members, raising the key's TTL to cover it, after removing
-- sessions past their time. Atomic with the limit: counting, ending or refusing, and adding are one script.
-- KEYS[1] the user's key. ARGV[1] session id, ARGV[2] header data, ARGV[3] the rest of the record, ARGV[4] TTL in ms,
-- ARGV[5] now (epoch ms), ARGV[6] the most live sessions ('0': no limit), ARGV[7] 'end' (the least recently active
-- make room) or 'refuse', ARGV[8] the device field (RecordCodec.deviceField) whose sessions the new one replaces, or ''.
-- Returns {1, members of the sessions ended (the device's, and to make room)...} when added, {0} when the id exists
-- with another record, {-1} when refused (then nothing is written).
local key = KEYS[1]
local id = ARGV[1]
local now = tonumber(ARGV[5])
local existing = members_of(key, id)
if #existing > 0 then
  -- The same record again is a client's retry of this very insert: done already.
  local record = ''
  for i = 2, #existing do
    record = record .. string.sub(existing[i], ID_LENGTH + 3)
  end
  if existing[1] == id .. '00' .. ARGV[2] and record == ARGV[3] then
    return {1}
  end
  return {0}
end
prune(key, now, id)
local reply = {1}
local max = tonumber(ARGV[6])
local device = ARGV[8]
-- The device's sessions leave whatever their state, and count for nothing; the others live count against the limit.
-- A set of fewer members than the limit holds fewer sessions: without a device, only a user near the limit pays for
-- reading its set.
local leaving = {}
local live = {}
if device ~= '' or (max > 0 and redis.call('ZCARD', key) >= max) then
  local all = redis.call('ZRANGE', key, 0, -1)
  local i = 1
  while i <= #all do
    local member = all[i]
    local sid = string.sub(member, 1, ID_LENGTH)
    -- The session's parts follow its header: their data, joined, is the record's rest.
    local rest = {}
    local j = i + 1
    while j <= #all and string.sub(all[j], 1, ID_LENGTH) == sid do
      rest[#rest + 1] = string.sub(all[j], ID_LENGTH + 3)
      j = j + 1
    end
    if is_header(member) and string.sub(member, 29, 29) == RECORD_VERSION then
      rest = table.concat(rest)
      -- The rest opens with creation and expiry (13 digits each), then the device field.
      if device ~= '' and string.sub(rest, 27, 26 + #device) == device then
        leaving[#leaving + 1] = sid
      elseif (retain_of(member) or 0) >= now then
        live[#live + 1] = {id = sid, last = tonumber(string.sub(member, 43, 55)) or 0,
                           created = tonumber(string.sub(rest, 1, 13)) or 0}
      end
    end
    i = j
  end
end
local excess = 0
if max > 0 and #live >= max then
  if ARGV[7] == 'refuse' then
    return {-1}
  end
  excess = #live - max + 1
end
for _, sid in ipairs(leaving) do
  for _, member in ipairs(members_of(key, sid)) do
    reply[#reply + 1] = member
  end
  remove_session(key, sid)
end
if excess > 0 then
  -- Least recently active first: oldest last activity, then oldest creation, then lowest id.
  table.sort(live, function(a, b)
    if a.last ~= b.last then
      return a.last < b.last
    end
    if a.created ~= b.created then
      return a.created < b.created
    end
    return a.id < b.id
  end)
  for k = 1, excess do
    for _, member in ipairs(members_of(key, live[k].id)) do
      reply[#reply + 1] = member
    end
    remove_session(key, live[k].id)
  end
end
local members = {0, id .. '00' .. ARGV[2]}
for n, data in ipairs(cut(key, ARGV[3])) do
  members[#members + 1] = 0
  members[#members + 1] = id .. part_name(n) .. data
end
redis.call('ZADD', key, unpack(members))
keep_until(key, ARGV[4])
return reply
