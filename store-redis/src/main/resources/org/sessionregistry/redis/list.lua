-- The records of a user's live sessions.
-- KEYS[1] the user's index. ARGV[1] token key prefix, ARGV[2] now (epoch ms).
local ids, entries = live_entries(KEYS[1], tonumber(ARGV[2]))
local keys = {}
for i = 1, #entries do
  keys[i] = ARGV[1] .. token_of(entries[i])
end
local values = mget(keys)
local out = {}
for i = 1, #keys do
  if values[i] then
    out[#out + 1] = values[i]
  end
end
return out
