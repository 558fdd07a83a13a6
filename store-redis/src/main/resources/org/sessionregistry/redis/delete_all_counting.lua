-- Revokes every session of a user but ARGV[2] (empty: all), atomically, and returns only how many were live (by
-- retain-until in the index): no record is read back. Reads everything before writing anything.
-- KEYS[1] the user's index. ARGV[1] token key prefix, ARGV[2] the session id to keep, or '', ARGV[3] now (epoch ms).
local index = redis.call('HGETALL', KEYS[1])
local now = tonumber(ARGV[3])
local ids, keys, retains, kept = split_index(index, ARGV[2], ARGV[1])
local live_keys = {}
for i = 1, #keys do
  if retains[i] >= now then
    live_keys[#live_keys + 1] = keys[i]
  end
end
-- A live session's record out of reach (a Cluster slot in migration) would survive the unlink: fail first.
local present = 0
for first = 1, #live_keys, 1000 do
  present = present + redis.call('EXISTS', unpack(live_keys, first, math.min(first + 999, #live_keys)))
end
if present < #live_keys then
  return unreachable()
end
local live = #live_keys
chunked('UNLINK', nil, keys)
if kept then
  chunked('HDEL', KEYS[1], ids)
else
  redis.call('UNLINK', KEYS[1])
end
return live
