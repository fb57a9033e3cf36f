/*
 * cmd_token.c - "foivault token": API tokens for scripts.
 *
 *   token create --user NAME --name LABEL [--write] [--json]
 *   token list [--user NAME] [--json]
 *   token revoke ID
 *
 * A token is printed once, when it is created; only its SHA-256 is kept,
 * so a lost token cannot be shown again, only revoked and replaced. Every
 * change writes an audit_log row with no actor (the operator).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "cli.h"
#include "fvlimits.h"

const char cmd_token_usage[] =
	"usage: foivault [--data DIR] token create --user NAME --name LABEL "
	"[--write] [--json]\n"
	"       foivault [--data DIR] token list [--user NAME] [--json]\n"
	"       foivault [--data DIR] token revoke ID\n"
	"create: makes an API token for an active user and prints it once (it\n"
	"        cannot be shown again). Read-only unless --write. Scripts send\n"
	"        it as 'Authorization: Bearer TOKEN'.\n"
	"list: prints ID, USER, LABEL, SCOPE, CREATED, LAST_USED, STATE per\n"
	"      line (--json: an array). Tokens themselves are never shown.\n"
	"revoke: the token stops working at once.\n";

static int
valid_label(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > FV_MAX_TOKEN_NAME || !utf8_valid(s, n))
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static int
token_create(struct cli *cli, int argc, char **argv)
{
	const char *user = NULL, *label = NULL;
	char token[AUTH_TOKEN_LEN + 1];
	unsigned char hash[AUTH_HASH_BYTES];
	struct store *s = NULL;
	struct error err;
	char *status = NULL;
	int64_t uid, id;
	int write = 0, json = 0, rc = EXIT_USER;

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--write") == 0) {
			write = 1;
			continue;
		}
		if (strcmp(a, "--json") == 0) {
			json = 1;
			continue;
		}
		if (i + 1 >= argc)
			return cli_usage_error(cli, "%s needs a value", a);
		if (strcmp(a, "--user") == 0)
			user = argv[++i];
		else if (strcmp(a, "--name") == 0)
			label = argv[++i];
		else
			return cli_usage_error(cli, "unknown option '%s'", a);
	}
	if (user == NULL)
		return cli_usage_error(cli, "--user NAME is required");
	if (label == NULL || !valid_label(label))
		return cli_usage_error(cli, "--name: a label of 1 to %d "
				       "printable bytes is required",
				       FV_MAX_TOKEN_NAME);
	if (cli_open_store(cli, 0, &s, &err) < 0 ||
	    store_user_find(s, user, &uid, &status, &err) < 0)
		goto fail;
	if (strcmp(status, "active") != 0) {
		error_set(&err, "user '%s' is %s: 'foivault user approve %s' "
			  "first", user, status, user);
		goto fail;
	}
	auth_token_new(token);
	if (auth_token_hash(token, strlen(token), hash) < 0) {
		error_set(&err, "internal error: a new token does not parse");
		goto fail;
	}
	if (store_token_add(s, 0, uid, label, hash, write, &id, &err) < 0)
		goto fail;
	if (json) {
		json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
				      (json_int_t)id, "user", user, "name",
				      label, "scope", write ? "write" : "read",
				      "token", token);

		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(o);
	} else {
		printf("%s\n", token);
	}
	rc = EXIT_OK;
	goto out;
fail:
	rc = cli_fail(&err);
out:
	sodium_memzero(token, sizeof(token));
	free(status);
	store_close(s);
	return rc;
}

static int
token_list(struct cli *cli, int argc, char **argv)
{
	const char *user = NULL;
	struct store *s = NULL;
	struct error err;
	json_t *arr = NULL, *o;
	size_t i;
	int json = 0;

	for (int k = 2; k < argc; k++) {
		if (strcmp(argv[k], "--json") == 0)
			json = 1;
		else if (strcmp(argv[k], "--user") == 0 && k + 1 < argc)
			user = argv[++k];
		else
			return cli_usage_error(cli, "unknown option '%s'",
					       argv[k]);
	}
	if (cli_open_store(cli, STORE_READONLY, &s, &err) < 0 ||
	    (user && store_user_find(s, user, NULL, NULL, &err) < 0) ||
	    (arr = store_tokens_list(s, user, &err)) == NULL) {
		store_close(s);
		return cli_fail(&err);
	}
	if (json) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else {
		json_array_foreach(arr, i, o) {
			const char *lu = json_string_value(
				json_object_get(o, "last_used"));

			printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", (long long)
			       json_integer_value(json_object_get(o, "id")),
			       json_string_value(json_object_get(o, "user")),
			       json_string_value(json_object_get(o, "name")),
			       json_string_value(json_object_get(o, "scope")),
			       json_string_value(json_object_get(o, "created")),
			       lu ? lu : "never",
			       json_is_null(json_object_get(o, "revoked")) ?
			       "active" : "revoked");
		}
	}
	json_decref(arr);
	store_close(s);
	return EXIT_OK;
}

static int
token_revoke(struct cli *cli, int argc, char **argv)
{
	struct store *s = NULL;
	struct error err;
	long long id;
	int rc;

	if (argc != 3)
		return cli_usage_error(cli, "token revoke takes one ID");
	if (parse_ll(argv[2], 1, INT64_MAX, "token id", &id, &err) < 0)
		return cli_usage_error(cli, "%s", err.msg);
	if (cli_open_store(cli, 0, &s, &err) < 0 ||
	    (rc = store_token_revoke(s, 0, id, &err)) < 0) {
		store_close(s);
		return cli_fail(&err);
	}
	printf(rc == 1 ? "token %lld was already revoked\n" :
	       "token %lld revoked\n", id);
	store_close(s);
	return EXIT_OK;
}

int
cmd_token(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(cli, "token needs a subcommand");
	if (strcmp(argv[1], "create") == 0)
		return token_create(cli, argc, argv);
	if (strcmp(argv[1], "list") == 0)
		return token_list(cli, argc, argv);
	if (strcmp(argv[1], "revoke") == 0)
		return token_revoke(cli, argc, argv);
	return cli_usage_error(cli, "unknown subcommand '%s'", argv[1]);
}
