/*
 * cmd_init.c - "foivault init": creates the data directory, the vault
 * folders and the database, applies migrations and seeds the reference
 * data. Safe to run again at any time: it only adds what is missing, which
 * is also how an upgrade applies new migrations.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "datadir.h"

const char cmd_init_usage[] =
	"usage: foivault [--data DIR] init [--quiet]\n"
	"Creates DIR (default ./foivault-data) with its database and vault, or\n"
	"brings an existing one up to date. Running it again changes nothing\n"
	"that exists.\n"
	"  --quiet   print nothing on success\n";

static const char default_conf[] =
	"# foivault settings for this data directory. Every key is optional;\n"
	"# docs/admin.md lists them all. Command-line flags override these.\n"
	"\n"
	"[server]\n"
	"# listen = 127.0.0.1:8080\n"
	"# threads = 4\n"
	"# base_url = https://foi.example.org\n"
	"\n"
	"[limits]\n"
	"# max_connections = 512\n"
	"# max_connections_per_ip = 32\n"
	"# connection_timeout = 30\n"
	"# max_body = 1M\n"
	"\n"
	"[smtp]\n"
	"# url = smtp://127.0.0.1:25\n"
	"# from = foi@example.org\n"
	"\n"
	"[worker]\n"
	"# count = 0\n"
	"\n"
	"[archive]\n"
	"# max_entries = 10000\n"
	"# max_total = 2G\n"
	"# max_depth = 3\n";

/* Writes the commented default settings file unless one exists. */
static int
write_default_conf(const char *dir, struct error *err)
{
	char *path = datadir_path(dir, "foivault.conf");
	int fd, rc = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0) {
		if (errno != EEXIST)
			rc = error_set(err, "cannot create %s: %s", path,
				       strerror(errno));
		goto out;
	}
	if (write(fd, default_conf, sizeof(default_conf) - 1) !=
	    (ssize_t)(sizeof(default_conf) - 1))
		rc = error_set(err, "cannot write %s: %s", path,
			       strerror(errno));
	if (close(fd) < 0 && rc == 0)
		rc = error_set(err, "cannot write %s: %s", path,
			       strerror(errno));
out:
	free(path);
	return rc;
}

int
cmd_init(struct cli *cli, int argc, char **argv)
{
	struct store *s = NULL;
	struct error err;
	char *path = NULL;
	int quiet = 0, applied = 0, rc = EXIT_USER;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0)
			quiet = 1;
		else
			return cli_usage_error(cli, "unknown argument '%s'",
					       argv[i]);
	}
	if (datadir_prepare(cli->data_dir, 1, &err) < 0 ||
	    write_default_conf(cli->data_dir, &err) < 0)
		goto fail;
	path = datadir_path(cli->data_dir, "foivault.db");
	if (store_open(path, STORE_CREATE, &s, &err) < 0 ||
	    store_migrate(s, &applied, &err) < 0)
		goto fail;
	if (!quiet) {
		if (applied)
			printf("foivault: initialised %s (schema version %d)\n",
			       cli->data_dir, store_schema_version(s));
		else
			printf("foivault: %s is up to date (schema version "
			       "%d)\n", cli->data_dir, store_schema_version(s));
	}
	rc = EXIT_OK;
	goto out;
fail:
	rc = cli_fail(&err);
out:
	store_close(s);
	free(path);
	return rc;
}
