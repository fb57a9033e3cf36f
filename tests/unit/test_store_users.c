/*
 * test_store_users.c - accounts, API tokens and the audit log
 * (store_users.c), the token and password primitives (auth.c), and the
 * upload file-name cleaner (http_form.c).
 */
#include "config.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "fvlimits.h"
#include "http_form.h"
#include "store.h"
#include "tap.h"

static char dir[] = "/tmp/fv-users-XXXXXX";

/* Raw SQL on purpose: the test checks what the schema itself refuses. */
static int
raw(const char *file, const char *sql)
{
	sqlite3 *db;
	int rc;

	sqlite3_open(file, &db);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static int
audit_count(struct store *s, const char *action)
{
	struct error err;
	json_t *arr = store_audit_list(s, 0, &err), *o;
	size_t i;
	int n = 0;

	json_array_foreach(arr, i, o)
		if (strcmp(json_string_value(json_object_get(o, "action")),
			   action) == 0)
			n++;
	json_decref(arr);
	return n;
}

static void
test_auth_primitives(void)
{
	char t1[AUTH_TOKEN_LEN + 1], t2[AUTH_TOKEN_LEN + 1];
	unsigned char h1[AUTH_HASH_BYTES], h2[AUTH_HASH_BYTES];
	char pw[AUTH_PWHASH_LEN], bad[AUTH_TOKEN_LEN + 1];
	struct error err;

	auth_token_new(t1);
	auth_token_new(t2);
	is_int(strlen(t1), AUTH_TOKEN_LEN, "a token has %d characters",
	       AUTH_TOKEN_LEN);
	ok(strncmp(t1, "fv_", 3) == 0, "and starts with fv_: %.3s", t1);
	ok(strcmp(t1, t2) != 0, "two tokens differ");
	ok(auth_token_hash(t1, strlen(t1), h1) == 0, "a token hashes");
	ok(auth_token_hash(t2, strlen(t2), h2) == 0 &&
	   memcmp(h1, h2, sizeof(h1)) != 0, "to different hashes");
	ok(auth_token_hash(t1, strlen(t1) - 1, h2) < 0, "a short token is "
	   "refused before any lookup");
	memcpy(bad, t1, sizeof(bad));
	bad[10] = '\'';
	ok(auth_token_hash(bad, strlen(bad), h2) < 0, "a quote in a token is "
	   "refused");
	memcpy(bad, t1, sizeof(bad));
	bad[0] = 'x';
	ok(auth_token_hash(bad, strlen(bad), h2) < 0, "a wrong prefix is "
	   "refused");
	ok(auth_token_hash("", 0, h2) < 0, "an empty token is refused");

	ok(auth_password_hash("short", pw, &err) < 0 &&
	   strstr(err.msg, "too short"), "a short password is refused: %s",
	   err.msg);
	ok(auth_password_hash("correct horse battery", pw, &err) == 0,
	   "a password hashes");
	ok(strncmp(pw, "$argon2id$", 10) == 0, "with Argon2id: %.20s", pw);
	ok(auth_password_verify(pw, "correct horse battery") == 0,
	   "the right password verifies");
	ok(auth_password_verify(pw, "correct horse batterx") < 0,
	   "a wrong one does not");
	ok(auth_password_verify("garbage", "correct horse battery") < 0,
	   "a malformed stored hash does not");
}

static void
test_safe_names(void)
{
	struct {
		const char *in, *want;
	} cases[] = {
		{ "report.pdf", "report.pdf" },
		{ "../../etc/passwd", "passwd" },
		{ "..\\..\\boot.ini", "boot.ini" },
		{ "a\001b\nc\x7f.txt", "a_b_c_.txt" },
		{ "..", "upload" },
		{ "dir/", "upload" },
		{ "", "upload" },
		{ "r\xc3\xa9sum\xc3\xa9.pdf", "r\xc3\xa9sum\xc3\xa9.pdf" },
		{ "bad\xff\xfe.pdf", "bad__.pdf" },
		{ "x'; DROP TABLE users;--.pdf", "x'; DROP TABLE users;--.pdf" },
	};
	char longname[600];
	char *s;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		s = http_form_safe_name(cases[i].in);
		is_str(s, cases[i].want, "safe name %zu", i);
		free(s);
	}
	s = http_form_safe_name(NULL);
	is_str(s, "upload", "no name at all");
	free(s);
	/* 299 'e' with acute accent (2 bytes each): cut between characters. */
	for (size_t i = 0; i < 299; i++)
		memcpy(longname + 2 * i, "\xc3\xa9", 2);
	longname[598] = '\0';
	s = http_form_safe_name(longname);
	ok(strlen(s) <= FV_MAX_FILE_NAME && strlen(s) % 2 == 0 &&
	   utf8_valid(s, strlen(s)), "a long name is cut at a character "
	   "boundary (%zu bytes)", strlen(s));
	free(s);
}

int
main(void)
{
	struct store *s = NULL;
	struct store_user_new u = { 0 };
	struct store_token_auth a;
	struct error err;
	char tok[AUTH_TOKEN_LEN + 1];
	unsigned char hash[AUTH_HASH_BYTES], other[AUTH_HASH_BYTES];
	char *db, *old = NULL, *status = NULL;
	int64_t alice, bob, tid, rid, id;
	int oldrole = 0;
	json_t *arr;
	char *dump;

	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		return 1;
	test_auth_primitives();
	test_safe_names();

	db = xasprintf("%s/foivault.db", dir);
	if (store_open(db, STORE_CREATE, &s, &err) < 0 ||
	    store_migrate(s, NULL, &err) < 0) {
		printf("Bail out! %s\n", err.msg);
		return 1;
	}

	/* ---- users ---- */
	u.name = "alice";
	u.email = "alice@example.org";
	u.role = STORE_ROLE_ADMIN;
	u.status = "active";
	u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
	ok(store_user_add(s, 0, &u, &alice, &err) == 0, "add a user");
	u.name = "ALICE";
	u.email = "other@example.org";
	ok(store_user_add(s, 0, &u, &id, &err) < 0 &&
	   strstr(err.msg, "already a user"), "names are unique in any case: "
	   "%s", err.msg);
	u.name = "alice2";
	u.email = "Alice@Example.org";
	ok(store_user_add(s, 0, &u, &id, &err) < 0 &&
	   strstr(err.msg, "e-mail"), "so are e-mail addresses: %s", err.msg);
	u.name = "bob'; DROP TABLE users;--";
	u.email = "bob@example.org";
	u.role = STORE_ROLE_RESEARCHER;
	u.status = "pending";
	u.password_hash = NULL;
	ok(store_user_add(s, 0, &u, &bob, &err) == 0, "SQL in a name is data");
	ok(store_user_find(s, "bob'; DROP TABLE users;--", &id, &status,
			   &err) == 0 && id == bob, "and is found by it");
	is_str(status, "pending", "status as added");
	free(status);
	ok(store_user_find(s, "nobody", &id, NULL, &err) < 0 &&
	   strstr(err.msg, "no user"), "an unknown user: %s", err.msg);

	ok(store_user_set_status(s, 0, u.name, "active", &old, &err) == 0,
	   "approve");
	is_str(old, "pending", "the old status comes back");
	free(old);
	ok(store_user_set_status(s, 0, u.name, "active", &old, &err) == 0,
	   "approve again");
	free(old);
	is_int(audit_count(s, "user.approve"), 1, "an unchanged status writes "
	       "no audit row");
	ok(store_user_set_status(s, 0, u.name, "bogus", NULL, &err) < 0,
	   "an unknown status is refused");
	ok(store_user_set_role(s, alice, u.name, STORE_ROLE_COORDINATOR,
			       &oldrole, &err) == 0 &&
	   oldrole == STORE_ROLE_RESEARCHER, "change a role");
	ok(store_user_set_role(s, 0, "nobody", STORE_ROLE_ADMIN, NULL,
			       &err) < 0, "the role of nobody");

	arr = store_users_list(s, &err);
	is_int(json_array_size(arr), 2, "two users listed");
	dump = json_dumps(arr, 0);
	ok(dump && strstr(dump, "argon2") == NULL && strstr(dump, "c2FsdA") ==
	   NULL, "the list holds no password hash");
	ok(dump && strstr(dump, "\"password\": true"), "but says whether "
	   "there is one");
	free(dump);
	json_decref(arr);

	/* ---- tokens ---- */
	auth_token_new(tok);
	auth_token_hash(tok, strlen(tok), hash);
	ok(store_token_add(s, 0, bob, "ci", hash, 1, &tid, &err) == 0,
	   "add a write token");
	ok(store_token_lookup(s, hash, &a, &err) == 0, "it resolves");
	is_int(a.viewer.user_id, bob, "to its user");
	is_int(a.viewer.role, STORE_ROLE_COORDINATOR, "with the user's role");
	ok(a.write && !a.viewer.admin, "write scope, not admin");
	ok(a.stale, "never used: due for a touch");
	ok(store_token_touch(s, a.token_id, &err) == 0, "touch");
	ok(store_token_lookup(s, hash, &a, &err) == 0 && !a.stale,
	   "just used: not due again");
	memcpy(other, hash, sizeof(other));
	other[31] ^= 1;
	is_int(store_token_lookup(s, other, &a, &err), 1, "a hash one bit off "
	       "does not resolve");

	ok(store_user_set_status(s, 0, u.name, "disabled", NULL, &err) == 0,
	   "disable the user");
	is_int(store_token_lookup(s, hash, &a, &err), 1, "a disabled user's "
	       "token stops working");
	store_user_set_status(s, 0, u.name, "active", NULL, &err);
	is_int(store_token_lookup(s, hash, &a, &err), 0, "and works again "
	       "when re-approved");

	auth_token_new(tok);
	auth_token_hash(tok, strlen(tok), other);
	ok(store_token_add(s, 0, alice, "read", other, 0, &rid, &err) == 0 &&
	   store_token_lookup(s, other, &a, &err) == 0 && !a.write &&
	   a.viewer.admin, "a read token of an admin");
	ok(store_token_add(s, 0, alice, "dup", other, 0, &id, &err) < 0,
	   "the same hash twice is refused");

	is_int(store_token_revoke(s, 0, tid, &err), 0, "revoke");
	is_int(store_token_lookup(s, hash, &a, &err), 1, "a revoked token "
	       "does not resolve");
	is_int(store_token_revoke(s, 0, tid, &err), 1, "revoking again says "
	       "so");
	ok(store_token_revoke(s, 0, 9999, &err) < 0 &&
	   strstr(err.msg, "no token"), "revoking nothing: %s", err.msg);

	arr = store_tokens_list(s, NULL, &err);
	is_int(json_array_size(arr), 2, "two tokens listed");
	dump = json_dumps(arr, 0);
	ok(dump && strstr(dump, "hash") == NULL && strstr(dump, "fv_") == NULL,
	   "no token or hash in the list");
	free(dump);
	json_decref(arr);
	arr = store_tokens_list(s, "alice", &err);
	is_int(json_array_size(arr), 1, "one of them alice's");
	json_decref(arr);

	/* ---- the audit log ---- */
	is_int(audit_count(s, "user.add"), 2, "user.add rows");
	is_int(audit_count(s, "user.role"), 1, "user.role row");
	is_int(audit_count(s, "user.disable"), 1, "user.disable row");
	is_int(audit_count(s, "token.create"), 2, "token.create rows");
	is_int(audit_count(s, "token.revoke"), 1, "token.revoke row");
	arr = store_audit_list(s, 0, &err);
	{
		json_t *o;
		size_t i;
		int by_alice = 0;

		json_array_foreach(arr, i, o)
			if (strcmp(json_string_value(json_object_get(o,
				"action")), "user.role") == 0 &&
			    json_is_string(json_object_get(o, "actor")) &&
			    strcmp(json_string_value(json_object_get(o,
				"actor")), "alice") == 0)
				by_alice = 1;
		ok(by_alice, "the role change names its actor");
	}
	json_decref(arr);
	ok(store_audit(s, alice, "test.note", "x", "{\"a\":1}", &err) == 0,
	   "append a row");
	store_close(s);
	s = NULL;
	ok(raw(db, "UPDATE audit_log SET action = 'forged'") != SQLITE_OK,
	   "the audit log refuses UPDATE");
	ok(raw(db, "DELETE FROM audit_log") != SQLITE_OK,
	   "and DELETE");

	free(db);
	{
		char *cmd = xasprintf("rm -rf '%s'", dir);

		if (system(cmd) != 0)
			diag("could not remove %s", dir);
		free(cmd);
	}
	return done_testing();
}
