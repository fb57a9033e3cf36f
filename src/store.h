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
	int64_t user_id;         /* who submitted it over the API, or 0 (CLI) */
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
	int admin;        /* role == STORE_ROLE_ADMIN */
	int role;         /* enum store_role; STORE_ROLE_NONE when anonymous */
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

/*
 * Search (store_search.c, docs/search.md). Results, total, facets and
 * snippets all come from one query under store_visible_sql for the viewer.
 */
struct vault_query;
enum store_search_sort {
	STORE_SEARCH_RELEVANCE = 0,  /* filters-only queries: as -date */
	STORE_SEARCH_DATE,           /* oldest first; undated last */
	STORE_SEARCH_DATE_DESC,      /* "-date": newest first; undated last */
};
struct store_search_opts {
	const char *text;            /* the query as typed, echoed back */
	enum store_search_sort sort;
	int page;                    /* from 1, at most FV_SEARCH_MAX_PAGE */
	int per_page;                /* 1 to FV_SEARCH_MAX_PER_PAGE */
	int facets;                  /* count facets too */
};
/* "relevance", "date" or "-date": 0, or -1 if name is none of them. */
int store_search_sort_parse(const char *name, enum store_search_sort *ret);
/*
 * Searches the vault for q as viewer v: {"query", "sort", "total", "page",
 * "per_page", "results": [...], "facets": {...}} (docs/api.md). NULL with
 * err on a database error or options out of range.
 */
json_t *store_search(struct store *s, const struct store_viewer *v,
		     const struct vault_query *q,
		     const struct store_search_opts *o, struct error *err);
/*
 * Every hit page of one document with its snippet: {"document",
 * "hit_pages", "pages": [{"n", "snippet"}]}; q's filters do not apply.
 * NULL with err empty if there is no such document or v may not see it.
 */
json_t *store_search_document(struct store *s, const struct store_viewer *v,
			      int64_t doc, const struct vault_query *q,
			      struct error *err);

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

/*
 * Accounts, API tokens and the audit log (store_users.c). Every change
 * writes its audit_log row in the same transaction. actor is the user who
 * acts, or 0 for the instance's operator at the command line.
 */
enum store_role {
	STORE_ROLE_NONE = 0,     /* anonymous */
	STORE_ROLE_RESEARCHER,
	STORE_ROLE_ADVOCATE,
	STORE_ROLE_COORDINATOR,
	STORE_ROLE_ADMIN,
};
/* "admin", "coordinator", ...; NULL for STORE_ROLE_NONE. */
const char *store_role_name(int role);
/* The role named s, or STORE_ROLE_NONE if s names none. */
int store_role_parse(const char *s);

struct store_user_new {
	const char *name;
	const char *email;
	const char *password_hash; /* crypto_pwhash_str() output, or NULL */
	int role;                  /* enum store_role, not NONE */
	const char *status;        /* pending, active or disabled */
};
/* Adds a user; a name or e-mail already taken (any case) is an error. */
int store_user_add(struct store *s, int64_t actor,
		   const struct store_user_new *u, int64_t *ret_id,
		   struct error *err);
/*
 * Sets a user's status (pending, active, disabled). *ret_old (may be NULL)
 * gets the status before, newly allocated. Unchanged: no audit row.
 */
int store_user_set_status(struct store *s, int64_t actor, const char *name,
			  const char *status, char **ret_old,
			  struct error *err);
/* Sets a user's site role; *ret_old as above. */
int store_user_set_role(struct store *s, int64_t actor, const char *name,
			int role, int *ret_old, struct error *err);
/* The user named name (any case): 0, or -1 with "no user 'name'". */
int store_user_find(struct store *s, const char *name, int64_t *ret_id,
		    char **ret_status, struct error *err);
/* Users as a JSON array of {id,name,email,role,status,created}; no hashes. */
json_t *store_users_list(struct store *s, struct error *err);

/* hash: SHA-256 of the token (auth_token_hash()); the token is not kept. */
int store_token_add(struct store *s, int64_t actor, int64_t user_id,
		    const char *name, const unsigned char hash[32], int write,
		    int64_t *ret_id, struct error *err);
/* Revokes a token; 1 if it already was, -1 if there is none. */
int store_token_revoke(struct store *s, int64_t actor, int64_t id,
		       struct error *err);
/*
 * Tokens as a JSON array of {id,user,name,scope,created,last_used,revoked},
 * all of them or one user's (user non-NULL). No hashes.
 */
json_t *store_tokens_list(struct store *s, const char *user,
			  struct error *err);
struct store_token_auth {
	int64_t token_id;
	struct store_viewer viewer;
	int write;               /* scope write */
	int stale;               /* last_used is older than the touch interval */
};
/*
 * Resolves a token hash: 0 with ret filled if the token exists, is not
 * revoked and its user is active; 1 if not (callers answer 401 alike for
 * all three); -1 on a database error.
 */
int store_token_lookup(struct store *s, const unsigned char hash[32],
		       struct store_token_auth *ret, struct error *err);
/* Records that a token was used now. */
int store_token_touch(struct store *s, int64_t token_id, struct error *err);

/* Appends to the audit log (detail: JSON text or NULL). */
int store_audit(struct store *s, int64_t actor, const char *action,
		const char *object, const char *detail, struct error *err);
/*
 * The newest audit rows first, at most limit, as a JSON array of
 * {id,at,actor,action,object,detail}, actor being the user name or null.
 */
json_t *store_audit_list(struct store *s, int64_t limit, struct error *err);

/*
 * Authorities and requests (store_requests.c, docs/coordinating.md). The
 * store keeps what request.c decides: it checks no transitions and
 * computes no dates. Strings in the structs below are borrowed.
 */
struct store_authority {
	const char *name;
	const char *jurisdiction;	/* a known law's code, canonical case */
	const char *email;		/* NULL: none */
	const char *portal_url;		/* NULL: none */
	const char *tags;		/* "a,b,c" or "" */
	const char *notes;		/* "" if none */
};
enum store_put_status {
	STORE_PUT_ADDED,
	STORE_PUT_UPDATED,
	STORE_PUT_UNCHANGED,
};
/*
 * Adds an authority, or, when update is set and one with the same
 * jurisdiction and (case-folded) name exists, replaces its e-mail, portal
 * and tags (notes only when non-empty). Without update an existing one is
 * an error naming its id. ret_id and ret_status may be NULL.
 */
int store_authority_put(struct store *s, const struct store_authority *a,
			int update, int64_t *ret_id,
			enum store_put_status *ret_status, struct error *err);
/* [{id,name,jurisdiction,email,portal_url,tags:[..],notes}], by name. */
json_t *store_authorities_json(struct store *s, const char *jurisdiction,
			       struct error *err);

/* Adds a draft request; the authority must exist. */
int store_request_add(struct store *s, int64_t authority, const char *title,
		      const char *reference, int64_t *ret_id,
		      struct error *err);

struct store_request_event {
	int64_t id;
	char *at;		/* when it was logged (UTC timestamp) */
	char *date;		/* its legal date, YYYY-MM-DD */
	char *kind;
	int amount;		/* -1: none */
	int64_t actor;		/* 0: none */
	char *note;
};
struct store_request {
	int64_t id;
	int64_t authority_id;
	char *authority;	/* name */
	char *jurisdiction;
	char *title;
	char *reference;	/* NULL: none */
	char *state;
	struct store_request_event *events;	/* in logging order */
	size_t nevents;
};
/* 0 and ret filled, 1 if there is no such request, -1 on error. */
int store_request_get(struct store *s, int64_t id, struct store_request *ret,
		      struct error *err);
void store_request_release(struct store_request *r);

/* What request.c derived from the events; NULL stores NULL. */
struct store_request_dates {
	const char *state;
	const char *received;
	const char *due;
	const char *very_overdue;
	const char *appeal_by;
	const char *explanation;
};
/*
 * Appends an event and stores the request's new state and dates. The
 * caller holds the transaction (store_begin) in which it read the request.
 */
int store_request_event_add(struct store *s, int64_t request,
			    const char *date, const char *kind, int amount,
			    int64_t actor, const char *note,
			    const struct store_request_dates *d,
			    struct error *err);
/*
 * Requests as [{id,title,reference,state,authority:{id,name},jurisdiction,
 * received,due,very_overdue,appeal_by,updated,last_event:{kind,date}|null}],
 * by id; state NULL for all. with_due: only requests that have a due date.
 */
json_t *store_requests_json(struct store *s, const char *state, int with_due,
			    struct error *err);

#endif
