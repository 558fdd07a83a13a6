-- Shared by the scripts (prepended to them when loaded).
--
-- A user's index is a hash: session id -> entry, where an entry is the session's token hash (22 characters) followed
-- by its retain-until instant (13 digits, epoch ms). The index cleans itself by that instant, never by a missing
-- record: during a Cluster resharding a record may be out of reach while its session is alive.

local HASH_LENGTH = 22

local function token_of(entry)
  return string.sub(entry, 1, HASH_LENGTH)
end

local function retain_of(entry)
  return tonumber(string.sub(entry, HASH_LENGTH + 1))
end

-- Unpack is limited to a few thousand values: every multi-key command goes in chunks of 1,000.
local function chunked(command, key, values)
  for first = 1, #values, 1000 do
    if key then
      redis.call(command, key, unpack(values, first, math.min(first + 999, #values)))
    else
      redis.call(command, unpack(values, first, math.min(first + 999, #values)))
    end
  end
end

local function mget(keys)
  local values = {}
  for first = 1, #keys, 1000 do
    local part = redis.call('MGET', unpack(keys, first, math.min(first + 999, #keys)))
    for j = 1, #part do
      values[first + j - 1] = part[j]
    end
  end
  return values
end

-- The index's entries whose session is not past its retain-until (by the caller's clock, now), as two lists:
-- session ids and entries. Entries past it are removed.
local function live_entries(index_key, now)
  local index = redis.call('HGETALL', index_key)
  local ids, entries, gone = {}, {}, {}
  for i = 1, #index, 2 do
    if retain_of(index[i + 1]) < now then
      gone[#gone + 1] = index[i]
    else
      ids[#ids + 1] = index[i]
      entries[#entries + 1] = index[i + 1]
    end
  end
  chunked('HDEL', index_key, gone)
  return ids, entries
end

-- Splits an index (HGETALL's answer) for a revoke-all that keeps the session keep_id (or none): the other sessions'
-- ids, token keys and retain-until instants, and whether the kept one was there.
local function split_index(index, keep_id, token_key_prefix)
  local ids, keys, retains = {}, {}, {}
  local kept = false
  for i = 1, #index, 2 do
    if index[i] == keep_id then
      kept = true
    else
      ids[#ids + 1] = index[i]
      keys[#keys + 1] = token_key_prefix .. token_of(index[i + 1])
      retains[#retains + 1] = retain_of(index[i + 1])
    end
  end
  return ids, keys, retains, kept
end

-- A live session whose record is out of reach: fail before writing anything, so the caller retries.
local function unreachable()
  return error({err = 'TRYAGAIN a session record is out of reach on this node (Cluster slot migrating?)'})
end

local function keep_index_until(index_key, ttl)
  if redis.call('PTTL', index_key) < tonumber(ttl) then
    redis.call('PEXPIRE', index_key, ttl)
  end
end
