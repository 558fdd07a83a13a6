-- Revokes every session of a user but ARGV[2] (empty: all), atomically, and returns the removed records.
-- KEYS[1] the user's index. ARGV[1] token key prefix, ARGV[2] the session id to keep, or ''.
local index = redis.call('HGETALL', KEYS[1])
local keys = {}
local fields = {}
local kept = false
for i = 1, #index, 2 do
  if index[i] == ARGV[2] then
    kept = true
  else
    fields[#fields + 1] = index[i]
    keys[#keys + 1] = ARGV[1] .. index[i + 1]
  end
end
local out = {}
for first = 1, #keys, 1000 do
  local last = math.min(first + 999, #keys)
  local values = redis.call('MGET', unpack(keys, first, last))
  for j = 1, #values do
    if values[j] then
      out[#out + 1] = values[j]
    end
  end
  redis.call('UNLINK', unpack(keys, first, last))
end
if kept then
  for first = 1, #fields, 1000 do
    redis.call('HDEL', KEYS[1], unpack(fields, first, math.min(first + 999, #fields)))
  end
else
  redis.call('UNLINK', KEYS[1])
end
return out
