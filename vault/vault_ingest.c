/*
 * vault_ingest.c - see vault_ingest.h.
 *
 * The pipeline for one document:
 *   1. fetch jobs: download the URL (vault_fetch), store the blob, and queue
 *      an ingest job for it (or point at the document it duplicates);
 *   2. detect the type from the bytes (vault_detect), with the name as hint;
 *   3. turn it into pages: PDF text layer or OCR page by page, images OCR'd
 *      page by page, office/HTML/text extracted, archives expanded into new
 *      documents (each with its own job), anything else "unsupported";
 *   4. suggest links and the document's own reference and date by rule;
 *   5. finish: index all pages and mark done in one transaction.
 *
 * Pages are stored as they are made, so a worker that dies on page 300 of
 * 500 is replaced by one that resumes at page 301; the job's lease is
 * renewed after every page. (A failed document sent again starts over at
 * page 1.) Pages that could not be read are stored without text, counted
 * per document, and named in the document's note; a document none of
 * whose pages could be read fails with the first page's reason.
 *
 * OCR of a page stops at [worker] page_timeout, and the page is kept
 * without text. Each page also runs under a wall-clock alarm and a CPU
 * limit a little longer than that: a page that hangs elsewhere kills the
 * worker, and the supervisor records why; after [worker] max_attempts the
 * document fails with it.
 */
#include "config.h"

#include "vault_ingest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <leptonica/allheaders.h>
#include <sys/stat.h>

#include "datadir.h"
#include "fvlimits.h"
#include "ocr_engine.h"
#include "ocr_image.h"
#include "ocr_pdf.h"
#include "vault_archive.h"
#include "vault_blob.h"
#include "vault_detect.h"
#include "vault_fetch.h"
#include "vault_rules.h"
#include "vault_text.h"

#define INGEST_MAX_RULE_HITS 64
/* Page images kept for the document viewer: enough to read, small to keep. */
#define INGEST_PREVIEW_DPI 100
#define INGEST_PREVIEW_MAX_WIDTH 1400

struct vault_ingest {
	char *data_dir;
	const struct conf *conf;
	struct store *s;
	char *owner;
	volatile sig_atomic_t *stop;
	const struct store_job *job;  /* the job being processed */
	struct store_doc doc;         /* its document */
	struct ocr_engine *engine;    /* created on the first page to OCR */
	int resuming;                 /* the document was being processed */
	int pages_failed;             /* pages stored without text */
	char first_page_error[256];
};

struct vault_ingest *
vault_ingest_new(const char *data_dir, const struct conf *conf,
		 struct store *s, const char *owner,
		 volatile sig_atomic_t *stop, struct error *err)
{
	struct vault_ingest *vi = xcalloc(1, sizeof(*vi));

	(void)err;
	vi->data_dir = xstrdup(data_dir);
	vi->conf = conf;
	vi->s = s;
	vi->owner = xstrdup(owner);
	vi->stop = stop;
	return vi;
}

void
vault_ingest_free(struct vault_ingest *vi)
{
	if (vi == NULL)
		return;
	ocr_engine_free(vi->engine);
	vault_detect_cleanup();
	free(vi->data_dir);
	free(vi->owner);
	free(vi);
}

/* ---- per-page limits ---------------------------------------------------- */

/*
 * Seconds a page may take before its worker is killed. Tesseract stops
 * itself at page_timeout (the page is then kept without text and the
 * document goes on), so the kill, which costs the document an attempt,
 * must come later: it is the backstop for code that cannot be stopped
 * (a decoder or a renderer in a loop, Tesseract's layout analysis).
 */
static unsigned
page_guard_seconds(const struct vault_ingest *vi)
{
	return (unsigned)vi->conf->page_timeout +
	       (unsigned)vi->conf->page_timeout / 4 + 2;
}

/*
 * Arms the wall-clock alarm and moves the CPU soft limit to "now plus one
 * page's worth". Either kills the worker if a page runs away (SIGALRM,
 * SIGXCPU), which is the only reliable way to stop a library stuck in a
 * loop; the supervisor turns the signal into the document's error.
 */
static void
page_guard_begin(const struct vault_ingest *vi)
{
	struct rusage ru;
	struct rlimit rl;

	alarm(page_guard_seconds(vi));
	if (getrusage(RUSAGE_SELF, &ru) == 0 &&
	    getrlimit(RLIMIT_CPU, &rl) == 0) {
		rlim_t used = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec);

		rl.rlim_cur = used + (rlim_t)page_guard_seconds(vi);
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
			rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_CPU, &rl);
	}
}

static void
page_guard_end(void)
{
	alarm(0);
}

/* ---- finishing ----------------------------------------------------------- */

static int
finish(struct vault_ingest *vi, const char *status, const char *note,
       struct error *err)
{
	return store_document_finish(vi->s, vi->doc.id, vi->job->id, vi->owner,
				     status, note, err);
}

/* A problem with the document itself: it fails, the worker goes on. */
static int
fail_doc(struct vault_ingest *vi, const char *msg, struct error *err)
{
	return finish(vi, "failed", msg, err);
}

/* Renews the lease after a page; 1 means stop (shutdown or lease lost). */
static int
after_page(struct vault_ingest *vi)
{
	struct error err;

	if (*vi->stop)
		return 1;
	if (store_job_renew(vi->s, vi->job->id, vi->owner, FV_JOB_LEASE,
			    &err) < 0) {
		fprintf(stderr, "worker: %s\n", err.msg);
		return 1;
	}
	return 0;
}

/* Links and metadata found by rule in the document's text. */
static int
apply_rules(struct vault_ingest *vi, struct error *err)
{
	struct vault_rule_hit hits[INGEST_MAX_RULE_HITS];
	struct buf text;
	char *ref = NULL, *date = NULL;
	size_t n;
	int rc = 0;

	buf_init(&text, 64u * 1024 * 1024);
	if (store_document_text(vi->s, vi->doc.id, &text, err) < 0) {
		/* Too much text to scan is not a reason to fail a document. */
		buf_release(&text);
		return 0;
	}
	n = vault_rules_match(text.data ? text.data : "", text.len, hits,
			      INGEST_MAX_RULE_HITS);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = store_document_link(vi->s, vi->doc.id, hits[i].what,
					 hits[i].slug, "rule", "link",
					 hits[i].score, hits[i].rule, err);
	if (rc == 0) {
		vault_rules_reference(text.data ? text.data : "", text.len, &ref,
				      &date);
		if (ref || date)
			rc = store_document_set_found_metadata(vi->s, vi->doc.id,
							       ref, date, err);
	}
	free(ref);
	free(date);
	buf_release(&text);
	return rc;
}

/* ---- pages ---------------------------------------------------------------- */

/* The languages to read a document in: its hint, else the default. */
static const char *
doc_languages(const struct vault_ingest *vi)
{
	return vi->doc.lang && *vi->doc.lang ? vi->doc.lang :
	       vi->conf->languages ? vi->conf->languages : "eng";
}

static int
ensure_engine(struct vault_ingest *vi, struct error *err)
{
	const char *langs = doc_languages(vi);

	if (vi->engine == NULL) {
		vi->engine = ocr_engine_new(langs, err);
		return vi->engine ? 0 : -1;
	}
	if (strcmp(ocr_engine_languages(vi->engine), langs) != 0)
		return ocr_engine_set_languages(vi->engine, langs, err);
	return 0;
}

/*
 * Writes the viewer's image of page n (scaled to a readable size) to
 * DATA/cache/pages/DOC/N.png. A failure only costs the preview.
 */
static void
save_preview(struct vault_ingest *vi, int n, struct Pix *pix)
{
	char *cache = datadir_path(vi->data_dir, "cache");
	char *dir = xasprintf("%s/pages/%lld", cache, (long long)vi->doc.id);
	char *path = xasprintf("%s/%d.png", dir, n);
	char *pages = xasprintf("%s/pages", cache);
	char *tmp = xasprintf("%s.tmp", path);
	struct Pix *out;
	int w = pixGetWidth(pix);

	mkdir(cache, 0750);
	mkdir(pages, 0750);
	mkdir(dir, 0750);
	if (w > INGEST_PREVIEW_MAX_WIDTH)
		out = pixScale(pix, (float)INGEST_PREVIEW_MAX_WIDTH / (float)w,
			       (float)INGEST_PREVIEW_MAX_WIDTH / (float)w);
	else
		out = pixClone(pix);
	/*
	 * zlib's fastest level: at the default level writing the preview
	 * was 55% of the CPU time of a born-digital PDF (tests/bench/
	 * bench_ocr.sh); level 1 costs about half as much for files ~20%
	 * larger. Written aside and renamed, so the server never sends
	 * half a file.
	 */
	if (out != NULL)
		pixSetZlibCompression(out, 1);
	if (out == NULL || pixWrite(tmp, out, IFF_PNG) != 0 ||
	    rename(tmp, path) != 0) {
		fprintf(stderr, "worker: cannot write %s\n", path);
		unlink(tmp);
	}
	pixDestroy(&out);
	free(tmp);
	free(pages);
	free(path);
	free(dir);
	free(cache);
}

/* Word boxes as JSON: [[x, y, w, h, conf, "text"], ...]. */
static char *
words_json(const struct ocr_result *r)
{
	json_t *arr = json_array();
	char *s;

	for (size_t i = 0; i < r->nwords; i++) {
		const struct ocr_word *w = &r->words[i];

		json_array_append_new(arr, json_pack("[i, i, i, i, i, s]", w->x,
						     w->y, w->w, w->h, w->conf,
						     w->text ? w->text : ""));
	}
	s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return s;
}

/*
 * Stores page n without text, with note saying why, and counts it: the
 * first failure's reason (why) is what the document's note, or its error
 * if no page could be read, quotes.
 */
static int
put_failed_page(struct vault_ingest *vi, int n, const char *note,
		const char *why, int width, int height, struct error *err)
{
	struct store_page pg = { 0 };

	pg.n = n;
	pg.text = "";
	pg.source = "none";
	pg.confidence = -1;
	pg.note = note;
	pg.width = width;
	pg.height = height;
	if (vi->pages_failed++ == 0)
		snprintf(vi->first_page_error, sizeof(vi->first_page_error),
			 "page %d: %s", n, why);
	return store_page_put(vi->s, vi->doc.id, &pg, err);
}

/* OCRs one page image and stores the result (or why it has no text). */
static int
ocr_page(struct vault_ingest *vi, int n, struct Pix *pix, int dpi,
	 struct error *err)
{
	struct ocr_opts opts = { 0 };
	struct ocr_result res = { 0 };
	struct store_page pg = { 0 };
	struct error oerr;
	char *words = NULL;
	char note[320] = "";
	int rc;

	pg.n = n;
	pg.confidence = -1;
	if (ensure_engine(vi, &oerr) < 0)
		return error_set(err, "OCR is not available: %s", oerr.msg);
	opts.dpi = dpi;
	opts.timeout_ms = vi->conf->page_timeout * 1000;
	if (ocr_engine_recognize(vi->engine, pix, &opts, &res, &oerr) < 0) {
		/* One unreadable page does not sink the document. */
		snprintf(note, sizeof(note), "OCR failed: %s", oerr.msg);
		return put_failed_page(vi, n, note, oerr.msg,
				       pixGetWidth(pix), pixGetHeight(pix),
				       err);
	}
	words = words_json(&res);
	pg.source = "ocr";
	pg.text = res.text;
	pg.confidence = res.confidence;
	pg.langs = res.langs;
	pg.width = res.width;
	pg.height = res.height;
	pg.dpi = res.dpi;
	pg.ms = res.ms;
	pg.words_json = words;
	if (res.rotation || res.skew > 0.05 || res.skew < -0.05)
		snprintf(note, sizeof(note), "turned %d degrees, deskewed %.1f "
			 "degrees", res.rotation, res.skew);
	pg.note = note[0] ? note : NULL;
	rc = store_page_put(vi->s, vi->doc.id, &pg, err);
	free(words);
	ocr_result_release(&res);
	return rc;
}

/*
 * Ends a document whose pages (of pages; 0 for text formats) are all
 * stored. If not one page has text it fails with the first page's reason,
 * rather than index an empty document.
 */
static int
finish_pages(struct vault_ingest *vi, int pages, struct error *err)
{
	char note[400];

	if (pages > 0 && vi->pages_failed == pages)
		return fail_doc(vi, vi->first_page_error, err);
	if (apply_rules(vi, err) < 0)
		return -1;
	if (vi->pages_failed == 0)
		return finish(vi, "done", NULL, err);
	snprintf(note, sizeof(note), "%d page%s could not be read (first: %s)",
		 vi->pages_failed, vi->pages_failed == 1 ? "" : "s",
		 vi->first_page_error);
	return finish(vi, "done", note, err);
}

static int
do_pdf(struct vault_ingest *vi, const char *path, const struct vault_type *t,
       struct error *err)
{
	struct ocr_pdf *pdf = NULL;
	struct error perr;
	int pages, rc = -1;

	if (ocr_pdf_open(path, &pdf, &perr) < 0)
		return fail_doc(vi, perr.msg, err);
	pages = ocr_pdf_page_count(pdf);
	if (store_document_start(vi->s, vi->doc.id, t->mime, "pdf", pages,
				 err) < 0)
		goto out;
	for (int n = 1; n <= pages; n++) {
		struct ocr_pdf_text txt = { 0 };
		struct Pix *pix = NULL;

		if (vi->resuming && store_page_exists(vi->s, vi->doc.id, n))
			continue; /* resumed after a crash */
		page_guard_begin(vi);
		if (ocr_pdf_page_text(pdf, n - 1, &txt, &perr) == 0 && txt.real) {
			struct store_page pg = { 0 };

			pg.n = n;
			pg.text = txt.text;
			pg.source = "text_layer";
			pg.confidence = -1;
			pg.width = (int)txt.width;
			pg.height = (int)txt.height;
			rc = store_page_put(vi->s, vi->doc.id, &pg, err);
			if (rc == 0 && ocr_pdf_render(pdf, n - 1,
						      INGEST_PREVIEW_DPI, &pix,
						      &perr) == 0)
				save_preview(vi, n, pix);
		} else if (ocr_pdf_render(pdf, n - 1, OCR_DEFAULT_DPI, &pix,
					  &perr) == 0) {
			save_preview(vi, n, pix);
			rc = ocr_page(vi, n, pix, OCR_DEFAULT_DPI, err);
		} else {
			rc = put_failed_page(vi, n, perr.msg, perr.msg, 0, 0,
					     err);
		}
		page_guard_end();
		pixDestroy(&pix);
		ocr_pdf_text_release(&txt);
		if (rc < 0)
			goto out;
		if (after_page(vi)) {
			rc = 0; /* interrupted: the next worker resumes */
			goto out;
		}
	}
	rc = finish_pages(vi, pages, err);
out:
	ocr_pdf_free(pdf);
	return rc;
}

static int
do_image(struct vault_ingest *vi, const char *path, const struct vault_type *t,
	 struct error *err)
{
	struct ocr_image *img = NULL;
	struct error ierr;
	int pages, rc = -1;

	if (ocr_image_open(path, &img, &ierr) < 0)
		return fail_doc(vi, ierr.msg, err);
	pages = ocr_image_page_count(img);
	if (store_document_start(vi->s, vi->doc.id, t->mime, "image", pages,
				 err) < 0)
		goto out;
	for (int n = 1; n <= pages; n++) {
		struct Pix *pix = NULL;

		if (vi->resuming && store_page_exists(vi->s, vi->doc.id, n))
			continue;
		page_guard_begin(vi);
		if (ocr_image_read_page(img, n - 1, &pix, &ierr) < 0) {
			rc = put_failed_page(vi, n, ierr.msg, ierr.msg, 0, 0,
					     err);
		} else {
			save_preview(vi, n, pix);
			/* dpi 0: the engine works out a sane resolution. */
			rc = ocr_page(vi, n, pix, 0, err);
		}
		page_guard_end();
		pixDestroy(&pix);
		if (rc < 0)
			goto out;
		if (after_page(vi)) {
			rc = 0;
			goto out;
		}
	}
	rc = finish_pages(vi, pages, err);
out:
	ocr_image_free(img);
	return rc;
}

/* Formats whose text is in the file: one page per \f-separated part. */
static int
do_text(struct vault_ingest *vi, const char *path, const struct vault_type *t,
	struct error *err)
{
	struct vault_text txt = { 0 };
	struct error terr;
	const char *p, *end;
	int n = 0, rc = -1;

	page_guard_begin(vi);
	rc = vault_text_extract_file(t->kind, path, FV_DEFAULT_TEXT_MAX_OUTPUT,
				     &txt, &terr);
	page_guard_end();
	if (rc < 0)
		return fail_doc(vi, terr.msg, err);
	if (store_document_start(vi->s, vi->doc.id, t->mime,
				 vault_kind_name(t->kind),
				 (int)(txt.pages ? txt.pages : 1), err) < 0)
		goto out;
	p = txt.text ? txt.text : "";
	end = p + txt.len;
	for (;;) {
		const char *ff = memchr(p, '\f', (size_t)(end - p));
		const char *pe = ff ? ff : end;
		struct store_page pg = { 0 };
		char *text = xstrndup(p, (size_t)(pe - p));

		pg.n = ++n;
		pg.text = text;
		pg.source = "text";
		pg.confidence = -1;
		pg.note = txt.truncated && ff == NULL ?
			"text cut at the size limit" : NULL;
		rc = store_page_put(vi->s, vi->doc.id, &pg, err);
		free(text);
		if (rc < 0 || ff == NULL)
			break;
		p = ff + 1;
	}
	if (rc == 0)
		rc = finish_pages(vi, 0, err);
out:
	vault_text_release(&txt);
	return rc;
}

/* ---- archives -------------------------------------------------------------- */

/* Bytes of the archive's note that list skipped members and why. */
#define INGEST_SKIP_NOTE 1024

struct archive_ctx {
	struct vault_ingest *vi;
	int64_t added;
	char skipped[INGEST_SKIP_NOTE]; /* "'name' (reason), ..." */
	uint64_t skipped_listed;        /* members named in skipped */
};

static int
on_member(const char *member, const char *tmp_path, uint64_t size, void *ctx,
	  struct error *err)
{
	struct archive_ctx *ac = ctx;
	struct vault_ingest *vi = ac->vi;
	struct store_doc_new d = { 0 };
	char hash[VAULT_HASH_HEX];
	char *ref;
	const char *base = strrchr(member, '/');
	const char *status;
	int64_t id;
	int rc;

	(void)size;
	if (vault_blob_put_file(vi->data_dir, tmp_path, vi->conf->max_upload,
				hash, NULL, err) < 0)
		return -1;
	ref = xasprintf("document %lld: %s", (long long)vi->doc.id, member);
	d.sha256 = hash;
	d.size = size;
	d.lang = vi->doc.lang;
	d.source_kind = "archive_member";
	d.source_name = base ? base + 1 : member;
	d.source_ref = ref;
	d.parent_id = vi->doc.id;
	rc = store_document_add(vi->s, &d, &id, &status, err);
	free(ref);
	if (rc == 0)
		ac->added++;
	return rc;
}

/*
 * A member that is not extracted leaves no document behind, so its name
 * and the reason go into the archive's note (as many as fit), where
 * 'doc show' and the API show them.
 */
static void
on_skip(const char *member, const char *reason, void *ctx)
{
	struct archive_ctx *ac = ctx;
	size_t len = strlen(ac->skipped);
	int n;

	fprintf(stderr, "worker: archive member '%s' skipped: %s\n", member,
		reason);
	n = snprintf(ac->skipped + len, sizeof(ac->skipped) - len,
		     "%s'%.200s' (%s)", len ? ", " : "", member, reason);
	if (n < 0 || (size_t)n >= sizeof(ac->skipped) - len)
		ac->skipped[len] = '\0'; /* did not fit: counted, not named */
	else
		ac->skipped_listed++;
}

/* The archive's note: what was expanded, what was skipped and why. */
static void
archive_note(const struct archive_ctx *ac,
	     const struct vault_archive_stats *st, const char *then,
	     char *note, size_t size)
{
	char more[64] = "";

	if (st->skipped > ac->skipped_listed)
		snprintf(more, sizeof(more), " and %llu more",
			 (unsigned long long)(st->skipped - ac->skipped_listed));
	snprintf(note, size, "archive: %llu member%s expanded, %llu skipped%s%s"
		 "%s%s%s", (unsigned long long)st->members,
		 st->members == 1 ? "" : "s",
		 (unsigned long long)st->skipped, st->skipped ? ": " : "",
		 ac->skipped, more, then ? "; then: " : "", then ? then : "");
}

static int
do_archive(struct vault_ingest *vi, const char *path,
	   const struct vault_type *t, struct error *err)
{
	struct archive_ctx ac = { 0 };
	struct vault_archive_stats stats = { 0 };
	struct vault_archive_limits lim = {
		(uint64_t)vi->conf->archive_max_entries,
		vi->conf->archive_max_entry_size, vi->conf->archive_max_total,
		(uint64_t)vi->conf->archive_max_ratio,
		vi->conf->archive_max_depth
	};
	struct error aerr;
	char *tmp = datadir_path(vi->data_dir, "tmp");
	char note[INGEST_SKIP_NOTE + 600];
	int rc;

	ac.vi = vi;

	if (store_document_start(vi->s, vi->doc.id, t->mime, "archive", 0,
				 err) < 0) {
		free(tmp);
		return -1;
	}
	rc = vault_archive_extract(path, tmp, vi->doc.depth, &lim, on_member,
				   on_skip, &ac, &stats, &aerr);
	free(tmp);
	if (rc < 0 && ac.added == 0)
		return fail_doc(vi, aerr.msg, err);
	if (stats.members == 0 && stats.skipped == 0)
		return finish(vi, "unsupported", "not indexed: the archive "
			      "holds no files", err);
	archive_note(&ac, &stats, rc < 0 ? aerr.msg : NULL, note,
		     sizeof(note));
	if (stats.members == 0) {
		/* Every member was refused: nothing of it is in the vault. */
		char msg[sizeof(note) + 64];

		snprintf(msg, sizeof(msg), "no member could be extracted (%s)",
			 note);
		return fail_doc(vi, msg, err);
	}
	return finish(vi, "done", note, err);
}

/* ---- the job ------------------------------------------------------------------ */

static int
dispatch(struct vault_ingest *vi, const char *path, struct error *err)
{
	struct vault_type t;
	struct error derr;
	char note[256];

	if (vault_detect_file(path, vi->doc.name, &t, &derr) < 0)
		return fail_doc(vi, derr.msg, err);
	switch (t.kind) {
	case VAULT_KIND_PDF:
		return do_pdf(vi, path, &t, err);
	case VAULT_KIND_IMAGE:
		return do_image(vi, path, &t, err);
	case VAULT_KIND_TEXT:
	case VAULT_KIND_HTML:
	case VAULT_KIND_DOCX:
	case VAULT_KIND_ODT:
	case VAULT_KIND_XLSX:
		return do_text(vi, path, &t, err);
	case VAULT_KIND_ARCHIVE:
		return do_archive(vi, path, &t, err);
	case VAULT_KIND_EMAIL:
	case VAULT_KIND_UNSUPPORTED:
		break;
	}
	if (store_document_start(vi->s, vi->doc.id, t.mime,
				 vault_kind_name(t.kind), 0, err) < 0)
		return -1;
	snprintf(note, sizeof(note), "not indexed: unsupported type (%s)%s",
		 t.mime, t.kind == VAULT_KIND_EMAIL ?
		 "; replies from authorities go through 'foivault mail-in'" : "");
	return finish(vi, "unsupported", note, err);
}

/* Splits "host:port host:port" (spaces or commas) into the allowlist. */
static size_t
split_allow(char *list, const char **out, size_t max)
{
	size_t n = 0;

	for (char *tok = strtok(list, " ,\t"); tok && n < max;
	     tok = strtok(NULL, " ,\t"))
		out[n++] = tok;
	return n;
}

static int
do_fetch(struct vault_ingest *vi, struct error *err)
{
	struct vault_fetch_opts opts;
	struct vault_fetch_result res = { 0 };
	const char *allow[FV_MAX_FETCH_ALLOW];
	char *allow_copy = NULL, *tmp, *url = NULL;
	char hash[VAULT_HASH_HEX];
	struct error ferr;
	uint64_t size;
	int64_t dup = 0;
	int rc;

	url = store_document_url(vi->s, vi->doc.id, err);
	if (url == NULL)
		return fail_doc(vi, "the document has no URL to fetch", err);
	vault_fetch_opts_default(&opts);
	opts.max_size = vi->conf->max_upload;
	if (vi->conf->fetch_allow) {
		allow_copy = xstrdup(vi->conf->fetch_allow);
		opts.n_allow = split_allow(allow_copy, allow, FV_MAX_FETCH_ALLOW);
		opts.allow = allow;
	}
	tmp = datadir_path(vi->data_dir, "tmp");
	rc = vault_fetch(url, tmp, &opts, &res, &ferr);
	free(tmp);
	if (rc < 0) {
		rc = fail_doc(vi, ferr.msg, err);
		goto out;
	}
	if (vault_blob_put_file(vi->data_dir, res.tmp_path, vi->conf->max_upload,
				hash, &size, &ferr) < 0) {
		rc = fail_doc(vi, ferr.msg, err);
		goto out;
	}
	rc = store_document_set_blob(vi->s, vi->doc.id, hash, size,
				     res.file_name, &dup, err);
	if (rc == 0)
		rc = store_job_finish(vi->s, vi->job->id, vi->owner, NULL, err);
out:
	if (res.tmp_path)
		unlink(res.tmp_path);
	vault_fetch_result_release(&res);
	free(allow_copy);
	free(url);
	return rc;
}

static int
do_ingest(struct vault_ingest *vi, struct error *err)
{
	char *path = vault_blob_path(vi->data_dir, vi->doc.sha256);
	struct stat sb;
	int rc;

	if (path == NULL)
		return fail_doc(vi, "the document has no stored original", err);
	if (access(path, R_OK) < 0 || stat(path, &sb) < 0) {
		char msg[256];

		snprintf(msg, sizeof(msg), "the original is missing from the "
			 "vault: %s (run 'foivault fsck')", strerror(errno));
		free(path);
		return fail_doc(vi, msg, err);
	}
	if (sb.st_size == 0) {
		/* libmagic would call it application/x-empty, "unsupported":
		 * say what the user can act on instead. */
		free(path);
		return fail_doc(vi, "the file is empty (0 bytes): nothing to "
				"index; it may be an incomplete download or "
				"copy", err);
	}
	rc = dispatch(vi, path, err);
	free(path);
	return rc;
}

int
vault_ingest_run(struct vault_ingest *vi, const struct store_job *job,
		 struct error *err)
{
	json_t *payload;
	json_error_t jerr;
	long long id = 0;
	int rc = -1;

	vi->job = job;
	/* Page failures are counted per document, not per worker. */
	vi->pages_failed = 0;
	vi->first_page_error[0] = '\0';
	payload = json_loads(job->payload, 0, &jerr);
	if (payload == NULL || json_unpack(payload, "{s:I}", "document", &id) < 0) {
		json_decref(payload);
		/* A job we cannot read is dropped with its reason. */
		return store_job_finish(vi->s, job->id, vi->owner,
					"unreadable job payload", err);
	}
	json_decref(payload);
	if (store_document_load(vi->s, id, &vi->doc, err) < 0) {
		/* The document was deleted while queued. */
		return store_job_finish(vi->s, job->id, vi->owner, err->msg,
					err);
	}
	if (strcmp(vi->doc.status, "queued") != 0 &&
	    strcmp(vi->doc.status, "processing") != 0) {
		/* Finished already (a crash after commit, or a duplicate). */
		rc = store_job_finish(vi->s, job->id, vi->owner, NULL, err);
		goto out;
	}
	/*
	 * Only a document left "processing" (its worker died or was stopped)
	 * resumes after its stored pages. A "queued" one is new, or a failed
	 * one sent again: the pages of the failed try are made again, or a
	 * page that could not be read then would be taken as done now.
	 */
	vi->resuming = strcmp(vi->doc.status, "processing") == 0;
	if (job->attempts > vi->conf->max_attempts) {
		char msg[512];

		snprintf(msg, sizeof(msg), "gave up after %d attempt%s: %s",
			 job->attempts - 1, job->attempts == 2 ? "" : "s",
			 job->last_error ? job->last_error : "the worker died");
		rc = fail_doc(vi, msg, err);
		goto out;
	}
	if (strcmp(job->kind, "fetch") == 0)
		rc = do_fetch(vi, err);
	else if (strcmp(job->kind, "ingest") == 0)
		rc = do_ingest(vi, err);
	else
		rc = store_job_finish(vi->s, job->id, vi->owner,
				      "unknown job kind", err);
out:
	store_doc_release(&vi->doc);
	vi->job = NULL;
	return rc;
}
