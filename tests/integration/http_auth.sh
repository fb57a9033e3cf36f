#!/bin/sh
# http_auth.sh - accounts and API tokens end to end: the user and token
# commands (and their audit rows), then Bearer tokens against the real
# server: none, malformed, unknown, revoked, a disabled user's, read-only
# on a write route; last_used; and that no token reaches the server's log.
. "$TESTLIB"

sql() { sqlite3 -bail "$DATA/foivault.db" "$@"; }

fv init --quiet
printf 'a long enough password\n' >"$TMP/pw"

# ---- user commands ---------------------------------------------------------
fv user add alice --email alice@example.org --role admin \
	--password-file "$TMP/pw" >"$TMP/out" 2>&1
is $? 0 "user add with a password file"
like "$(cat "$TMP/out")" "added user alice .*admin, active" "it says so"
fv user add bob --email bob@example.org --role researcher --no-password \
	>/dev/null 2>&1
is $? 0 "user add --no-password (a token-only account)"
fv user add Alice --email x@example.org --role admin --no-password \
	>/dev/null 2>"$TMP/err"
is $? 1 "a name taken in another case is a user error"
like "$(cat "$TMP/err")" "already a user" "and says why"
fv user add carol --email carol@example.org --role king --no-password \
	>/dev/null 2>&1
is $? 2 "an unknown role is a usage error"
fv user add 'x;drop' --email d@example.org --role admin --no-password \
	>/dev/null 2>&1
is $? 2 "a name with punctuation is a usage error"
fv user add dave --email 'not an address' --role admin --no-password \
	>/dev/null 2>&1
is $? 2 "a bad e-mail address is a usage error"
printf 'short\n' >"$TMP/shortpw"
fv user add erin --email erin@example.org --role advocate \
	--password-file "$TMP/shortpw" >/dev/null 2>"$TMP/err"
is $? 1 "a short password is refused"
fv user add frank --email frank@example.org --role advocate </dev/null \
	>/dev/null 2>&1
is $? 2 "no password source and no terminal is a usage error"
is "$(sql "SELECT count(*) FROM users WHERE name IN ('erin','frank')")" 0 \
	"refused accounts are not created"

fv user role bob coordinator >/dev/null
is $? 0 "user role"
fv user disable bob >/dev/null
is $? 0 "user disable"
fv user list >"$TMP/list"
is $? 0 "user list"
like "$(grep bob "$TMP/list")" "bob	bob@example.org	coordinator	disabled" \
	"the list shows role and status"
fv user list --json >"$TMP/list.json"
is "$(json_get "$(cat "$TMP/list.json")" 'len(j)')" 2 "user list --json"
ok "$(grep -c 'argon2' "$TMP/list" "$TMP/list.json" | grep -vc ':0$')" \
	"no password hash is printed"
fv user approve bob >/dev/null
is $? 0 "user approve"
fv user approve nobody >/dev/null 2>&1
is $? 1 "approving nobody is a user error"

# ---- token commands --------------------------------------------------------
READ=$(fv token create --user alice --name 'read only')
is $? 0 "token create"
like "$READ" '^fv_[A-Za-z0-9_-]{43}$' "a token is printed once"
fv token create --user bob --name ci --write --json >"$TMP/tok.json"
WRITE=$(json_get "$(cat "$TMP/tok.json")" 'j["token"]')
WRITE_ID=$(json_get "$(cat "$TMP/tok.json")" 'j["id"]')
is "$(json_get "$(cat "$TMP/tok.json")" 'j["scope"]')" write "--write: scope write"
OLD=$(fv token create --user bob --name old --write)
OLD_ID=$(sql "SELECT id FROM api_tokens WHERE name = 'old'")
fv token create --user nobody --name x >/dev/null 2>&1
is $? 1 "a token for nobody is a user error"
fv token list >"$TMP/tokens"
is "$(wc -l <"$TMP/tokens" | tr -d ' ')" 3 "token list: one line each"
ok "$(grep -c 'fv_' "$TMP/tokens" | grep -vc '^0$')" "no token is listed"
is "$(fv token list --user bob --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" \
	2 "token list --user"
is "$(sql "SELECT count(*) FROM api_tokens WHERE hash LIKE '%fv_%' OR length(hash) != 32")" \
	0 "only 32-byte hashes are stored"
ok "$(grep -c "$WRITE" "$DATA/foivault.db" | grep -vc '^0$')" \
	"the token itself is not in the database"
fv token revoke "$OLD_ID" >/dev/null
is $? 0 "token revoke"
fv token revoke "$OLD_ID" >"$TMP/out"
is $? 0 "revoking again is harmless"
like "$(cat "$TMP/out")" "already revoked" "and says so"
fv token revoke 999 >/dev/null 2>&1
is $? 1 "revoking an unknown token is a user error"
fv token revoke 'x or 1=1' >/dev/null 2>&1
is $? 2 "a non-numeric id is a usage error"

is "$(sql "SELECT group_concat(action, ' ') FROM (SELECT action FROM audit_log ORDER BY id)")" \
	"user.add user.add user.role user.disable user.approve token.create token.create token.create token.revoke" \
	"each change wrote one audit row, in order"
is "$(sql "SELECT count(*) FROM audit_log WHERE actor_id IS NOT NULL")" 0 \
	"CLI changes have no actor (the operator)"

# ---- the server --------------------------------------------------------------
start_server
auth() { printf 'Authorization: Bearer %s' "$1"; }
post_json() { # TOKEN-HEADER-ARGS...: POST a URL document
	http POST /api/v1/documents -H 'Content-Type: application/json' \
		--data '{"url": "http://127.0.0.1:9/x.pdf"}' "$@"
}

r=$(post_json)
like "$r" '^401 .*"unauthorized"' "no token: 401"
curl -s -D "$TMP/hdr" -o /dev/null -X POST "$URL/api/v1/documents" \
	-H 'Content-Type: application/json' --data '{}'
like "$(cat "$TMP/hdr")" 'WWW-Authenticate: Bearer realm="foivault"' \
	"with WWW-Authenticate: Bearer"
r=$(post_json -H "$(auth fv_nonsense)")
like "$r" '^401 .*malformed' "a malformed token: 401"
curl -s -D "$TMP/hdr" -o /dev/null "$URL/api/v1/health" \
	-H "$(auth fv_nonsense)"
like "$(cat "$TMP/hdr")" 'error="invalid_token"' \
	"a bad token is 401 even on a public route, never silently anonymous"
r=$(post_json -H "$(auth fv_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA)")
like "$r" '^401 .*unknown or revoked' "an unknown token: 401"
r=$(post_json -H "Authorization: Basic YWxpY2U6cGFzcw==")
like "$r" '^401 .*Bearer' "Basic auth: 401"
r=$(post_json -H "$(auth "$OLD")")
like "$r" '^401 ' "a revoked token: 401"
r=$(post_json -H "$(auth "fv_' OR '1'='1' --                         ")")
like "$r" '^401 ' "SQL in a token: 401"
r=$(post_json -H "$(auth "$READ")")
like "$r" '^403 .*read-only' "a read token on POST: 403"
r=$(http GET /api/v1/health -H "$(auth "$READ")")
like "$r" '^200 ' "a read token on GET: 200"
is "$(sql "SELECT last_used IS NOT NULL FROM api_tokens WHERE name = 'read only'")" 1 \
	"last_used is recorded"
r=$(http GET /api/v1/documents/1 -H "$(auth "$WRITE")")
like "$r" '^404 ' "a valid token on a missing document: 404"

fv user disable bob >/dev/null
r=$(post_json -H "$(auth "$WRITE")")
like "$r" '^401 ' "a disabled user's token: 401 at once"
fv user approve bob >/dev/null
r=$(post_json -H "$(auth "$WRITE")")
like "$r" '^202 .*"status": *"queued"' "re-approved: the write token works (202)"
is "$(sql "SELECT action || ' ' || actor_id FROM audit_log WHERE action LIKE 'document.%'")" \
	"document.url $(sql "SELECT id FROM users WHERE name = 'bob'")" \
	"the submission is in the audit log with its actor"

stop_server
is "$SERVER_STATUS" 0 "the server stops cleanly"
for t in "$READ" "$WRITE" "$OLD"; do
	if grep -qF "$t" "$TMP/server.err" "$TMP/server.out"; then
		ok 1 "a token appears in the server's output"
	else
		ok 0 "no token in the server's output"
	fi
done
done_testing
