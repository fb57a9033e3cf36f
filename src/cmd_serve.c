/*
 * cmd_serve.c - "foivault serve": applies pending migrations, starts the
 * HTTP server and waits for SIGINT or SIGTERM, then shuts down gracefully:
 * stop accepting, let requests in flight finish, stop the threads,
 * checkpoint the WAL, exit 0.
 *
 * Signals are blocked before any thread starts, so every thread inherits the
 * mask and only this one receives them, through sigwait().
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "datadir.h"
#include "http.h"

#define SERVE_GRACE_MS 10000

const char cmd_serve_usage[] =
	"usage: foivault [--data DIR] serve [--listen HOST:PORT] [--threads N]\n"
	"Serves HTML under / and the JSON API under /api/v1/ until SIGINT or\n"
	"SIGTERM. Applies pending database migrations first.\n"
	"  --listen HOST:PORT  address to listen on (default 127.0.0.1:8080;\n"
	"                      port 0 picks a free port; [::1]:PORT for IPv6)\n"
	"  --threads N         request threads (default 4)\n"
	"Prints 'foivault: listening on URL' on standard output when ready.\n";

int
cmd_serve(struct cli *cli, int argc, char **argv)
{
	struct server_opts opts = { 0 };
	struct server *srv = NULL;
	struct store *s = NULL;
	struct error err;
	char *db_path = NULL, *host = NULL;
	sigset_t set;
	int port, sig = 0, rc = EXIT_USER;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *section = NULL, *key = NULL;

		if (strcmp(a, "--listen") == 0) {
			section = "server";
			key = "listen";
		} else if (strcmp(a, "--threads") == 0) {
			section = "server";
			key = "threads";
		} else {
			return cli_usage_error(cli, "unknown argument '%s'", a);
		}
		if (i + 1 >= argc)
			return cli_usage_error(cli, "%s needs a value", a);
		if (conf_set(&cli->conf, section, key, argv[++i], &err) < 0)
			return cli_usage_error(cli, "%s", err.msg);
	}
	if (cli->conf.listen == NULL)
		return cli_usage_error(cli, "no listen address");
	if (conf_parse_listen(cli->conf.listen, &host, &port, &err) < 0)
		goto fail;

	if (datadir_prepare(cli->data_dir, 0, &err) < 0)
		goto fail;
	db_path = datadir_path(cli->data_dir, "foivault.db");
	if (store_open(db_path, 0, &s, &err) < 0 ||
	    store_migrate(s, NULL, &err) < 0)
		goto fail;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	opts.conf = &cli->conf;
	opts.data_dir = cli->data_dir;
	opts.db_path = db_path;
	opts.host = host;
	opts.port = port;
	if (server_start(&opts, &srv, &port, &err) < 0)
		goto fail;
	printf("foivault: listening on http://%s%s%s:%d/\n",
	       strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "",
	       port);
	fflush(stdout);

	while (sigwait(&set, &sig) != 0)
		;
	fprintf(stderr, "foivault: %s received, shutting down\n",
		sig == SIGINT ? "SIGINT" : "SIGTERM");
	server_stop(srv, SERVE_GRACE_MS);
	if (store_checkpoint(s, &err) < 0)
		fprintf(stderr, "foivault: checkpoint: %s\n", err.msg);
	fprintf(stderr, "foivault: stopped\n");
	rc = EXIT_OK;
	goto out;
fail:
	rc = cli_fail(&err);
out:
	store_close(s);
	free(db_path);
	free(host);
	return rc;
}
