/*
 * store.h - the database layer. All SQL in foivault lives in store*.c files;
 * the rest of the program sees functions and plain data (or jansson values
 * for what goes straight out as JSON), never sqlite3 handles.
 *
 * One struct store is one SQLite connection and must only be used by one
 * thread at a time; the HTTP server gives each of its threads its own
 * through store_thread().
 */
#ifndef FOIVAULT_STORE_H
#define FOIVAULT_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "util.h"

struct store;

/* 'FOIV': set in every foivault database, to refuse foreign SQLite files. */
#define STORE_APPLICATION_ID 0x464f4956

enum store_open_flags {
	STORE_CREATE = 1 << 0,   /* create the file if missing */
	STORE_READONLY = 1 << 1,
};

/*
 * Opens the database at path (WAL, foreign keys, busy timeout) and checks
 * that it is ours and not from a newer foivault. Does not migrate.
 */
int store_open(const char *path, int flags, struct store **ret,
	       struct error *err);
void store_close(struct store *s);

/* The SQLite library's version, for 'foivault version'. */
const char *store_engine_version(void);

/* The schema version this build knows, and the database's. */
int store_schema_latest(void);
int store_schema_version(struct store *s);
/*
 * Applies pending migrations, each in its own transaction, and seeds the
 * reference data. Idempotent. ret_applied (may be NULL) gets the count.
 */
int store_migrate(struct store *s, int *ret_applied, struct error *err);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int store_begin(struct store *s, struct error *err);
int store_commit(struct store *s, struct error *err);
void store_rollback(struct store *s);

/* Writes the WAL back into the main file and truncates it. */
int store_checkpoint(struct store *s, struct error *err);

struct store_health {
	int schema_version;
	int64_t jobs_queued;
	int64_t jobs_running;
	int64_t jobs_failed;
};
int store_health(struct store *s, struct store_health *ret,
		 struct error *err);

/*
 * The calling thread's own connection to path, opened on first use and
 * closed when the thread exits. The path must be the same for the life of
 * the process (the server has one database).
 */
struct store *store_thread(const char *path, struct error *err);

/* The job queue (store_jobs.c). */
struct store_job {
	int64_t id;
	char *kind;
	char *payload;     /* JSON */
	int attempts;      /* claims so far, this one included */
	char *last_error;  /* why the previous attempt ended, or NULL */
};
/* Queues a job; returns its id, or -1. */
int64_t store_job_add(struct store *s, const char *kind, const char *payload,
		      struct error *err);
/* Claims the oldest claimable job: 0 claimed, 1 none waiting, -1 error. */
int store_job_claim(struct store *s, const char *owner, int lease_s,
		    struct store_job *ret, struct error *err);
/* Extends the lease; fails if the job is no longer this owner's. */
int store_job_renew(struct store *s, int64_t id, const char *owner,
		    int lease_s, struct error *err);
/* Marks a job done (error NULL) or failed. owner NULL: whoever holds it. */
int store_job_finish(struct store *s, int64_t id, const char *owner,
		     const char *error, struct error *err);
/*
 * Puts a worker's jobs back in the queue, remembering why. refund: the
 * interruption was not the document's fault (shutdown), so it does not
 * count as an attempt.
 */
int store_jobs_release_owner(struct store *s, const char *owner,
			     const char *reason, int refund,
			     struct error *err);
/* The owners of running jobs, as a JSON array of strings. */
json_t *store_jobs_owners(struct store *s, struct error *err);
/* Jobs queued or running. */
int64_t store_jobs_pending(struct store *s, struct error *err);
void store_job_release(struct store_job *j);

/* Documents (store_documents.c). */
struct store_doc_new {
	const char *sha256;      /* NULL for a URL not fetched yet */
	uint64_t size;
	const char *title;       /* NULL: the source name */
	const char *lang;        /* OCR language hint (eng, fra, spa, ...) */
	const char *doc_date;    /* YYYY-MM-DD, or NULL */
	const char *source_kind; /* path, upload, url, archive_member, ... */
	const char *source_name; /* original file name (or the URL) */
	const char *source_ref;  /* full path, URL, "document N: member" */
	int64_t parent_id;       /* archive or message it came from, or 0 */
	int64_t request_id;      /* 0 = none */
	const char *const *negotiations; /* slugs, linked by hand */
	size_t n_negotiations;
	const char *const *issues;
	size_t n_issues;
};

struct store_doc {
	int64_t id;
	char *sha256;
	uint64_t size;
	char *title, *mime, *kind, *lang, *status, *error, *name;
	int pages, pages_done;
	int64_t parent_id, duplicate_of;
	int depth;               /* how many archives deep it is */
};

struct store_page {
	int n;                   /* 1-based */
	const char *text;
	const char *source;      /* text_layer, ocr, text, none */
	double confidence;       /* < 0: none */
	const char *langs;
	int width, height, dpi;
	int64_t ms;
	const char *words_json;  /* word boxes of OCR'd pages, or NULL */
	const char *note;        /* e.g. why a page has no text */
};

/*
 * Adds a document, or a new source to the document with the same SHA-256,
 * and queues its processing (a failed one is queued again). *ret_status is
 * queued, done, unsupported or failed. Unknown link slugs are errors.
 */
int store_document_add(struct store *s, const struct store_doc_new *d,
		       int64_t *ret_id, const char **ret_status,
		       struct error *err);
int store_document_load(struct store *s, int64_t id, struct store_doc *ret,
			struct error *err);
void store_doc_release(struct store_doc *d);
/* Links (provenance manual, campaign or rule; decision link or reject). */
int store_document_link(struct store *s, int64_t doc, const char *what,
			const char *slug, const char *provenance,
			const char *decision, double score, const char *rule,
			struct error *err);
/* Marks a document processing with its detected type and page count. */
int store_document_start(struct store *s, int64_t id, const char *mime,
			 const char *kind, int pages, struct error *err);
/* A fetched URL's bytes: set its hash, or point it at the duplicate. */
int store_document_set_blob(struct store *s, int64_t id, const char *sha256,
			    uint64_t size, const char *name, int64_t *ret_dup,
			    struct error *err);
/* The document's own reference and date, where no person has set them. */
int store_document_set_found_metadata(struct store *s, int64_t doc,
				      const char *reference, const char *date,
				      struct error *err);
/* The URL a document is to be fetched from (newly allocated), or NULL. */
char *store_document_url(struct store *s, int64_t doc, struct error *err);
int store_page_put(struct store *s, int64_t doc, const struct store_page *p,
		   struct error *err);
int store_page_exists(struct store *s, int64_t doc, int n);
/*
 * Ends processing: status done (pages indexed now), failed or unsupported
 * (note = the reason), and the job finished, in one transaction.
 */
int store_document_finish(struct store *s, int64_t doc, int64_t job,
			  const char *owner, const char *status,
			  const char *note, struct error *err);
/* Appends the document's text, pages separated by form feeds. */
int store_document_text(struct store *s, int64_t doc, struct buf *out,
			struct error *err);
int store_document_status(struct store *s, int64_t doc, char **ret_status,
			  char **ret_error, struct error *err);
/* A document with everything expanded from it (archive members). */
struct store_progress {
	int64_t docs, finished, failed, pages, pages_done;
};
int store_document_progress(struct store *s, int64_t doc,
			    struct store_progress *ret, struct error *err);
/*
 * Who is looking. Every query that shows documents to someone applies
 * store_visible_sql() for them, so what a viewer may see is decided in one
 * place. NULL is the CLI (the instance's operator), who sees everything.
 */
struct store_viewer {
	int64_t user_id;  /* 0 = anonymous */
	int admin;
};
extern const struct store_viewer store_public;

/*
 * NULL with err empty if there is no such document or page, or if the
 * viewer may not see it: callers answer 404 alike, so that the existence of
 * a hidden document does not leak.
 */
json_t *store_document_json(struct store *s, const struct store_viewer *v,
			    int64_t doc, struct error *err);
json_t *store_page_json(struct store *s, const struct store_viewer *v,
			int64_t doc, int n, struct error *err);
/* For downloads: the blob hash and original name, if the viewer may see it. */
int store_document_original(struct store *s, const struct store_viewer *v,
			    int64_t doc, char **ret_sha256, char **ret_name,
			    char **ret_mime, struct error *err);

/* fsck (store_fsck.c). */
/* 0 if SQLite and the FTS5 index are intact, 1 with lines in report. */
int store_integrity_check(struct store *s, struct buf *report,
			  struct error *err);
struct store_fsck_doc {
	int64_t id;
	const char *sha256;  /* NULL for a URL not fetched */
	const char *status;
	int pages, pages_stored, jobs;
	int64_t duplicate_of;
};
typedef void (*store_fsck_fn)(const struct store_fsck_doc *d, void *ctx);
int store_fsck_documents(struct store *s, store_fsck_fn fn, void *ctx,
			 struct error *err);
/* Drops a document's pages (and index entries) and queues it again. */
int store_document_requeue(struct store *s, int64_t doc, struct error *err);

/* Reference data (store_reference.c). */
json_t *store_negotiations_list(struct store *s, struct error *err);
json_t *store_issues_list(struct store *s, struct error *err);
/* One negotiation or issue by slug; NULL with err empty if not found. */
json_t *store_negotiation_get(struct store *s, const char *slug,
			      struct error *err);
json_t *store_issue_get(struct store *s, const char *slug, struct error *err);

#endif
