/*
 * http.h - the HTTP server (libmicrohttpd) and what handlers may use.
 *
 * Routes live in one static table (routes.c): method, path pattern with
 * {name} segments, handler, who may call it, and what body it takes. The
 * server does everything generic before a handler runs: method and path
 * checks, 404/405, authentication (401: the Bearer token) and access
 * control (403: the route's access level, a read-only token on a write),
 * body size (413), content type (415), JSON parsing and multipart
 * streaming (400). A handler reads its inputs through http_param(),
 * http_query() and http_body_json(), and answers exactly once with
 * http_send_json() or http_send_error().
 */
#ifndef FOIVAULT_HTTP_H
#define FOIVAULT_HTTP_H

#include <jansson.h>

#include "conf.h"
#include "store.h"
#include "util.h"

struct http_form;
struct http_req;
struct jurisdiction_set;
struct server;

enum http_access {
	ACCESS_PUBLIC = 0,  /* anyone, including anonymous visitors */
	ACCESS_USER,        /* any logged-in, active account */
	ACCESS_COORDINATOR,
	ACCESS_ADMIN,
};

enum http_body {
	BODY_NONE = 0,      /* a body is refused with 415 */
	BODY_JSON,          /* application/json, an object, parsed */
	/*
	 * multipart/form-data with one file part, streamed to DATA/tmp and
	 * capped by [limits] max_upload (http_upload_form()); or, as
	 * BODY_JSON, an application/json object.
	 */
	BODY_UPLOAD,
};

struct route {
	const char *method;   /* GET also answers HEAD */
	const char *pattern;  /* "/api/v1/jurisdictions/{code}" */
	void (*handler)(struct http_req *r);
	enum http_access access;
	enum http_body body;
};

/* routes.c */
extern const struct route http_routes[];
extern const size_t http_routes_count;

struct server_opts {
	const struct conf *conf;
	const char *data_dir;
	const char *db_path;
	const char *host;
	int port;             /* 0 = any free port */
	/* The FOI laws, loaded once at start (borrowed: outlives the server). */
	const struct jurisdiction_set *laws;
};

/* Binds, starts the threads and returns; *ret_port gets the real port. */
int server_start(const struct server_opts *opts, struct server **ret,
		 int *ret_port, struct error *err);
/*
 * Stops accepting, waits up to grace_ms for requests in flight, then stops
 * the threads and closes the per-thread database connections.
 */
void server_stop(struct server *srv, int grace_ms);

/* The value of path segment {name}, or NULL. */
const char *http_param(struct http_req *r, const char *name);
/* The query-string argument, or NULL. */
const char *http_query(struct http_req *r, const char *name);
/*
 * Calls fn for each query-string argument in order (value NULL for "?a"
 * without "="), until fn returns nonzero; returns that, or 0.
 */
int http_query_foreach(struct http_req *r,
		       int (*fn)(void *arg, const char *name,
				 const char *value),
		       void *arg);
/* The parsed JSON body of a BODY_JSON route (borrowed). */
json_t *http_body_json(struct http_req *r);
/* This thread's database connection; on failure sends 500, returns NULL. */
struct store *http_store(struct http_req *r);
/* The same, but on failure only fills err (for the health check). */
struct store *http_store_try(struct http_req *r, struct error *err);
const struct conf *http_conf(struct http_req *r);
/* The FOI laws (read-only, shared by all threads; calendar.h, deadline.h). */
const struct jurisdiction_set *http_laws(struct http_req *r);

/* Sends body (takes ownership) with the given status. */
void http_send_json(struct http_req *r, int status, json_t *body);
/* Sends data (takes ownership) as-is with the given content type. */
void http_send_data(struct http_req *r, int status, const char *ctype,
		    char *data, size_t len);
/*
 * Sends an open file (takes ownership of fd). A non-NULL download_name
 * makes it an attachment under that name (RFC 6266, UTF-8 safe).
 */
void http_send_fd(struct http_req *r, const char *ctype, int fd,
		  uint64_t size, const char *download_name);
/* The instance's data directory. */
const char *http_data_dir(struct http_req *r);
/*
 * The viewer of this request: the user of its API token, or store_public
 * for an anonymous request. The route's access level has been checked.
 */
const struct store_viewer *http_viewer(struct http_req *r);
/*
 * The form of a BODY_UPLOAD route sent as multipart/form-data (complete,
 * with its file in a temp file: http_form.h), or NULL if the body was JSON.
 */
struct http_form *http_upload_form(struct http_req *r);
/* Sends {"error":{"code":code,"message":...}} with the given status. */
void http_send_error(struct http_req *r, int status, const char *code,
		     const char *fmt, ...) PRINTF_LIKE(4, 5);

/*
 * Parses a request body as a JSON object of bounded depth; on failure
 * returns NULL with a message for the client. Exposed for tests and fuzzing.
 */
json_t *http_parse_json_body(const char *data, size_t len, struct error *err);

/*
 * Matches path against a route pattern. On a match returns 1 and fills up
 * to max names/values (pointing into pattern and into the copy in buf).
 * Exposed for the unit tests.
 */
int http_route_match(const char *pattern, const char *path, char *buf,
		     size_t bufsize, const char **names, size_t *name_lens,
		     const char **values, size_t max, size_t *ret_n);

#endif
