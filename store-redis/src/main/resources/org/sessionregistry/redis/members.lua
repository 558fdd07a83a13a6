-- Shared by the scripts (prepended to them when loaded).
--
-- A user's sessions are one sorted set whose scores are all 0, so that its members sort by their bytes. A session is
-- one or more members, each its session id (26 characters), a part number (2 characters) and data. Part 00, the
-- header, holds the record version (3), the retain-until instant (13 digits, epoch ms) and the last activity (13
-- digits); parts 01 and on hold the rest of the record, which only Java reads. While a set is small Redis keeps it as
-- one compact listpack, but only if every member is at most 64 bytes: the rest is then cut into parts that fit.
-- The members of one session form one lexicographic range, its parts in order.

local ID_LENGTH = 26
local RECORD_VERSION = '3'
local PART_DATA = 64 - ID_LENGTH - 2
local COMPACT_ENTRIES = 128
local DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

local function part_name(n)
  local high = math.floor(n / 62)
  local low = n % 62
  return string.sub(DIGITS, high + 1, high + 1) .. string.sub(DIGITS, low + 1, low + 1)
end

local function header_of(key, id)
  return redis.call('ZRANGE', key, '[' .. id .. '00', '(' .. id .. '01', 'BYLEX', 'LIMIT', 0, 1)[1]
end

local function members_of(key, id)
  return redis.call('ZRANGE', key, '[' .. id, '(' .. id .. '~', 'BYLEX')
end

local function remove_session(key, id)
  redis.call('ZREMRANGEBYLEX', key, '[' .. id, '(' .. id .. '~')
end

local function is_header(member)
  return string.sub(member, ID_LENGTH + 1, ID_LENGTH + 2) == '00'
end

local function retain_of(header)
  return tonumber(string.sub(header, 30, 42))
end

local function check_version(header)
  local version = string.sub(header, 29, 29)
  if version ~= RECORD_VERSION then
    return error({err = 'ERR session record version ' .. version .. ' is not known to this store'})
  end
end

-- Removes the sessions past their retain-until by the caller's clock (now) among at most PRUNE_WINDOW members, from a
-- place in the set that seed (a new session id: random) picks: a create costs the same however large the set, a small
-- set is swept whole, a large one over successive creates, and all of it goes with the key's TTL. The set cleans
-- itself without keyspace notifications.
local PRUNE_WINDOW = 128
local function prune(key, now, seed)
  local size = redis.call('ZCARD', key)
  local start = 0
  if size > PRUNE_WINDOW then
    local r = string.byte(seed, 1) * 65536 + string.byte(seed, 2) * 256 + string.byte(seed, 3)
    start = r % (size - PRUNE_WINDOW + 1)
  end
  for _, member in ipairs(redis.call('ZRANGE', key, start, start + PRUNE_WINDOW - 1)) do
    -- Only headers this version can read: another version's (a rolling upgrade) is left to its own nodes.
    if is_header(member) and string.sub(member, 29, 29) == RECORD_VERSION and (retain_of(member) or now) < now then
      remove_session(key, string.sub(member, 1, ID_LENGTH))
    end
  end
end

-- The rest of a record as data of parts 01 and on: cut to fit a compact set (never inside a UTF-8 sequence) when the
-- set is compact and stays so with them, else whole.
local function cut(key, rest)
  local encoding = redis.call('OBJECT', 'ENCODING', key)
  local compact = not encoding or encoding == 'listpack' or encoding == 'ziplist'
  if not compact or redis.call('ZCARD', key) + 1 + math.ceil(#rest / PART_DATA) > COMPACT_ENTRIES then
    return {rest}
  end
  local parts = {}
  local from = 1
  while from <= #rest do
    local to = math.min(from + PART_DATA - 1, #rest)
    while to < #rest and to > from and string.byte(rest, to + 1) >= 128 and string.byte(rest, to + 1) < 192 do
      to = to - 1
    end
    parts[#parts + 1] = string.sub(rest, from, to)
    from = to + 1
  end
  return parts
end

-- Raises the key's TTL to ttl ms, never lowers it: the key lives as long as its longest-lived session.
local function keep_until(key, ttl)
  if redis.call('PTTL', key) < tonumber(ttl) then
    redis.call('PEXPIRE', key, ttl)
  end
end
