/*
 * cmd_worker.c - "foivault worker": one document-processing worker. Usually
 * started by `serve` or `ingest --wait`, which supervise it; an admin may
 * also run extra workers by hand (on the same machine: they share the data
 * directory).
 */
#include "config.h"

#include <string.h>

#include "cli.h"
#include "worker.h"

const char cmd_worker_usage[] =
	"usage: foivault [--data DIR] worker [--exit-when-idle]\n"
	"Processes queued documents (fetch, detect, extract, OCR, index) until\n"
	"SIGTERM. `serve` starts and supervises workers itself; run this by\n"
	"hand only to add workers.\n"
	"  --exit-when-idle  leave when no job is waiting\n";

int
cmd_worker(struct cli *cli, int argc, char **argv)
{
	struct worker_opts o = { 0 };
	struct error err;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--exit-when-idle") == 0)
			o.exit_when_idle = 1;
		else
			return cli_usage_error(cli, "unknown argument '%s'",
					       argv[i]);
	}
	o.data_dir = cli->data_dir;
	o.conf = &cli->conf;
	if (worker_run(&o, &err) < 0)
		return cli_fail(&err);
	return EXIT_OK;
}
