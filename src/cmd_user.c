/*
 * cmd_user.c - "foivault user": accounts, for the instance's operator.
 *
 *   user add NAME --email ADDRESS --role ROLE [--password-file FILE |
 *            --no-password]    an active account (the CLI is trusted)
 *   user approve NAME          pending or disabled -> active
 *   user disable NAME          -> disabled (its tokens stop working at once)
 *   user role NAME ROLE        admin, coordinator, advocate or researcher
 *   user list [--json]         never prints password hashes
 *
 * Every change writes an audit_log row with no actor (the operator). The
 * password is read from a file (first line) or, on a terminal, typed twice
 * without echo; it never appears on the command line, where other users
 * of the machine could read it in the process list.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "auth.h"
#include "cli.h"
#include "fvlimits.h"

const char cmd_user_usage[] =
	"usage: foivault [--data DIR] user add NAME --email ADDRESS --role ROLE\n"
	"                     [--password-file FILE | --no-password]\n"
	"       foivault [--data DIR] user approve|disable NAME\n"
	"       foivault [--data DIR] user role NAME ROLE\n"
	"       foivault [--data DIR] user list [--json]\n"
	"add: creates an active account. ROLE is admin, coordinator, advocate\n"
	"     or researcher. The password is the first line of FILE, or typed\n"
	"     twice on a terminal; --no-password makes an account that can only\n"
	"     use API tokens.\n"
	"approve: activates a pending (or disabled) account.\n"
	"disable: disables an account; its API tokens stop working at once.\n"
	"role: changes an account's site role.\n"
	"list: prints ID, NAME, EMAIL, ROLE, STATUS, CREATED per line (--json:\n"
	"      an array). Password hashes are never shown.\n";

static int
valid_user_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > FV_MAX_USER_NAME ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789._-") != n)
		return 0;
	return (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
	       (s[0] >= '0' && s[0] <= '9');
}

static int
valid_email(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s);

	if (n > FV_MAX_EMAIL || at == NULL || at == s || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL || !utf8_valid(s, n))
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '<' ||
		    *p == '>' || *p == ',' || *p == ';' || *p == '"')
			return 0;
	return 1;
}

/* The first line of path, without its line end. */
static int
read_password_file(const char *path, char *buf, size_t size,
		   struct error *err)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return error_set(err, "%s: %s", path, strerror(errno));
	if (fgets(buf, (int)size, f) == NULL) {
		fclose(f);
		return error_set(err, "%s: empty", path);
	}
	fclose(f);
	n = strlen(buf);
	if (n == size - 1 && buf[n - 1] != '\n')
		return error_set(err, "%s: the password is too long (at most "
				 "%d bytes)", path, FV_MAX_PASSWORD);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return 0;
}

/* Reads one line from the terminal without echo. */
static int
prompt(const char *what, char *buf, size_t size, struct error *err)
{
	struct termios old, quiet;
	char *got;
	int restore;

	fprintf(stderr, "%s: ", what);
	fflush(stderr);
	restore = tcgetattr(STDIN_FILENO, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	got = fgets(buf, (int)size, stdin);
	if (restore)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputc('\n', stderr);
	if (got == NULL)
		return error_set(err, "no password given");
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

static int
user_add(struct cli *cli, int argc, char **argv)
{
	const char *name, *email = NULL, *role = NULL, *pwfile = NULL;
	char pw[FV_MAX_PASSWORD + 2], again[FV_MAX_PASSWORD + 2];
	char hash[AUTH_PWHASH_LEN];
	struct store_user_new u = { 0 };
	struct store *s = NULL;
	struct error err;
	int64_t id;
	int nopw = 0, rc = EXIT_USER;

	if (argc < 3)
		return cli_usage_error(cli, "user add needs a NAME");
	name = argv[2];
	for (int i = 3; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--no-password") == 0) {
			nopw = 1;
			continue;
		}
		if (i + 1 >= argc)
			return cli_usage_error(cli, "%s needs a value", a);
		if (strcmp(a, "--email") == 0)
			email = argv[++i];
		else if (strcmp(a, "--role") == 0)
			role = argv[++i];
		else if (strcmp(a, "--password-file") == 0)
			pwfile = argv[++i];
		else
			return cli_usage_error(cli, "unknown option '%s'", a);
	}
	if (!valid_user_name(name))
		return cli_usage_error(cli, "user names are 1 to %d letters, "
				       "digits, '.', '_' or '-', starting with "
				       "a letter or digit", FV_MAX_USER_NAME);
	if (email == NULL || !valid_email(email))
		return cli_usage_error(cli, "--email: a valid e-mail address "
				       "is required");
	u.role = store_role_parse(role);
	if (u.role == STORE_ROLE_NONE)
		return cli_usage_error(cli, "--role: one of admin, coordinator, "
				       "advocate, researcher");
	if (nopw && pwfile)
		return cli_usage_error(cli, "--password-file and --no-password "
				       "exclude each other");
	if (!nopw && pwfile == NULL && !isatty(STDIN_FILENO))
		return cli_usage_error(cli, "give --password-file FILE or "
				       "--no-password (no terminal to ask on)");
	if (!nopw) {
		if (pwfile) {
			if (read_password_file(pwfile, pw, sizeof(pw),
					       &err) < 0)
				goto fail;
		} else if (prompt("Password", pw, sizeof(pw), &err) < 0 ||
			   prompt("Again", again, sizeof(again), &err) < 0) {
			goto fail;
		} else if (strcmp(pw, again) != 0) {
			error_set(&err, "the passwords differ");
			goto fail;
		}
		if (auth_password_hash(pw, hash, &err) < 0)
			goto fail;
		u.password_hash = hash;
	}
	u.name = name;
	u.email = email;
	u.status = "active";
	if (cli_open_store(cli, 0, &s, &err) < 0 ||
	    store_user_add(s, 0, &u, &id, &err) < 0)
		goto fail;
	printf("added user %s (id %lld, %s, active)\n", name, (long long)id,
	       store_role_name(u.role));
	rc = EXIT_OK;
	goto out;
fail:
	rc = cli_fail(&err);
out:
	sodium_memzero(pw, sizeof(pw));
	sodium_memzero(again, sizeof(again));
	store_close(s);
	return rc;
}

static int
user_status(struct cli *cli, int argc, char **argv, const char *status)
{
	struct store *s = NULL;
	struct error err;
	char *old = NULL;
	int rc;

	if (argc != 3)
		return cli_usage_error(cli, "user %s takes one NAME", argv[1]);
	if (cli_open_store(cli, 0, &s, &err) < 0 ||
	    store_user_set_status(s, 0, argv[2], status, &old, &err) < 0) {
		rc = cli_fail(&err);
	} else {
		if (strcmp(old, status) == 0)
			printf("%s was already %s\n", argv[2], status);
		else
			printf("%s: %s -> %s\n", argv[2], old, status);
		rc = EXIT_OK;
	}
	free(old);
	store_close(s);
	return rc;
}

static int
user_role(struct cli *cli, int argc, char **argv)
{
	struct store *s = NULL;
	struct error err;
	int role, old = 0, rc;

	if (argc != 4)
		return cli_usage_error(cli, "user role takes NAME and ROLE");
	role = store_role_parse(argv[3]);
	if (role == STORE_ROLE_NONE)
		return cli_usage_error(cli, "ROLE: one of admin, coordinator, "
				       "advocate, researcher");
	if (cli_open_store(cli, 0, &s, &err) < 0 ||
	    store_user_set_role(s, 0, argv[2], role, &old, &err) < 0) {
		rc = cli_fail(&err);
	} else {
		printf("%s: %s -> %s\n", argv[2],
		       store_role_name(old) ? store_role_name(old) : "?",
		       store_role_name(role));
		rc = EXIT_OK;
	}
	store_close(s);
	return rc;
}

static int
user_list(struct cli *cli, int argc, char **argv)
{
	struct store *s = NULL;
	struct error err;
	json_t *arr = NULL, *o;
	size_t i;
	int json = 0;

	for (int k = 2; k < argc; k++) {
		if (strcmp(argv[k], "--json") == 0)
			json = 1;
		else
			return cli_usage_error(cli, "unknown option '%s'",
					       argv[k]);
	}
	if (cli_open_store(cli, STORE_READONLY, &s, &err) < 0 ||
	    (arr = store_users_list(s, &err)) == NULL) {
		store_close(s);
		return cli_fail(&err);
	}
	if (json) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else {
		json_array_foreach(arr, i, o)
			printf("%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)
			       json_integer_value(json_object_get(o, "id")),
			       json_string_value(json_object_get(o, "name")),
			       json_string_value(json_object_get(o, "email")),
			       json_string_value(json_object_get(o, "role")),
			       json_string_value(json_object_get(o, "status")),
			       json_string_value(json_object_get(o,
								 "created")));
	}
	json_decref(arr);
	store_close(s);
	return EXIT_OK;
}

int
cmd_user(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(cli, "user needs a subcommand");
	if (strcmp(argv[1], "add") == 0)
		return user_add(cli, argc, argv);
	if (strcmp(argv[1], "approve") == 0)
		return user_status(cli, argc, argv, "active");
	if (strcmp(argv[1], "disable") == 0)
		return user_status(cli, argc, argv, "disabled");
	if (strcmp(argv[1], "role") == 0)
		return user_role(cli, argc, argv);
	if (strcmp(argv[1], "list") == 0)
		return user_list(cli, argc, argv);
	return cli_usage_error(cli, "unknown subcommand '%s'", argv[1]);
}
