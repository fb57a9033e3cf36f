/*
 * worker.h - document-processing workers and their supervisor.
 *
 * Untrusted bytes (PDFs, images, archives, office files, mail) are parsed
 * only in worker processes: `foivault worker`, each with an address-space
 * limit, a CPU and wall-clock limit per page, and its own database
 * connection. A supervisor (inside `serve`, or `ingest --wait` when no
 * server runs) starts them, notices when one dies, puts its job back in the
 * queue with the reason, and starts another. A job that keeps killing
 * workers fails after [worker] max_attempts with that reason.
 */
#ifndef FOIVAULT_WORKER_H
#define FOIVAULT_WORKER_H

#include "conf.h"
#include "store.h"
#include "util.h"

struct worker_opts {
	const char *data_dir;
	const struct conf *conf;
	int exit_when_idle;   /* leave when the queue is empty */
};

/* The worker's main loop (the `foivault worker` command). */
int worker_run(const struct worker_opts *o, struct error *err);

struct worker_pool;

/*
 * Starts n workers by running this program again with `worker` (argv0 is
 * resolved through /proc/self/exe). config_path may be NULL.
 */
int worker_pool_start(const char *data_dir, const char *config_path, int n,
		      int exit_when_idle, struct worker_pool **ret,
		      struct error *err);
/*
 * Reaps workers that ended: releases their jobs (with the reason) and,
 * unless they ended because they were idle, starts replacements. Returns
 * the number of workers still running.
 */
int worker_pool_poll(struct worker_pool *p, struct store *s);
/* SIGTERM to all, up to grace_ms to finish their page, then SIGKILL. */
void worker_pool_stop(struct worker_pool *p, struct store *s, int grace_ms);

/*
 * Puts back the jobs of workers that no longer exist on this machine (a
 * server or ingest killed with its workers), without waiting for their
 * leases to run out.
 */
void worker_release_orphans(struct store *s);

/* The number of workers [worker] count asks for (0 = one per core). */
int worker_count(const struct conf *c);

#endif
