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
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "datadir.h"
#include "http.h"
#include "jurisdiction.h"
#include "worker.h"

#define SERVE_GRACE_MS 10000

const char cmd_serve_usage[] =
	"usage: foivault [--data DIR] serve [--listen HOST:PORT] [--threads N]\n"
	"                                  [--workers N]\n"
	"Serves HTML under / and the JSON API under /api/v1/ until SIGINT or\n"
	"SIGTERM. Applies pending database migrations first.\n"
	"  --listen HOST:PORT  address to listen on (default 127.0.0.1:8080;\n"
	"                      port 0 picks a free port; [::1]:PORT for IPv6)\n"
	"  --threads N         request threads (default 4)\n"
	"  --workers N         document-processing workers (default: one per\n"
	"                      core; 0 in the config file means that too)\n"
	"Prints 'foivault: listening on URL' on standard output when ready.\n";

struct supervisor {
	struct worker_pool *pool;
	const char *db_path;
	volatile int stop;
};

/*
 * Reaps and replaces dead workers and puts their jobs back. Its own thread
 * and database connection: the main thread sleeps in sigwait().
 */
static void *
supervise(void *arg)
{
	struct supervisor *sv = arg;
	struct store *s = NULL;
	struct error err;

	if (store_open(sv->db_path, 0, &s, &err) < 0) {
		fprintf(stderr, "foivault: supervisor: %s\n", err.msg);
		return NULL;
	}
	while (!sv->stop) {
		struct timespec ts = { 0, 250 * 1000 * 1000 };

		worker_pool_poll(sv->pool, s);
		nanosleep(&ts, NULL);
	}
	store_close(s);
	return NULL;
}

int
cmd_serve(struct cli *cli, int argc, char **argv)
{
	struct supervisor sv = { 0 };
	pthread_t sv_thread;
	int have_sv = 0, lock_fd = -1;
	struct server_opts opts = { 0 };
	struct jurisdiction_set *laws = NULL;
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
		} else if (strcmp(a, "--workers") == 0) {
			section = "worker";
			key = "count";
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
	/* Once, before any thread: a bad law file stops here, with file:line. */
	if (cli_load_laws(cli, &laws, &err) < 0)
		goto fail;
	lock_fd = datadir_lock_serve(cli->data_dir, &err);
	if (lock_fd < 0)
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
	opts.laws = laws;
	if (server_start(&opts, &srv, &port, &err) < 0)
		goto fail;
	/* Jobs a killed server's workers held are claimable again now. */
	worker_release_orphans(s);
	if (worker_pool_start(cli->data_dir, cli->config_path,
			      worker_count(&cli->conf), 0, &sv.pool, &err) < 0)
		goto fail;
	sv.db_path = db_path;
	if (pthread_create(&sv_thread, NULL, supervise, &sv) != 0) {
		error_set(&err, "cannot start the worker supervisor");
		goto fail;
	}
	have_sv = 1;
	printf("foivault: listening on http://%s%s%s:%d/\n",
	       strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "",
	       port);
	fflush(stdout);

	while (sigwait(&set, &sig) != 0)
		;
	fprintf(stderr, "foivault: %s received, shutting down\n",
		sig == SIGINT ? "SIGINT" : "SIGTERM");
	server_stop(srv, SERVE_GRACE_MS);
	srv = NULL;
	sv.stop = 1;
	pthread_join(sv_thread, NULL);
	have_sv = 0;
	worker_pool_stop(sv.pool, s, SERVE_GRACE_MS);
	sv.pool = NULL;
	if (store_checkpoint(s, &err) < 0)
		fprintf(stderr, "foivault: checkpoint: %s\n", err.msg);
	fprintf(stderr, "foivault: stopped\n");
	rc = EXIT_OK;
	goto out;
fail:
	rc = cli_fail(&err);
	if (have_sv) {
		sv.stop = 1;
		pthread_join(sv_thread, NULL);
	}
	server_stop(srv, 0);
	worker_pool_stop(sv.pool, s, SERVE_GRACE_MS);
out:
	if (lock_fd >= 0)
		close(lock_fd);
	store_close(s);
	jurisdiction_set_free(laws);
	free(db_path);
	free(host);
	return rc;
}
