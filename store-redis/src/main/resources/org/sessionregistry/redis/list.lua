-- All live sessions of a user (see index.lua, prepended).
-- KEYS[1] the user's index. ARGV[1] token key prefix.
return live_records(KEYS[1], ARGV[1])
