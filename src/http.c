/*
 * http.c - the server: libmicrohttpd in epoll mode with a thread pool, the
 * per-request state, routing, the generic checks every request passes
 * before its handler, JSON answers and the access log.
 *
 * Life of a request: the first callback allocates a struct http_req in
 * *req_cls, matches the route and makes every check that needs only the
 * headers (answering 404/405/401/403/413/415 at once, without reading a
 * body); the following callbacks append the body to a bounded buffer, or
 * for a multipart upload feed it to the streaming form parser (http_form.c);
 * the last one parses the body and calls the handler. The completion
 * callback logs one line and frees the state (and removes an upload's temp
 * file). Handlers never see a request that failed a generic check, and
 * every path out of here answers with a JSON body.
 *
 * Authentication and authorisation happen here and only here: an
 * Authorization: Bearer header is resolved to a viewer (a token that is
 * malformed, unknown, revoked or whose user is not active is 401, never
 * silently anonymous), then the route table's access level is enforced,
 * and a read-only token may not call a route that needs an account with
 * any method but GET/HEAD (403). The token itself is never logged.
 */
#include "config.h"

#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "datadir.h"
#include "fvlimits.h"
#include "http_form.h"

struct server {
	struct MHD_Daemon *daemon;
	int listen_fd;
	const struct conf *conf;
	char *db_path;
	char *data_dir;
	const struct jurisdiction_set *laws; /* read-only, shared */
};

struct http_req {
	struct server *srv;
	struct MHD_Connection *conn;
	char *method;
	char *path;
	const struct route *route;
	char pathbuf[FV_MAX_URL_LENGTH + 1];
	const char *pnames[FV_MAX_PATH_SEGMENTS];
	size_t pname_lens[FV_MAX_PATH_SEGMENTS];
	const char *pvalues[FV_MAX_PATH_SEGMENTS];
	size_t nparams;
	struct buf body;
	int body_too_large;
	int json_body;           /* parse the body as a JSON object */
	struct http_form *form;  /* a multipart upload, streaming */
	struct store_viewer viewer;
	int token_write;         /* the token's scope is write */
	int token_invalid;       /* a 401 for a bad token, not a missing one */
	json_t *json;
	int status;
	size_t bytes;
	int64_t start;
	int responded;
};

static const char *const known_methods[] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
};

static void queue(struct http_req *r, int status, const char *ctype,
		  struct MHD_Response *resp, size_t len);

static void
send_response(struct http_req *r, int status, const char *ctype, char *data,
	      size_t len)
{
	struct MHD_Response *resp;

	if (r->responded) {
		free(data);
		return;
	}
	resp = MHD_create_response_from_buffer(len, data,
					       MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(data);
		return;
	}
	queue(r, status, ctype, resp, len);
}

void
http_send_data(struct http_req *r, int status, const char *ctype, char *data,
	       size_t len)
{
	send_response(r, status, ctype, data, len);
}

/* Appends s percent-encoded (RFC 5987 attr-char kept). */
static void
pct_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("!#$&+-.^_`|~", c)) {
			buf_add(b, s, 1);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };

			buf_add(b, e, 3);
		}
	}
}

void
http_send_fd(struct http_req *r, const char *ctype, int fd, uint64_t size,
	     const char *download_name)
{
	struct MHD_Response *resp;

	if (r->responded) {
		close(fd);
		return;
	}
	resp = MHD_create_response_from_fd64(size, fd);
	if (resp == NULL) {
		close(fd);
		http_send_error(r, 500, "internal", "cannot send the file");
		return;
	}
	if (download_name) {
		struct buf b;

		/*
		 * An ASCII fallback with anything unsafe replaced, and the
		 * exact UTF-8 name in filename*.
		 */
		buf_init(&b, 4096);
		buf_addstr(&b, "attachment; filename=\"");
		for (const char *p = download_name; *p && b.len < 1024; p++) {
			unsigned char c = (unsigned char)*p;
			char ch = (c < 0x20 || c >= 0x7f || c == '"' ||
				   c == '\\' || c == '/') ? '_' : (char)c;

			buf_add(&b, &ch, 1);
		}
		buf_addstr(&b, "\"; filename*=UTF-8''");
		pct_encode(&b, download_name);
		MHD_add_response_header(resp, "Content-Disposition", b.data);
		buf_release(&b);
	}
	queue(r, 200, ctype, resp, (size_t)size);
}

static void
queue(struct http_req *r, int status, const char *ctype,
      struct MHD_Response *resp, size_t len)
{
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
				"no-store");
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					r->token_invalid ?
					"Bearer realm=\"foivault\", "
					"error=\"invalid_token\"" :
					"Bearer realm=\"foivault\"");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED && r->path) {
		/* Tell the client which methods this path does take. */
		char allow[64] = "";
		size_t n = 0;

		for (size_t i = 0; i < http_routes_count; i++) {
			const char *nm[FV_MAX_PATH_SEGMENTS];
			const char *vl[FV_MAX_PATH_SEGMENTS];
			size_t nl[FV_MAX_PATH_SEGMENTS], cnt;
			char tmp[FV_MAX_URL_LENGTH + 1];

			if (!http_route_match(http_routes[i].pattern, r->path,
					      tmp, sizeof(tmp), nm, nl, vl,
					      FV_MAX_PATH_SEGMENTS, &cnt) ||
			    strstr(allow, http_routes[i].method))
				continue;
			n += (size_t)snprintf(allow + n, sizeof(allow) - n,
					      "%s%s", n ? ", " : "",
					      http_routes[i].method);
			if (n >= sizeof(allow))
				break;
		}
		if (strstr(allow, "GET") && n + 6 < sizeof(allow))
			strcat(allow, ", HEAD");
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	}
	if (MHD_queue_response(r->conn, (unsigned)status, resp) == MHD_YES) {
		r->responded = 1;
		r->status = status;
		r->bytes = len;
	}
	MHD_destroy_response(resp);
}

void
http_send_json(struct http_req *r, int status, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII);
	size_t n;

	json_decref(body);
	if (s == NULL) {
		http_send_error(r, 500, "internal", "cannot encode the answer");
		return;
	}
	n = strlen(s);
	/* Text answers end in a newline, which curl users expect. */
	s = xrealloc(s, n + 2);
	s[n++] = '\n';
	s[n] = '\0';
	send_response(r, status, "application/json", s, n);
}

void
http_send_error(struct http_req *r, int status, const char *code,
		const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	http_send_json(r, status,
		       json_pack("{s:{s:s, s:s}}", "error", "code", code,
				 "message", msg));
}

int
http_route_match(const char *pattern, const char *path, char *buf,
		 size_t bufsize, const char **names, size_t *name_lens,
		 const char **values, size_t max, size_t *ret_n)
{
	const char *p = pattern;
	size_t n = 0, plen = strlen(path);
	char *q;

	if (plen + 1 > bufsize)
		return 0;
	memcpy(buf, path, plen + 1);
	q = buf;
	while (*p != '\0') {
		const char *pe, *qe;

		if (*p != '/' || *q != '/')
			return 0;
		p++;
		q++;
		pe = strchrnul(p, '/');
		qe = strchrnul(q, '/');
		if (*p == '{') {
			if (qe == q || n == max)
				return 0; /* an empty segment is no value */
			names[n] = p + 1;
			name_lens[n] = (size_t)(pe - p) - 2;
			values[n] = q;
			n++;
		} else if (pe - p != qe - q ||
			   memcmp(p, q, (size_t)(pe - p)) != 0) {
			return 0;
		}
		p = pe;
		q = (char *)qe;
	}
	if (*q != '\0')
		return 0;
	/* Only now, on a match, cut the copy into NUL-terminated values. */
	for (size_t i = 0; i < n; i++) {
		char *e = strchr((char *)values[i], '/');

		if (e)
			*e = '\0';
	}
	*ret_n = n;
	return 1;
}

const char *
http_param(struct http_req *r, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < r->nparams; i++)
		if (r->pname_lens[i] == len &&
		    memcmp(r->pnames[i], name, len) == 0)
			return r->pvalues[i];
	return NULL;
}

const char *
http_query(struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
					   name);
}

struct query_walk {
	int (*fn)(void *arg, const char *name, const char *value);
	void *arg;
	int rc;
};

static enum MHD_Result
query_step(void *cls, enum MHD_ValueKind kind, const char *key,
	   const char *value)
{
	struct query_walk *w = cls;

	(void)kind;
	w->rc = w->fn(w->arg, key, value);
	return w->rc == 0 ? MHD_YES : MHD_NO;
}

int
http_query_foreach(struct http_req *r,
		   int (*fn)(void *arg, const char *name, const char *value),
		   void *arg)
{
	struct query_walk w = { fn, arg, 0 };

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_step,
				  &w);
	return w.rc;
}

const struct jurisdiction_set *
http_laws(struct http_req *r)
{
	return r->srv->laws;
}

json_t *
http_body_json(struct http_req *r)
{
	return r->json;
}

const char *
http_data_dir(struct http_req *r)
{
	return r->srv->data_dir;
}

const struct store_viewer *
http_viewer(struct http_req *r)
{
	return &r->viewer;
}

struct http_form *
http_upload_form(struct http_req *r)
{
	return r->form;
}

const struct conf *
http_conf(struct http_req *r)
{
	return r->srv->conf;
}

struct store *
http_store_try(struct http_req *r, struct error *err)
{
	return store_thread(r->srv->db_path, err);
}

struct store *
http_store(struct http_req *r)
{
	struct error err;
	struct store *s = http_store_try(r, &err);

	if (s == NULL) {
		fprintf(stderr, "foivault: %s\n", err.msg);
		http_send_error(r, 500, "database", "the database is not "
				"available");
	}
	return s;
}

/* Finds the route; 404 if no pattern matches the path, 405 if no method. */
static int
route_request(struct http_req *r)
{
	const char *method = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;
	int path_known = 0;

	for (size_t i = 0; i < http_routes_count; i++) {
		const struct route *rt = &http_routes[i];
		size_t n;

		if (!http_route_match(rt->pattern, r->path, r->pathbuf,
				      sizeof(r->pathbuf), r->pnames,
				      r->pname_lens, r->pvalues,
				      FV_MAX_PATH_SEGMENTS, &n))
			continue;
		path_known = 1;
		if (strcmp(rt->method, method) == 0) {
			r->route = rt;
			r->nparams = n;
			return 0;
		}
	}
	if (path_known)
		http_send_error(r, 405, "method_not_allowed",
				"%s is not allowed on %s", r->method, r->path);
	else
		http_send_error(r, 404, "not_found", "no such resource: %s",
				r->path);
	return -1;
}

static int
is_json_type(const char *ctype)
{
	size_t n = strlen("application/json");

	if (ctype == NULL || strncasecmp(ctype, "application/json", n) != 0)
		return 0;
	return ctype[n] == '\0' || ctype[n] == ';' || ctype[n] == ' ';
}

/*
 * Resolves the Authorization header into r->viewer. No header: anonymous.
 * Anything else that does not name an active user's live token is 401.
 */
static int
authenticate(struct http_req *r)
{
	const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
		MHD_HTTP_HEADER_AUTHORIZATION);
	unsigned char hash[AUTH_HASH_BYTES];
	struct store_token_auth a;
	struct error err;
	struct store *s;
	size_t n;
	int rc;

	r->viewer = store_public;
	if (h == NULL)
		return 0;
	r->token_invalid = 1;
	if (strncasecmp(h, "Bearer ", 7) != 0) {
		http_send_error(r, 401, "unauthorized", "the Authorization "
				"header must be 'Bearer TOKEN' (an API token "
				"from 'foivault token create')");
		return -1;
	}
	for (h += 7; *h == ' '; h++)
		;
	n = strlen(h);
	while (n > 0 && h[n - 1] == ' ')
		n--;
	if (auth_token_hash(h, n, hash) < 0) {
		http_send_error(r, 401, "unauthorized", "malformed API token");
		return -1;
	}
	s = http_store(r);
	if (s == NULL)
		return -1;
	rc = store_token_lookup(s, hash, &a, &err);
	if (rc < 0) {
		fprintf(stderr, "foivault: %s\n", err.msg);
		http_send_error(r, 500, "database", "cannot check the token");
		return -1;
	}
	if (rc > 0) {
		http_send_error(r, 401, "unauthorized", "the API token is "
				"unknown or revoked, or its account is not "
				"active");
		return -1;
	}
	r->token_invalid = 0;
	r->viewer = a.viewer;
	r->token_write = a.write;
	/* At most one write per token per minute; a failure costs nothing. */
	if (a.stale && store_token_touch(s, a.token_id, &err) < 0)
		fprintf(stderr, "foivault: %s\n", err.msg);
	return 0;
}

/* The route table's access level, and the token's scope. */
static int
authorize(struct http_req *r)
{
	const enum http_access need = r->route->access;
	const char *m = r->method;
	int role = r->viewer.role;

	if (need == ACCESS_PUBLIC)
		return 0;
	if (r->viewer.user_id == 0) {
		http_send_error(r, 401, "unauthorized", "this needs an account:"
				" send 'Authorization: Bearer TOKEN'");
		return -1;
	}
	if (!r->token_write && strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0) {
		http_send_error(r, 403, "forbidden", "this token is read-only: "
				"%s needs a token created with --write", m);
		return -1;
	}
	if ((need == ACCESS_COORDINATOR && role < STORE_ROLE_COORDINATOR) ||
	    (need == ACCESS_ADMIN && role < STORE_ROLE_ADMIN)) {
		http_send_error(r, 403, "forbidden", "this needs the %s role",
				need == ACCESS_ADMIN ? "admin" : "coordinator");
		return -1;
	}
	return 0;
}

static int
is_multipart_type(const char *ctype)
{
	size_t n = strlen("multipart/form-data");

	if (ctype == NULL || strncasecmp(ctype, "multipart/form-data", n) != 0)
		return 0;
	return ctype[n] == '\0' || ctype[n] == ';' || ctype[n] == ' ';
}

/* The checks that need only the request line and headers. */
static int
check_headers(struct http_req *r)
{
	const char *clen, *ctype, *te;
	uint64_t cap = r->srv->conf->max_body;
	int known = 0, multipart;

	for (size_t i = 0; i < ARRAY_SIZE(known_methods); i++)
		if (strcmp(r->method, known_methods[i]) == 0)
			known = 1;
	if (!known) {
		http_send_error(r, 501, "not_implemented",
				"method '%.32s' is not supported", r->method);
		return -1;
	}
	if (strlen(r->path) > FV_MAX_URL_LENGTH || r->path[0] != '/') {
		http_send_error(r, 414, "uri_too_long",
				"the path is longer than %d bytes",
				FV_MAX_URL_LENGTH);
		return -1;
	}
	if (route_request(r) < 0 || authenticate(r) < 0 || authorize(r) < 0)
		return -1;
	clen = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
					   MHD_HTTP_HEADER_CONTENT_LENGTH);
	te = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
					 MHD_HTTP_HEADER_TRANSFER_ENCODING);
	ctype = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
					    MHD_HTTP_HEADER_CONTENT_TYPE);
	multipart = r->route->body == BODY_UPLOAD && is_multipart_type(ctype);
	if (multipart)
		cap = r->srv->conf->max_upload + FV_MAX_UPLOAD_FORM;
	if (clen != NULL) {
		long long v;

		if (parse_ll(clen, 0, INT64_MAX, "Content-Length", &v,
			     NULL) < 0) {
			http_send_error(r, 400, "bad_request",
					"invalid Content-Length");
			return -1;
		}
		if ((uint64_t)v > cap) {
			http_send_error(r, 413, "payload_too_large",
					"the body is larger than the limit of "
					"%llu bytes", (unsigned long long)cap);
			return -1;
		}
	}
	if (r->route->body == BODY_NONE) {
		if ((clen != NULL && strcmp(clen, "0") != 0) || te != NULL) {
			http_send_error(r, 415, "unsupported_media_type",
					"%s %s takes no request body",
					r->route->method, r->route->pattern);
			return -1;
		}
	} else if (multipart) {
		struct error err;
		char *tmp = datadir_path(r->srv->data_dir, "tmp");

		r->form = http_form_new(r->conn, tmp, r->srv->conf->max_upload,
					&err);
		free(tmp);
		if (r->form == NULL) {
			http_send_error(r, 400, "bad_request", "%s", err.msg);
			return -1;
		}
	} else if (!is_json_type(ctype)) {
		http_send_error(r, 415, "unsupported_media_type",
				r->route->body == BODY_UPLOAD ?
				"the body must be multipart/form-data (a file)"
				" or application/json" :
				"the body must be application/json");
		return -1;
	} else {
		r->json_body = 1;
	}
	return 0;
}

static int
json_depth(json_t *j, int depth)
{
	int max = depth;
	json_t *v;

	if (depth > FV_MAX_JSON_DEPTH)
		return depth;
	if (json_is_object(j)) {
		const char *k;

		json_object_foreach(j, k, v) {
			int d = json_depth(v, depth + 1);

			if (d > max)
				max = d;
			if (max > FV_MAX_JSON_DEPTH)
				break;
		}
	} else if (json_is_array(j)) {
		size_t i;

		json_array_foreach(j, i, v) {
			int d = json_depth(v, depth + 1);

			if (d > max)
				max = d;
			if (max > FV_MAX_JSON_DEPTH)
				break;
		}
	}
	return max;
}

json_t *
http_parse_json_body(const char *data, size_t len, struct error *err)
{
	json_error_t jerr;
	json_t *j;

	if (len == 0) {
		error_set(err, "the body is empty; expected a JSON object");
		return NULL;
	}
	/*
	 * jansson's own nesting limit is 2048; ours is lower, but it is only
	 * checked after parsing, which that limit keeps bounded.
	 */
	j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL) {
		error_set(err, "invalid JSON at line %d, column %d: %s",
			  jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		error_set(err, "the body must be a JSON object");
		return NULL;
	}
	if (json_depth(j, 0) > FV_MAX_JSON_DEPTH) {
		json_decref(j);
		error_set(err, "the JSON is nested deeper than %d levels",
			  FV_MAX_JSON_DEPTH);
		return NULL;
	}
	return j;
}

static int
parse_body(struct http_req *r)
{
	struct error err;

	if (!r->json_body)
		return 0;
	r->json = http_parse_json_body(r->body.data, r->body.len, &err);
	if (r->json == NULL) {
		http_send_error(r, 400, "invalid_json", "%s", err.msg);
		return -1;
	}
	return 0;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
	   const char *method, const char *version, const char *upload_data,
	   size_t *upload_data_size, void **req_cls)
{
	struct server *srv = cls;
	struct http_req *r = *req_cls;
	struct error err;
	int st;

	if (r == NULL) {
		r = xcalloc(1, sizeof(*r));
		r->srv = srv;
		r->conn = conn;
		r->method = xstrdup(method);
		r->path = xstrdup(url);
		r->start = now_usec();
		buf_init(&r->body, srv->conf->max_body);
		*req_cls = r;
		if (check_headers(r) < 0)
			return r->responded ? MHD_YES : MHD_NO;
		return MHD_YES;
	}
	if (r->responded) {
		/* Answered from the headers: drop whatever body follows. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size != 0 && r->form) {
		size_t n = *upload_data_size;

		*upload_data_size = 0;
		/* Past the hard cap: close rather than read on. */
		return http_form_feed(r->form, upload_data, n) < 0 ? MHD_NO :
		       MHD_YES;
	}
	if (*upload_data_size != 0) {
		if (!r->body_too_large &&
		    buf_add(&r->body, upload_data, *upload_data_size) < 0) {
			/* A chunked body can outgrow the cap without warning. */
			r->body_too_large = 1;
			buf_release(&r->body);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->body_too_large) {
		http_send_error(r, 413, "payload_too_large",
				"the body is larger than the limit of %llu "
				"bytes", (unsigned long long)srv->conf->max_body);
	} else if (r->form && (st = http_form_finish(r->form, &err)) != 0) {
		http_send_error(r, st, st == 413 ? "payload_too_large" :
				st == 422 ? "invalid" : st == 400 ?
				"bad_request" : "internal", "%s", err.msg);
	} else if (parse_body(r) == 0) {
		r->route->handler(r);
		if (!r->responded)
			http_send_error(r, 500, "internal",
					"the handler gave no answer");
	}
	return r->responded ? MHD_YES : MHD_NO;
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct http_req *r = *req_cls;

	if (r == NULL)
		return;
	/* The access log: path only, since queries may hold search terms. */
	fprintf(stderr, "access: %s %s %d %zu %.1fms%s\n", r->method, r->path,
		r->status, r->bytes, (double)(now_usec() - r->start) / 1000.0,
		toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
	buf_release(&r->body);
	http_form_free(r->form);
	json_decref(r->json);
	free(r->method);
	free(r->path);
	free(r);
	*req_cls = NULL;
}

static void PRINTF_LIKE(2, 0)
on_mhd_error(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	fprintf(stderr, "httpd: %s\n", msg);
}

static int
bind_listen(const char *host, int port, int *ret_port, struct error *err)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1, family;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, host,
		      &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		family = sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		sl = sizeof(*sin);
	} else if (inet_pton(AF_INET6, host,
			     &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		family = sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		sl = sizeof(*sin6);
	} else {
		return error_set(err, "listen address '%s' is not an IP address "
				 "(use 127.0.0.1, 0.0.0.0 or ::1)", host);
	}
	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return error_set(err, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		int e = errno;

		close(fd);
		return error_set(err, "cannot listen on %s:%d: %s%s", host, port,
				 strerror(e), e == EADDRINUSE ?
				 " (another program uses this port: choose "
				 "another with --listen)" : "");
	}
	if (listen(fd, 128) < 0) {
		int e = errno;

		close(fd);
		return error_set(err, "listen: %s", strerror(e));
	}
	sl = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	*ret_port = ntohs(family == AF_INET ?
			  ((struct sockaddr_in *)&ss)->sin_port :
			  ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

int
server_start(const struct server_opts *opts, struct server **ret,
	     int *ret_port, struct error *err)
{
	struct server *srv = xcalloc(1, sizeof(*srv));
	const struct conf *c = opts->conf;
	int fd;

	fd = bind_listen(opts->host, opts->port, ret_port, err);
	if (fd < 0) {
		free(srv);
		return -1;
	}
	srv->listen_fd = fd;
	srv->conf = c;
	srv->db_path = xstrdup(opts->db_path);
	srv->data_dir = xstrdup(opts->data_dir);
	srv->laws = opts->laws;
	srv->daemon = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
			MHD_USE_ERROR_LOG,
		0, NULL, NULL, on_request, srv,
		/* First, or libmicrohttpd logs its own warning about it. */
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, srv,
		MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)c->threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)c->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
			(unsigned)c->max_connections_per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->connection_timeout,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT,
			(size_t)c->connection_memory,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_END);
	if (srv->daemon == NULL) {
		close(fd);
		free(srv->db_path);
		free(srv->data_dir);
		free(srv);
		return error_set(err, "cannot start the HTTP server (see the "
				 "httpd: lines above)");
	}
	*ret = srv;
	return 0;
}

void
server_stop(struct server *srv, int grace_ms)
{
	MHD_socket fd;
	int waited = 0;

	if (srv == NULL)
		return;
	fd = MHD_quiesce_daemon(srv->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	while (waited < grace_ms) {
		const union MHD_DaemonInfo *info = MHD_get_daemon_info(
			srv->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		if (info == NULL || info->num_connections == 0)
			break;
		nanosleep(&ts, NULL);
		waited += 20;
	}
	MHD_stop_daemon(srv->daemon);
	free(srv->db_path);
	free(srv->data_dir);
	free(srv);
}
