/*
 * store_users.c - accounts, API tokens and the audit log.
 *
 * Invariants:
 * - no function here returns or prints a password hash or a token hash;
 *   lists carry only what an admin may see;
 * - every change to a user or a token writes its audit_log row in the same
 *   transaction, so the log cannot miss a change that happened;
 * - the audit log is append-only (triggers in the schema refuse UPDATE and
 *   DELETE), and users are never deleted;
 * - a token is usable only while it is not revoked and its user is active:
 *   store_token_lookup() checks both on every request, so disabling a user
 *   or revoking a token takes effect at once.
 */
#include "config.h"

#include "store_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fvlimits.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

static const char *const role_names[] = {
	[STORE_ROLE_RESEARCHER] = "researcher",
	[STORE_ROLE_ADVOCATE] = "advocate",
	[STORE_ROLE_COORDINATOR] = "coordinator",
	[STORE_ROLE_ADMIN] = "admin",
};

const char *
store_role_name(int role)
{
	if (role <= STORE_ROLE_NONE || role > STORE_ROLE_ADMIN)
		return NULL;
	return role_names[role];
}

int
store_role_parse(const char *s)
{
	for (int r = STORE_ROLE_RESEARCHER; r <= STORE_ROLE_ADMIN; r++)
		if (s && strcmp(s, role_names[r]) == 0)
			return r;
	return STORE_ROLE_NONE;
}

static int
valid_status(const char *s)
{
	return s && (strcmp(s, "pending") == 0 || strcmp(s, "active") == 0 ||
		     strcmp(s, "disabled") == 0);
}

int
store_audit_locked(struct store *s, int64_t actor, const char *action,
		   const char *object, const char *detail, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s,
		"INSERT INTO audit_log(actor_id, action, object, detail)"
		" VALUES (?, ?, ?, ?)", err);
	int rc;

	if (st == NULL)
		return -1;
	if (actor > 0)
		sqlite3_bind_int64(st, 1, actor);
	sqlite3_bind_text(st, 2, action, -1, SQLITE_STATIC);
	if (object)
		sqlite3_bind_text(st, 3, object, -1, SQLITE_TRANSIENT);
	if (detail)
		sqlite3_bind_text(st, 4, detail, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, err, "writing the audit log");
	return 0;
}

int
store_audit(struct store *s, int64_t actor, const char *action,
	    const char *object, const char *detail, struct error *err)
{
	if (store_begin(s, err) < 0)
		return -1;
	if (store_audit_locked(s, actor, action, object, detail, err) < 0 ||
	    store_commit(s, err) < 0) {
		store_rollback(s);
		return -1;
	}
	return 0;
}

/* Formats a JSON object into a string for the audit detail (caller frees). */
static char *
detail_json(json_t *o)
{
	char *d = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);

	json_decref(o);
	return d;
}

/* Runs an audit row with object "user:ID" and a JSON detail; takes o. */
static int
audit_user(struct store *s, int64_t actor, const char *action, int64_t id,
	   json_t *o, struct error *err)
{
	char obj[40];
	char *d = detail_json(o);
	int rc;

	snprintf(obj, sizeof(obj), "user:%lld", (long long)id);
	rc = store_audit_locked(s, actor, action, obj, d, err);
	free(d);
	return rc;
}

int
store_user_add(struct store *s, int64_t actor, const struct store_user_new *u,
	       int64_t *ret_id, struct error *err)
{
	sqlite3_stmt *st = NULL;
	const char *role = store_role_name(u->role);
	int64_t id;
	int rc;

	if (role == NULL || !valid_status(u->status))
		return error_set(err, "invalid role or status");
	if (store_begin(s, err) < 0)
		return -1;
	st = store_prepare(s, "SELECT name FROM users WHERE name = ?1"
			   " OR email = ?2", err);
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, u->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, u->email, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (strcasecmp((const char *)sqlite3_column_text(st, 0),
			       u->name) == 0)
			error_set(err, "there is already a user named '%s'",
				  u->name);
		else
			error_set(err, "another user has the e-mail address "
				  "'%s'", u->email);
		goto fail;
	} else if (rc != SQLITE_DONE) {
		store_fail(s, err, "looking up users");
		goto fail;
	}
	sqlite3_finalize(st);
	st = store_prepare(s, "INSERT INTO users(name, email, password_hash,"
			   " role, status) VALUES (?, ?, ?, ?, ?)", err);
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, u->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, u->email, -1, SQLITE_TRANSIENT);
	if (u->password_hash)
		sqlite3_bind_text(st, 3, u->password_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, u->status, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		store_fail(s, err, "adding a user");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	id = sqlite3_last_insert_rowid(s->db);
	if (audit_user(s, actor, "user.add", id,
		       json_pack("{s:s, s:s, s:s, s:b}", "name", u->name,
				 "role", role, "status", u->status,
				 "password", u->password_hash != NULL),
		       err) < 0 || store_commit(s, err) < 0)
		goto fail;
	if (ret_id)
		*ret_id = id;
	return 0;
fail:
	sqlite3_finalize(st);
	store_rollback(s);
	return -1;
}

int
store_user_find(struct store *s, const char *name, int64_t *ret_id,
		char **ret_status, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s, "SELECT id, status FROM users"
					 " WHERE name = ?", err);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc == SQLITE_DONE)
			return error_set(err, "no user '%s' (see 'foivault "
					 "user list')", name);
		return store_fail(s, err, "looking up a user");
	}
	if (ret_id)
		*ret_id = sqlite3_column_int64(st, 0);
	if (ret_status)
		*ret_status = xstrdup((const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return 0;
}

/*
 * Sets users.column (status or role) of the user named name to value,
 * inside a transaction with its audit row. ret_old gets the old value.
 */
static int
set_user_field(struct store *s, int64_t actor, const char *name,
	       const char *column, const char *value, const char *action,
	       char **ret_old, struct error *err)
{
	sqlite3_stmt *st = NULL;
	char sql[160];
	char *old = NULL;
	int64_t id;
	int rc;

	if (store_begin(s, err) < 0)
		return -1;
	/* column is one of two literals from this file, never input. */
	snprintf(sql, sizeof(sql), "SELECT id, %s FROM users WHERE name = ?",
		 column);
	st = store_prepare(s, sql, err);
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			error_set(err, "no user '%s' (see 'foivault user "
				  "list')", name);
		else
			store_fail(s, err, "looking up a user");
		goto fail;
	}
	id = sqlite3_column_int64(st, 0);
	old = xstrdup((const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	st = NULL;
	if (strcmp(old, value) != 0) {
		st = store_prepare(s, strcmp(column, "role") == 0 ?
			"UPDATE users SET role = ?, updated_at = " NOW
			" WHERE id = ?" :
			"UPDATE users SET status = ?, updated_at = " NOW
			" WHERE id = ?", err);
		if (st == NULL)
			goto fail;
		sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, id);
		if (sqlite3_step(st) != SQLITE_DONE) {
			store_fail(s, err, "changing a user");
			goto fail;
		}
		sqlite3_finalize(st);
		st = NULL;
		if (audit_user(s, actor, action, id,
			       json_pack("{s:s, s:s, s:s}", "name", name,
					 "from", old, "to", value), err) < 0)
			goto fail;
	}
	if (store_commit(s, err) < 0)
		goto fail;
	if (ret_old)
		*ret_old = old;
	else
		free(old);
	return 0;
fail:
	sqlite3_finalize(st);
	store_rollback(s);
	free(old);
	return -1;
}

int
store_user_set_status(struct store *s, int64_t actor, const char *name,
		      const char *status, char **ret_old, struct error *err)
{
	const char *action;

	if (!valid_status(status))
		return error_set(err, "invalid status '%s'", status);
	action = strcmp(status, "active") == 0 ? "user.approve" :
		 strcmp(status, "disabled") == 0 ? "user.disable" :
		 "user.status";
	return set_user_field(s, actor, name, "status", status, action,
			      ret_old, err);
}

int
store_user_set_role(struct store *s, int64_t actor, const char *name,
		    int role, int *ret_old, struct error *err)
{
	const char *r = store_role_name(role);
	char *old = NULL;

	if (r == NULL)
		return error_set(err, "invalid role");
	if (set_user_field(s, actor, name, "role", r, "user.role", &old,
			   err) < 0)
		return -1;
	if (ret_old)
		*ret_old = store_role_parse(old);
	free(old);
	return 0;
}

json_t *
store_users_list(struct store *s, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s,
		"SELECT id, name, email, role, status, created_at,"
		"  password_hash IS NOT NULL FROM users ORDER BY id", err);
	json_t *arr;
	int rc;

	if (st == NULL)
		return NULL;
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:I, s:o, s:o, s:o,"
			" s:o, s:o, s:b}",
			"id", (json_int_t)sqlite3_column_int64(st, 0),
			"name", store_json_text(st, 1),
			"email", store_json_text(st, 2),
			"role", store_json_text(st, 3),
			"status", store_json_text(st, 4),
			"created", store_json_text(st, 5),
			"password", sqlite3_column_int(st, 6)));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		store_fail(s, err, "listing users");
		return NULL;
	}
	return arr;
}

int
store_token_add(struct store *s, int64_t actor, int64_t user_id,
		const char *name, const unsigned char hash[32], int write,
		int64_t *ret_id, struct error *err)
{
	sqlite3_stmt *st = NULL;
	char obj[40];
	char *d;
	int64_t id;
	int rc;

	if (store_begin(s, err) < 0)
		return -1;
	st = store_prepare(s, "INSERT INTO api_tokens(user_id, name, hash,"
			   " scope) VALUES (?, ?, ?, ?)", err);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 3, hash, 32, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, write ? "write" : "read", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		store_fail(s, err, "adding a token");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	id = sqlite3_last_insert_rowid(s->db);
	snprintf(obj, sizeof(obj), "token:%lld", (long long)id);
	d = detail_json(json_pack("{s:I, s:s, s:s}", "user",
				  (json_int_t)user_id, "name", name, "scope",
				  write ? "write" : "read"));
	rc = store_audit_locked(s, actor, "token.create", obj, d, err);
	free(d);
	if (rc < 0 || store_commit(s, err) < 0)
		goto fail;
	if (ret_id)
		*ret_id = id;
	return 0;
fail:
	sqlite3_finalize(st);
	store_rollback(s);
	return -1;
}

int
store_token_revoke(struct store *s, int64_t actor, int64_t id,
		   struct error *err)
{
	sqlite3_stmt *st = NULL;
	char obj[40];
	int rc, already;

	if (store_begin(s, err) < 0)
		return -1;
	st = store_prepare(s, "SELECT revoked_at IS NOT NULL FROM api_tokens"
			   " WHERE id = ?", err);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			error_set(err, "no token %lld (see 'foivault token "
				  "list')", (long long)id);
		else
			store_fail(s, err, "looking up a token");
		goto fail;
	}
	already = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (already) {
		store_rollback(s);
		return 1;
	}
	st = store_prepare(s, "UPDATE api_tokens SET revoked_at = " NOW
			   " WHERE id = ?", err);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		store_fail(s, err, "revoking a token");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	snprintf(obj, sizeof(obj), "token:%lld", (long long)id);
	if (store_audit_locked(s, actor, "token.revoke", obj, NULL, err) < 0 ||
	    store_commit(s, err) < 0)
		goto fail;
	return 0;
fail:
	sqlite3_finalize(st);
	store_rollback(s);
	return -1;
}

json_t *
store_tokens_list(struct store *s, const char *user, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s,
		"SELECT t.id, u.name, t.name, t.scope, t.created_at,"
		"  t.last_used, t.revoked_at"
		" FROM api_tokens t JOIN users u ON u.id = t.user_id"
		" WHERE ?1 IS NULL OR u.name = ?1 ORDER BY t.id", err);
	json_t *arr;
	int rc;

	if (st == NULL)
		return NULL;
	if (user)
		sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:I, s:o, s:o, s:o,"
			" s:o, s:o, s:o}",
			"id", (json_int_t)sqlite3_column_int64(st, 0),
			"user", store_json_text(st, 1),
			"name", store_json_text(st, 2),
			"scope", store_json_text(st, 3),
			"created", store_json_text(st, 4),
			"last_used", store_json_text(st, 5),
			"revoked", store_json_text(st, 6)));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		store_fail(s, err, "listing tokens");
		return NULL;
	}
	return arr;
}

int
store_token_lookup(struct store *s, const unsigned char hash[32],
		   struct store_token_auth *ret, struct error *err)
{
	char sql[512];
	sqlite3_stmt *st;
	const void *stored;
	int rc, found = 1;

	snprintf(sql, sizeof(sql),
		 "SELECT t.id, t.hash, t.scope, t.revoked_at IS NULL,"
		 "  u.id, u.role, u.status = 'active',"
		 "  t.last_used IS NULL OR t.last_used <"
		 "   strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ','now','-%d seconds')"
		 " FROM api_tokens t JOIN users u ON u.id = t.user_id"
		 " WHERE t.hash = ?", FV_TOKEN_TOUCH_INTERVAL);
	st = store_prepare(s, sql, err);
	if (st == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		return 1;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_fail(s, err, "looking up a token");
	}
	/*
	 * The index lookup found the row by its hash; compare again in
	 * constant time so that no answer depends on how many bytes of a
	 * guess matched.
	 */
	stored = sqlite3_column_blob(st, 1);
	if (stored && sqlite3_column_bytes(st, 1) == 32 &&
	    sodium_memcmp(stored, hash, 32) == 0 &&
	    sqlite3_column_int(st, 3) && sqlite3_column_int(st, 6)) {
		memset(ret, 0, sizeof(*ret));
		ret->token_id = sqlite3_column_int64(st, 0);
		ret->write = strcmp((const char *)sqlite3_column_text(st, 2),
				    "write") == 0;
		ret->viewer.user_id = sqlite3_column_int64(st, 4);
		ret->viewer.role = store_role_parse(
			(const char *)sqlite3_column_text(st, 5));
		ret->viewer.admin = ret->viewer.role == STORE_ROLE_ADMIN;
		ret->stale = sqlite3_column_int(st, 7);
		found = 0;
	}
	sqlite3_finalize(st);
	return found;
}

int
store_token_touch(struct store *s, int64_t token_id, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s, "UPDATE api_tokens SET last_used"
					 " = " NOW " WHERE id = ?", err);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, token_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, err, "recording a token's use");
	return 0;
}

json_t *
store_audit_list(struct store *s, int64_t limit, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s,
		"SELECT a.id, a.at, u.name, a.action, a.object, a.detail"
		" FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id"
		" ORDER BY a.id DESC LIMIT ?", err);
	json_t *arr;
	int rc;

	if (st == NULL)
		return NULL;
	if (limit <= 0 || limit > FV_MAX_AUDIT_LIST)
		limit = FV_MAX_AUDIT_LIST;
	sqlite3_bind_int64(st, 1, limit);
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:I, s:o, s:o, s:o,"
			" s:o, s:o}",
			"id", (json_int_t)sqlite3_column_int64(st, 0),
			"at", store_json_text(st, 1),
			"actor", store_json_text(st, 2),
			"action", store_json_text(st, 3),
			"object", store_json_text(st, 4),
			"detail", store_json_text(st, 5)));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		store_fail(s, err, "reading the audit log");
		return NULL;
	}
	return arr;
}
