/*
 * main.c - the foivault command: global options, the table of subcommands,
 * and the helpers every subcommand shares (cli.h).
 *
 * Exit status: 0 success, 1 a user error (one line on stderr), 2 a usage
 * error. Nothing below main calls exit().
 */
#include "config.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "cli.h"
#include "datadir.h"
#include "jurisdiction.h"
#include "ocr_version.h"

static int cmd_help(struct cli *cli, int argc, char **argv);
static int cmd_version(struct cli *cli, int argc, char **argv);

static const char cmd_help_usage[] =
	"usage: foivault help [COMMAND]\n"
	"Lists the commands, or shows one command's options.\n";
static const char cmd_version_usage[] =
	"usage: foivault version\n"
	"Prints the version of foivault and of the libraries it uses.\n";

/* The one table of subcommands. Keep it sorted by name. */
static const struct cli_command commands[] = {
	{ "authority", "add, list and import the public bodies that receive "
	  "requests", cmd_authority_usage, cmd_authority },
	{ "deadline", "the due date of a request under a jurisdiction's law, "
	  "with its working", cmd_deadline_usage, cmd_deadline },
	{ "doc", "show a document, its text, or link it by hand",
	  cmd_doc_usage, cmd_doc },
	{ "fsck", "check the database, the index and every original",
	  cmd_fsck_usage, cmd_fsck },
	{ "help", "list commands, or show one command's options", cmd_help_usage,
	  cmd_help },
	{ "ingest", "store files, folders and URLs in the vault and process "
	  "them", cmd_ingest_usage, cmd_ingest },
	{ "init", "create the data directory and database (idempotent)",
	  cmd_init_usage, cmd_init },
	{ "jurisdictions", "list the FOI laws, show one, or its holidays",
	  cmd_jurisdictions_usage, cmd_jurisdictions },
	{ "overdue", "requests past their due date, most overdue first",
	  cmd_overdue_usage, cmd_overdue },
	{ "request", "create requests, log events on their timeline, show "
	  "their due dates", cmd_request_usage, cmd_request },
	{ "search", "search the vault: documents, hit pages and snippets",
	  cmd_search_usage, cmd_search },
	{ "serve", "run the web server (HTML under /, JSON under /api/v1/)",
	  cmd_serve_usage, cmd_serve },
	{ "token", "create, list and revoke API tokens for scripts",
	  cmd_token_usage, cmd_token },
	{ "user", "add, approve, disable and list accounts, set their role",
	  cmd_user_usage, cmd_user },
	{ "version", "print version information", cmd_version_usage,
	  cmd_version },
	{ "worker", "process queued documents (serve starts these itself)",
	  cmd_worker_usage, cmd_worker },
};

static const char main_usage[] =
	"usage: foivault [--data DIR] [--config FILE] COMMAND [ARGS]\n"
	"       foivault --version | --help\n";

static void
print_help(FILE *f)
{
	fputs(main_usage, f);
	fputs("\nfoivault coordinates freedom-of-information requests and keeps "
	      "what governments\nrelease in a searchable vault.\n\n"
	      "Global options:\n"
	      "  --data DIR     data directory (default: $FOIVAULT_DATA, or "
	      "./foivault-data)\n"
	      "  --config FILE  settings file (default: DIR/foivault.conf if "
	      "present)\n"
	      "  --version      print the version\n\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-13s %s\n", commands[i].name,
			commands[i].summary);
	fputs("\nRun 'foivault COMMAND --help' for a command's options. "
	      "Documentation: docs/cli.md\n", f);
}

static const struct cli_command *
find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int
cmd_help(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *c;

	if (argc < 2) {
		print_help(stdout);
		return EXIT_OK;
	}
	if (argc > 2)
		return cli_usage_error(cli, "help takes at most one command");
	c = find_command(argv[1]);
	if (c == NULL) {
		fprintf(stderr, "foivault: unknown command '%s' (see 'foivault "
			"help')\n", argv[1]);
		return EXIT_USAGE;
	}
	fputs(c->usage, stdout);
	return EXIT_OK;
}

static int
cmd_version(struct cli *cli, int argc, char **argv)
{
	if (argc > 1)
		return cli_usage_error(cli, "version takes no arguments");
	char *lept = ocr_leptonica_version();

	printf("foivault %s\n", PACKAGE_VERSION);
	printf("tesseract %s, %s, mupdf %s, sqlite %s, libmicrohttpd %s\n",
	       ocr_tesseract_version(), lept, ocr_mupdf_version(),
	       store_engine_version(), MHD_get_version());
	free(lept);
	return EXIT_OK;
}

/*
 * A foivault run from its build tree (the quick start's
 * _build/release/src/foivault) without FOIVAULT_SHARE: the share directory
 * next to it (BUILD/share, which make fills) instead of an installed
 * $(pkgdatadir) that does not exist. Only when the default was not changed.
 */
static void
share_dir_fallback(struct cli *cli)
{
	char exe[4096], *dir, *share, *laws;
	ssize_t n;

	if (strcmp(cli->conf.share_dir, PKGDATADIR) != 0 ||
	    access(PKGDATADIR "/laws", F_OK) == 0)
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	dir = strrchr(exe, '/');
	if (dir == NULL)
		return;
	*dir = '\0';
	share = xasprintf("%s/../share", exe);
	laws = xasprintf("%s/laws", share);
	if (access(laws, F_OK) == 0) {
		free(cli->conf.share_dir);
		cli->conf.share_dir = share;
		share = NULL;
	}
	free(share);
	free(laws);
}

int
cli_load_conf(struct cli *cli, struct error *err)
{
	const char *env = getenv("FOIVAULT_SHARE");
	char *path = NULL;
	int rc = 0;

	if (cli->config_path) {
		rc = conf_load_file(&cli->conf, cli->config_path, err);
	} else {
		path = datadir_path(cli->data_dir, "foivault.conf");
		if (access(path, F_OK) == 0)
			rc = conf_load_file(&cli->conf, path, err);
		free(path);
	}
	/* The build tree's share dir wins: tests and the quick start use it. */
	if (rc == 0 && env && *env) {
		free(cli->conf.share_dir);
		cli->conf.share_dir = xstrdup(env);
	} else if (rc == 0) {
		share_dir_fallback(cli);
	}
	return rc;
}

int
cli_open_store(struct cli *cli, int flags, struct store **ret,
	       struct error *err)
{
	char *path;
	int rc;

	if (datadir_prepare(cli->data_dir, 0, err) < 0)
		return -1;
	path = datadir_path(cli->data_dir, "foivault.db");
	rc = store_open(path, flags, ret, err);
	free(path);
	if (rc == 0 && store_schema_version(*ret) < store_schema_latest()) {
		store_close(*ret);
		return error_set(err, "the database in %s needs upgrading: run "
				 "'foivault --data %s init'", cli->data_dir,
				 cli->data_dir);
	}
	return rc;
}

int
cli_fail(const struct error *err)
{
	fprintf(stderr, "foivault: %s\n", err->msg);
	return EXIT_USER;
}

int
cli_usage_error(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fputs("foivault: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cli->cmd) {
		const char *nl = strchr(cli->cmd->usage, '\n');

		fprintf(stderr, "%.*s\n", nl ? (int)(nl - cli->cmd->usage) :
			(int)strlen(cli->cmd->usage), cli->cmd->usage);
	} else {
		fputs(main_usage, stderr);
	}
	return EXIT_USAGE;
}

char *
cli_share_path(const struct cli *cli, const char *name)
{
	return datadir_path(cli->conf.share_dir, name);
}

int
cli_load_laws(struct cli *cli, struct jurisdiction_set **ret,
	      struct error *err)
{
	char *dirs[2];
	struct jurisdiction_set *set;

	/* A missing DATA/laws (or DATA) is an instance without overrides. */
	dirs[0] = cli_share_path(cli, "laws");
	dirs[1] = datadir_path(cli->data_dir, "laws");
	set = jurisdiction_set_load((const char *const *)dirs, 2, err);
	free(dirs[0]);
	free(dirs[1]);
	if (set == NULL)
		return -1;
	*ret = set;
	return 0;
}

int
main(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct error err;
	const char *env;
	int i, rc = EXIT_USAGE;

	/* libarchive mangles non-ASCII names under the "C" locale. */
	setlocale(LC_CTYPE, "C.UTF-8");
	if (sodium_init() < 0) {
		fputs("foivault: cannot initialise libsodium\n", stderr);
		return EXIT_USER;
	}
	cli.prog = argv[0];
	conf_init(&cli.conf);
	env = getenv("FOIVAULT_DATA");
	cli.data_dir = xstrdup(env && *env ? env : "./foivault-data");

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		const char *val = NULL;
		char **slot = NULL;

		if (strcmp(a, "--version") == 0) {
			rc = cmd_version(&cli, 1, argv);
			goto out;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_help(stdout);
			rc = EXIT_OK;
			goto out;
		}
		if (strncmp(a, "--data", 6) == 0 && (a[6] == '\0' || a[6] == '='))
			slot = &cli.data_dir;
		else if (strncmp(a, "--config", 8) == 0 &&
			 (a[8] == '\0' || a[8] == '='))
			slot = &cli.config_path;
		if (slot == NULL) {
			rc = cli_usage_error(&cli, "unknown option '%s'", a);
			goto out;
		}
		val = strchr(a, '=');
		if (val)
			val++;
		else if (i + 1 < argc)
			val = argv[++i];
		if (val == NULL || *val == '\0') {
			rc = cli_usage_error(&cli, "option '%s' needs a value",
					     a);
			goto out;
		}
		free(*slot);
		*slot = xstrdup(val);
	}
	if (i >= argc) {
		print_help(stderr);
		goto out;
	}
	cli.cmd = find_command(argv[i]);
	if (cli.cmd == NULL) {
		fprintf(stderr, "foivault: unknown command '%s' (see 'foivault "
			"help')\n", argv[i]);
		goto out;
	}
	if (argc - i > 1 && (strcmp(argv[i + 1], "--help") == 0 ||
			     strcmp(argv[i + 1], "-h") == 0)) {
		fputs(cli.cmd->usage, stdout);
		rc = EXIT_OK;
		goto out;
	}
	if (cli.cmd->run != cmd_help && cli.cmd->run != cmd_version &&
	    cli_load_conf(&cli, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	rc = cli.cmd->run(&cli, argc - i, argv + i);
out:
	conf_release(&cli.conf);
	free(cli.data_dir);
	free(cli.config_path);
	return rc;
}
