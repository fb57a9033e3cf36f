/*
 * worker.c - see worker.h.
 *
 * The worker: limits itself (RLIMIT_AS; per-page limits are set by the
 * ingest pipeline around each page), dies with its parent
 * (PR_SET_PDEATHSIG), and loops: claim a job with a lease, give up on it if
 * it has already been tried max_attempts times, else process it. SIGTERM
 * sets a flag that the pipeline checks between pages; the job stays
 * claimed and the supervisor puts it back, so the next worker resumes
 * after the last stored page.
 *
 * The supervisor identifies a worker's jobs by owner "worker:PID", the name
 * the worker claims them under.
 */
#include "config.h"

#include "worker.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "datadir.h"
#include "fvlimits.h"
#include "vault_ingest.h"

#define WORKER_IDLE_MS 200
#define WORKER_MAX 256

static volatile sig_atomic_t worker_stop;

static void
on_term(int sig)
{
	(void)sig;
	worker_stop = 1;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int
worker_count(const struct conf *c)
{
	long n = c->workers;

	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n <= 0)
		n = 1;
	return n > WORKER_MAX ? WORKER_MAX : (int)n;
}

/*
 * Under AddressSanitizer the shadow memory needs terabytes of address
 * space, so an address-space limit would stop the worker at once; sanitizer
 * builds are for tests, which check the limit's error path separately.
 */
#if defined(__SANITIZE_ADDRESS__)
#define WORKER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WORKER_ASAN 1
#endif
#endif

static void
limit_self(const struct conf *c)
{
#ifndef WORKER_ASAN
	struct rlimit rl = { (rlim_t)c->worker_memory, (rlim_t)c->worker_memory };

	if (setrlimit(RLIMIT_AS, &rl) < 0)
		fprintf(stderr, "worker: cannot limit memory: %s\n",
			strerror(errno));
#else
	(void)c;
#endif
	/* Leave when the supervisor goes, however it goes. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
}

int
worker_run(const struct worker_opts *o, struct error *err)
{
	struct vault_ingest *vi = NULL;
	struct store *s = NULL;
	struct sigaction sa;
	char owner[64];
	char *db_path = NULL;
	int rc = -1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	limit_self(o->conf);
	snprintf(owner, sizeof(owner), "worker:%ld", (long)getpid());

	if (datadir_prepare(o->data_dir, 0, err) < 0)
		goto out;
	db_path = datadir_path(o->data_dir, "foivault.db");
	if (store_open(db_path, 0, &s, err) < 0)
		goto out;
	vi = vault_ingest_new(o->data_dir, o->conf, s, owner, &worker_stop,
			      err);
	if (vi == NULL)
		goto out;

	while (!worker_stop) {
		struct store_job job = { 0 };
		struct error jerr;
		int got = store_job_claim(s, owner, FV_JOB_LEASE, &job, &jerr);

		if (got < 0) {
			/* A busy database is worth waiting for. */
			fprintf(stderr, "worker: %s\n", jerr.msg);
			sleep_ms(1000);
			continue;
		}
		if (got == 1) {
			if (o->exit_when_idle)
				break;
			sleep_ms(WORKER_IDLE_MS);
			continue;
		}
		if (vault_ingest_run(vi, &job, &jerr) < 0) {
			/*
			 * Not the document's fault (the database failed us):
			 * give the job back for a later try.
			 */
			fprintf(stderr, "worker: job %lld: %s\n",
				(long long)job.id, jerr.msg);
			store_jobs_release_owner(s, owner, jerr.msg, 1, NULL);
			sleep_ms(1000);
		}
		store_job_release(&job);
	}
	rc = 0;
out:
	vault_ingest_free(vi);
	store_close(s);
	free(db_path);
	return rc;
}

struct worker_pool {
	char *data_dir;
	char *config_path;
	int exit_when_idle;
	int n;
	pid_t pids[WORKER_MAX];
	int64_t last_restart_us;
};

static pid_t
spawn(struct worker_pool *p, struct error *err)
{
	char *argv[8];
	int i = 0;
	pid_t pid;

	argv[i++] = "foivault";
	argv[i++] = "--data";
	argv[i++] = p->data_dir;
	if (p->config_path) {
		argv[i++] = "--config";
		argv[i++] = p->config_path;
	}
	argv[i++] = "worker";
	if (p->exit_when_idle)
		argv[i++] = "--exit-when-idle";
	argv[i] = NULL;
	pid = fork();
	if (pid < 0) {
		error_set(err, "cannot start a worker: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		sigset_t none;

		/* The parent may block signals for sigwait(): undo that. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv("/proc/self/exe", argv);
		fprintf(stderr, "foivault: cannot run a worker: %s\n",
			strerror(errno));
		_exit(127);
	}
	return pid;
}

int
worker_pool_start(const char *data_dir, const char *config_path, int n,
		  int exit_when_idle, struct worker_pool **ret,
		  struct error *err)
{
	struct worker_pool *p = xcalloc(1, sizeof(*p));

	if (n > WORKER_MAX)
		n = WORKER_MAX;
	p->data_dir = xstrdup(data_dir);
	p->config_path = config_path ? xstrdup(config_path) : NULL;
	p->exit_when_idle = exit_when_idle;
	for (int i = 0; i < n; i++) {
		p->pids[i] = spawn(p, err);
		if (p->pids[i] < 0) {
			p->n = i;
			worker_pool_stop(p, NULL, 0);
			return -1;
		}
	}
	p->n = n;
	*ret = p;
	return 0;
}

static void
describe_exit(int status, char *buf, size_t size)
{
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);

		snprintf(buf, size, "the worker was killed by signal %d (%s)%s",
			 sig, strsignal(sig),
			 sig == SIGALRM || sig == SIGXCPU ?
			 ": a page took longer than the page time limit" :
			 sig == SIGKILL ? ": out of memory, or killed by hand" :
			 sig == SIGSEGV || sig == SIGABRT || sig == SIGBUS ?
			 ": the file crashed the parser" : "");
	} else {
		snprintf(buf, size, "the worker exited with status %d",
			 WEXITSTATUS(status));
	}
}

int
worker_pool_poll(struct worker_pool *p, struct store *s)
{
	int running = 0;

	for (int i = 0; i < p->n; i++) {
		int status;
		pid_t r;

		if (p->pids[i] <= 0)
			continue;
		r = waitpid(p->pids[i], &status, WNOHANG);
		if (r == 0) {
			running++;
			continue;
		}
		if (r == p->pids[i]) {
			char owner[64], why[256];
			struct error err;

			snprintf(owner, sizeof(owner), "worker:%ld",
				 (long)p->pids[i]);
			describe_exit(status, why, sizeof(why));
			if (s && store_jobs_release_owner(s, owner, why, 0, &err) < 0)
				fprintf(stderr, "foivault: %s\n", err.msg);
			p->pids[i] = 0;
			if (p->exit_when_idle && WIFEXITED(status) &&
			    WEXITSTATUS(status) == 0)
				continue;
			if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
				fprintf(stderr, "foivault: worker %s: %s\n",
					owner, why);
		}
		/* Replace it, but not faster than one per 100 ms. */
		if (now_usec() - p->last_restart_us < 100000)
			continue;
		p->last_restart_us = now_usec();
		{
			struct error err;

			p->pids[i] = spawn(p, &err);
			if (p->pids[i] < 0) {
				fprintf(stderr, "foivault: %s\n", err.msg);
				p->pids[i] = 0;
			} else {
				running++;
			}
		}
	}
	return running;
}

void
worker_pool_stop(struct worker_pool *p, struct store *s, int grace_ms)
{
	int waited = 0, left;

	if (p == NULL)
		return;
	for (int i = 0; i < p->n; i++)
		if (p->pids[i] > 0)
			kill(p->pids[i], SIGTERM);
	do {
		left = 0;
		for (int i = 0; i < p->n; i++) {
			int status;

			if (p->pids[i] <= 0)
				continue;
			if (waitpid(p->pids[i], &status, WNOHANG) ==
			    p->pids[i]) {
				char owner[64];

				snprintf(owner, sizeof(owner), "worker:%ld",
					 (long)p->pids[i]);
				if (s)
					store_jobs_release_owner(s, owner,
						"interrupted by shutdown", 1,
						NULL);
				p->pids[i] = 0;
			} else {
				left++;
			}
		}
		if (left && waited < grace_ms) {
			sleep_ms(20);
			waited += 20;
		}
	} while (left && waited < grace_ms);
	for (int i = 0; i < p->n; i++) {
		if (p->pids[i] > 0) {
			char owner[64];

			kill(p->pids[i], SIGKILL);
			waitpid(p->pids[i], NULL, 0);
			snprintf(owner, sizeof(owner), "worker:%ld",
				 (long)p->pids[i]);
			if (s)
				store_jobs_release_owner(s, owner,
					"killed at shutdown", 1, NULL);
		}
	}
	free(p->data_dir);
	free(p->config_path);
	free(p);
}

void
worker_release_orphans(struct store *s)
{
	struct error err;
	json_t *owners = store_jobs_owners(s, &err);
	json_t *v;
	size_t i;

	if (owners == NULL)
		return;
	json_array_foreach(owners, i, v) {
		const char *o = json_string_value(v);
		long long pid;

		if (o == NULL || strncmp(o, "worker:", 7) != 0 ||
		    parse_ll(o + 7, 1, INT32_MAX, "pid", &pid, NULL) < 0)
			continue;
		if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
			store_jobs_release_owner(s, o, "its worker was gone "
						 "after a restart", 0, NULL);
	}
	json_decref(owners);
}
