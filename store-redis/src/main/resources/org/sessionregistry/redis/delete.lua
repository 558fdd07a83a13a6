-- Revokes one session of a user and returns its members (none if it had no such session).
-- KEYS[1] the user's key. ARGV[1] session id.
local members = members_of(KEYS[1], ARGV[1])
if #members > 0 then
  remove_session(KEYS[1], ARGV[1])
end
return members
