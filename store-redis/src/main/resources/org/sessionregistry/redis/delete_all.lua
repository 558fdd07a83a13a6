-- Revokes every session of a user but ARGV[2] (empty: all), atomically, and returns the removed records.
-- Reads everything before writing anything.
-- KEYS[1] the user's index. ARGV[1] token key prefix, ARGV[2] the session id to keep, or '', ARGV[3] now (epoch ms).
local index = redis.call('HGETALL', KEYS[1])
local now = tonumber(ARGV[3])
local ids, keys, retains, kept = split_index(index, ARGV[2], ARGV[1])
local values = mget(keys)
local out = {}
for i = 1, #keys do
  if values[i] then
    out[#out + 1] = values[i]
  elseif retains[i] >= now then
    return unreachable()
  end
end
chunked('UNLINK', nil, keys)
if kept then
  chunked('HDEL', KEYS[1], ids)
else
  redis.call('UNLINK', KEYS[1])
end
return out
