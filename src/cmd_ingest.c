/*
 * cmd_ingest.c - "foivault ingest": puts files, folders (recursively) and
 * URLs into the vault and queues their processing; with --wait, processes
 * them (with this command's own workers when no server is running) and
 * reports how each ended.
 *
 * Output (a public interface, DESIGN.md): one line per input,
 * ID<TAB>STATUS<TAB>INPUT, STATUS being queued, done or "failed: reason";
 * --json prints an array of {"id","status","input"[,"error"]}. An input
 * that could not even be stored has id "-" (null in JSON).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "datadir.h"
#include "fvlimits.h"
#include "ingest.h"
#include "worker.h"

const char cmd_ingest_usage[] =
	"usage: foivault [--data DIR] ingest [--wait] [--json] [OPTIONS] PATH|URL...\n"
	"Stores files, folders (recursively) and http(s) URLs in the vault and\n"
	"queues them for text extraction and OCR.\n"
	"  --wait               process them now and report how each ended\n"
	"                       (exit 1 if any failed)\n"
	"  --json               print a JSON array instead of lines\n"
	"  --title TEXT         title (default: the file name)\n"
	"  --date YYYY-MM-DD    the document's own date\n"
	"  --lang LANGS         OCR languages, e.g. fra or eng+spa\n"
	"  --negotiation SLUG   link to a negotiation (repeatable)\n"
	"  --issue SLUG         link to an issue (repeatable)\n"
	"Prints ID<TAB>STATUS<TAB>INPUT per input; STATUS is queued, done or\n"
	"'failed: reason'.\n";

#define INGEST_MAX_INPUTS 100000
#define INGEST_MAX_LINKS 32
#define INGEST_POLL_MS 200

struct input {
	char *input;     /* as the user wrote it (or the file found in a folder) */
	int64_t id;      /* 0 if it could not be stored */
	char *status;    /* queued, done, failed */
	char *error;
};

struct ingest {
	struct cli *cli;
	struct store *s;
	struct store_doc_new tmpl;
	struct input *in;
	size_t n, cap;
	int json, wait;
};

static struct input *
add_input(struct ingest *ig, const char *input)
{
	struct input *it;

	if (ig->n == ig->cap) {
		ig->cap = ig->cap ? ig->cap * 2 : 16;
		ig->in = xrealloc(ig->in, ig->cap * sizeof(*ig->in));
	}
	it = &ig->in[ig->n++];
	memset(it, 0, sizeof(*it));
	it->input = xstrdup(input);
	return it;
}

static void
input_fail(struct input *it, const char *msg)
{
	free(it->status);
	free(it->error);
	it->status = xstrdup("failed");
	it->error = xstrdup(msg);
}

static void
ingest_file(struct ingest *ig, const char *path)
{
	struct input *it = add_input(ig, path);
	struct store_doc_new d = ig->tmpl;
	char *abs = realpath(path, NULL);
	const char *base = strrchr(path, '/');
	const char *status;
	struct error err;

	if (ig->n > INGEST_MAX_INPUTS) {
		input_fail(it, "too many files in one ingest");
		free(abs);
		return;
	}
	d.source_kind = "path";
	d.source_name = base ? base + 1 : path;
	d.source_ref = abs ? abs : path;
	if (ingest_add_file(ig->s, ig->cli->data_dir, ig->cli->conf.max_upload,
			    path, &d, &it->id, &status, &err) < 0)
		input_fail(it, err.msg);
	else
		it->status = xstrdup(status);
	free(abs);
}

/* Regular files, recursively; symbolic links inside folders are skipped. */
static void
ingest_dir(struct ingest *ig, const char *dir, int depth)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);

	if (n < 0) {
		input_fail(add_input(ig, dir), strerror(errno));
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		struct stat sb;
		char *p;

		if (nm[0] == '.') {
			free(names[i]);
			continue;
		}
		p = xasprintf("%s/%s", dir, nm);
		if (lstat(p, &sb) == 0) {
			if (S_ISREG(sb.st_mode))
				ingest_file(ig, p);
			else if (S_ISDIR(sb.st_mode) && depth < 32)
				ingest_dir(ig, p, depth + 1);
		}
		free(p);
		free(names[i]);
	}
	free(names);
}

static void
ingest_url(struct ingest *ig, const char *url)
{
	struct input *it = add_input(ig, url);
	const char *status;
	struct error err;

	if (ingest_add_url(ig->s, url, &ig->tmpl, &it->id, &status, &err) < 0)
		input_fail(it, err.msg);
	else
		it->status = xstrdup(status);
}

static void
ingest_one(struct ingest *ig, const char *arg)
{
	struct stat sb;

	if (ingest_is_url(arg)) {
		ingest_url(ig, arg);
	} else if (strstr(arg, "://") != NULL) {
		input_fail(add_input(ig, arg), "only http and https URLs can be "
			   "fetched");
	} else if (stat(arg, &sb) < 0) {
		input_fail(add_input(ig, arg), strerror(errno));
	} else if (S_ISDIR(sb.st_mode)) {
		ingest_dir(ig, arg, 0);
	} else if (S_ISREG(sb.st_mode)) {
		ingest_file(ig, arg);
	} else {
		input_fail(add_input(ig, arg), "not a regular file or folder");
	}
}

/* "42s", "3m05s", "1h02m": short enough for one terminal line. */
static void
format_eta(double s, char *buf, size_t size)
{
	long t = s < 0 ? 0 : s > 359999 ? 359999 : (long)(s + 0.5);

	if (t < 60)
		snprintf(buf, size, "%lds", t);
	else if (t < 3600)
		snprintf(buf, size, "%ldm%02lds", t / 60, t % 60);
	else
		snprintf(buf, size, "%ldh%02ldm", t / 3600, t % 3600 / 60);
}

/*
 * One line on stderr, redrawn in place: a bar, documents and pages done out
 * of those known so far (archives add documents, and a document's pages are
 * known once it is opened, so both totals may grow), and an ETA. The bar
 * averages the two fractions, so that it is full only when every document
 * has ended.
 */
static void
progress(const struct store_progress *p, int64_t start_us)
{
	double elapsed = (double)(now_usec() - start_us) / 1e6;
	double docs = p->docs > 0 ? (double)p->finished / (double)p->docs : 0;
	double frac = p->pages > 0 ?
		(docs + (double)p->pages_done / (double)p->pages) / 2 : docs;
	int bar = (int)(frac * 30);
	char eta[32] = "", t[16];

	if (frac > 0.02 && frac < 1) {
		format_eta(elapsed / frac - elapsed, t, sizeof(t));
		snprintf(eta, sizeof(eta), ", ETA %s", t);
	}
	fprintf(stderr, "\r[%-30.*s] documents %lld/%lld, pages %lld/%lld%s\033[K",
		bar, "##############################",
		(long long)p->finished, (long long)p->docs,
		(long long)p->pages_done, (long long)p->pages, eta);
	fflush(stderr);
}

/* Waits until every stored input and what it expanded into has ended. */
static int
wait_all(struct ingest *ig, struct error *err)
{
	struct worker_pool *pool = NULL;
	/* The bar goes to stderr, so --json on stdout is not disturbed. */
	int tty = isatty(STDERR_FILENO);
	int64_t start = now_usec();
	int rc = -1;

	worker_release_orphans(ig->s);
	if (!datadir_serve_running(ig->cli->data_dir) &&
	    worker_pool_start(ig->cli->data_dir, ig->cli->config_path,
			      worker_count(&ig->cli->conf), 0, &pool, err) < 0)
		return -1;
	for (;;) {
		struct store_progress total = { 0 };
		int all = 1;

		for (size_t i = 0; i < ig->n; i++) {
			struct store_progress p;

			if (ig->in[i].id == 0)
				continue;
			if (store_document_progress(ig->s, ig->in[i].id, &p,
						    err) < 0)
				goto out;
			total.docs += p.docs;
			total.finished += p.finished;
			total.pages += p.pages;
			total.pages_done += p.pages_done;
			if (p.finished < p.docs)
				all = 0;
		}
		if (tty)
			progress(&total, start);
		if (all)
			break;
		if (pool)
			worker_pool_poll(pool, ig->s);
		else if (!datadir_serve_running(ig->cli->data_dir) &&
			 worker_pool_start(ig->cli->data_dir,
					   ig->cli->config_path,
					   worker_count(&ig->cli->conf), 0,
					   &pool, err) < 0)
			goto out; /* the server stopped under us */
		{
			struct timespec ts = { 0, INGEST_POLL_MS * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
	if (tty)
		fputc('\n', stderr);
	/* Report how each input ended. */
	for (size_t i = 0; i < ig->n; i++) {
		struct input *it = &ig->in[i];
		struct store_progress p;
		char *st = NULL, *e = NULL;

		if (it->id == 0)
			continue;
		if (store_document_status(ig->s, it->id, &st, &e, err) < 0 ||
		    store_document_progress(ig->s, it->id, &p, err) < 0) {
			free(st);
			free(e);
			goto out;
		}
		if (strcmp(st, "done") == 0 && p.failed == 0) {
			free(it->status);
			it->status = xstrdup("done");
		} else if (strcmp(st, "done") == 0) {
			char msg[128];

			snprintf(msg, sizeof(msg), "%lld of the %lld "
				 "documents expanded from it failed or were "
				 "not indexed", (long long)p.failed,
				 (long long)(p.docs - 1));
			input_fail(it, msg);
		} else if (strcmp(st, "unsupported") == 0) {
			input_fail(it, e ? e : "not indexed: unsupported type");
		} else {
			input_fail(it, e ? e : "failed");
		}
		free(st);
		free(e);
	}
	rc = 0;
out:
	worker_pool_stop(pool, ig->s, 5000);
	return rc;
}

static void
print_results(const struct ingest *ig)
{
	if (ig->json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < ig->n; i++) {
			const struct input *it = &ig->in[i];
			json_t *o = json_pack("{s:o, s:s, s:s}", "id",
				it->id ? json_integer(it->id) : json_null(),
				"status", it->status ? it->status : "failed",
				"input", it->input);

			if (it->error)
				json_object_set_new(o, "error",
						    json_string(it->error));
			json_array_append_new(arr, o);
		}
		json_dumpf(arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(arr);
		return;
	}
	for (size_t i = 0; i < ig->n; i++) {
		const struct input *it = &ig->in[i];

		if (it->id)
			printf("%lld\t", (long long)it->id);
		else
			fputs("-\t", stdout);
		if (it->error)
			printf("failed: %s\t%s\n", it->error, it->input);
		else
			printf("%s\t%s\n", it->status, it->input);
	}
}

int
cmd_ingest(struct cli *cli, int argc, char **argv)
{
	struct ingest ig = { 0 };
	const char *negs[INGEST_MAX_LINKS], *iss[INGEST_MAX_LINKS];
	size_t nn = 0, ni = 0;
	struct error err;
	int i, rc = EXIT_USER, failed = 0;

	ig.cli = cli;
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "--wait") == 0) {
			ig.wait = 1;
			continue;
		}
		if (strcmp(a, "--json") == 0) {
			ig.json = 1;
			continue;
		}
		if (i + 1 >= argc)
			return cli_usage_error(cli, "%s needs a value", a);
		if (strcmp(a, "--title") == 0) {
			ig.tmpl.title = argv[++i];
		} else if (strcmp(a, "--date") == 0) {
			ig.tmpl.doc_date = argv[++i];
			if (!ingest_valid_date(ig.tmpl.doc_date))
				return cli_usage_error(cli, "--date: expected "
						       "YYYY-MM-DD, got '%s'",
						       ig.tmpl.doc_date);
		} else if (strcmp(a, "--lang") == 0) {
			ig.tmpl.lang = argv[++i];
			if (!ingest_valid_lang(ig.tmpl.lang))
				return cli_usage_error(cli, "--lang: expected "
						       "languages like eng+fra");
		} else if (strcmp(a, "--negotiation") == 0) {
			if (nn == INGEST_MAX_LINKS)
				return cli_usage_error(cli, "too many --negotiation");
			negs[nn++] = argv[++i];
		} else if (strcmp(a, "--issue") == 0) {
			if (ni == INGEST_MAX_LINKS)
				return cli_usage_error(cli, "too many --issue");
			iss[ni++] = argv[++i];
		} else {
			return cli_usage_error(cli, "unknown option '%s'", a);
		}
	}
	if (i >= argc)
		return cli_usage_error(cli, "nothing to ingest");
	ig.tmpl.negotiations = negs;
	ig.tmpl.n_negotiations = nn;
	ig.tmpl.issues = iss;
	ig.tmpl.n_issues = ni;
	if (cli_open_store(cli, 0, &ig.s, &err) < 0)
		return cli_fail(&err);
	/* Unknown slugs are a usage problem: say so before storing anything. */
	for (size_t k = 0; k < nn + ni; k++) {
		const char *slug = k < nn ? negs[k] : iss[k - nn];
		json_t *o = k < nn ? store_negotiation_get(ig.s, slug, &err) :
			    store_issue_get(ig.s, slug, &err);

		if (o == NULL) {
			store_close(ig.s);
			if (err.msg[0])
				return cli_fail(&err);
			return cli_usage_error(cli, "no %s '%s' (see 'curl "
					       "/api/v1/%s')", k < nn ?
					       "negotiation" : "issue", slug,
					       k < nn ? "negotiations" : "issues");
		}
		json_decref(o);
	}
	for (; i < argc; i++)
		ingest_one(&ig, argv[i]);
	if (ig.wait && wait_all(&ig, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	print_results(&ig);
	for (size_t k = 0; k < ig.n; k++)
		if (ig.in[k].error)
			failed = 1;
	rc = failed ? EXIT_USER : EXIT_OK;
out:
	for (size_t k = 0; k < ig.n; k++) {
		free(ig.in[k].input);
		free(ig.in[k].status);
		free(ig.in[k].error);
	}
	free(ig.in);
	store_close(ig.s);
	return rc;
}
