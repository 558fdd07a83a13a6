-- Shared by the scripts that read a user's index (prepended to them when loaded).
-- Returns the records of the index's live sessions, and drops entries whose session has expired: the index cleans
-- itself, with no help from keyspace notifications. One HGETALL and one MGET per 1,000 sessions.
local function live_records(index_key, token_key_prefix)
  local index = redis.call('HGETALL', index_key)
  local records = {}
  if #index == 0 then
    return records
  end
  local keys = {}
  for i = 2, #index, 2 do
    keys[#keys + 1] = token_key_prefix .. index[i]
  end
  local gone = {}
  for first = 1, #keys, 1000 do
    local values = redis.call('MGET', unpack(keys, first, math.min(first + 999, #keys)))
    for j = 1, #values do
      if values[j] then
        records[#records + 1] = values[j]
      else
        gone[#gone + 1] = index[2 * (first + j - 1) - 1]
      end
    end
  end
  if #gone > 0 then
    redis.call('HDEL', index_key, unpack(gone))
  end
  return records
end
