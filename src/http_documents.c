/*
 * http_documents.c - documents in the vault:
 *
 *   GET /api/v1/documents/{id}              metadata, status, sources, links
 *   GET /api/v1/documents/{id}/text         text, pages separated by \f
 *   GET /api/v1/documents/{id}/pages/{n}    one page's text and OCR facts
 *   GET /api/v1/documents/{id}/pages/{n}.png  the page image (rendered by
 *                                           the worker at ingest, cached)
 *   GET /api/v1/documents/{id}/original     the original file, under its
 *                                           original name
 *
 *   POST /api/v1/documents                  a multipart upload, or JSON
 *                                           {"url": ...}: stores and queues
 *                                           it exactly as 'foivault ingest'
 *                                           does (ingest.c), 202
 *
 * A document the viewer may not see answers 404, exactly like one that
 * does not exist. The server never parses a document's bytes: page images
 * come from the cache the worker wrote.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datadir.h"
#include "fvlimits.h"
#include "http.h"
#include "http_form.h"
#include "http_handlers.h"
#include "ingest.h"
#include "vault_blob.h"

/* Matches limits of the CLI's doc text. */
#define HTTP_TEXT_MAX (256u * 1024 * 1024)

static int
param_id(struct http_req *r, const char *name, int64_t *ret)
{
	long long v;
	struct error err;

	if (parse_ll(http_param(r, name), 1, INT64_MAX, name, &v, &err) < 0) {
		http_send_error(r, 404, "not_found", "no such %s",
				strcmp(name, "n") == 0 ? "page" : "document");
		return -1;
	}
	*ret = v;
	return 0;
}

void
http_document_get(struct http_req *r)
{
	struct store *s = http_store(r);
	struct error err;
	int64_t id;
	json_t *o;

	if (s == NULL || param_id(r, "id", &id) < 0)
		return;
	o = store_document_json(s, http_viewer(r), id, &err);
	if (o == NULL && err.msg[0])
		http_send_error(r, 500, "database", "%s", err.msg);
	else if (o == NULL)
		http_send_error(r, 404, "not_found", "no document %lld",
				(long long)id);
	else
		http_send_json(r, 200, o);
}

void
http_document_text(struct http_req *r)
{
	struct store *s = http_store(r);
	struct error err;
	struct buf b;
	int64_t id;
	json_t *o;
	const char *status;

	if (s == NULL || param_id(r, "id", &id) < 0)
		return;
	o = store_document_json(s, http_viewer(r), id, &err);
	if (o == NULL) {
		http_send_error(r, 404, "not_found", "no document %lld",
				(long long)id);
		return;
	}
	status = json_string_value(json_object_get(o, "status"));
	if (status == NULL || strcmp(status, "done") != 0) {
		http_send_error(r, 409, "not_ready", "document %lld is %s: it "
				"has no text yet", (long long)id,
				status ? status : "unknown");
		json_decref(o);
		return;
	}
	json_decref(o);
	buf_init(&b, HTTP_TEXT_MAX);
	if (store_document_text(s, id, &b, &err) < 0) {
		buf_release(&b);
		http_send_error(r, 500, "database", "%s", err.msg);
		return;
	}
	{
		size_t len;
		char *data = buf_detach(&b, &len);

		http_send_data(r, 200, "text/plain; charset=utf-8", data, len);
	}
}

void
http_document_page(struct http_req *r)
{
	struct store *s = http_store(r);
	const char *np = http_param(r, "n");
	const char *dot = np ? strchr(np, '.') : NULL;
	struct error err;
	long long n;
	int64_t id;
	json_t *o;

	if (s == NULL || param_id(r, "id", &id) < 0)
		return;
	if (dot != NULL) {
		char num[16];

		if (strcmp(dot, ".png") != 0 || (size_t)(dot - np) >= sizeof(num)) {
			http_send_error(r, 404, "not_found", "no such page");
			return;
		}
		memcpy(num, np, (size_t)(dot - np));
		num[dot - np] = '\0';
		if (parse_ll(num, 1, 1000000, "page", &n, &err) < 0) {
			http_send_error(r, 404, "not_found", "no such page");
			return;
		}
	} else if (parse_ll(np, 1, 1000000, "page", &n, &err) < 0) {
		http_send_error(r, 404, "not_found", "no such page");
		return;
	}
	o = store_page_json(s, http_viewer(r), id, (int)n, &err);
	if (o == NULL) {
		if (err.msg[0])
			http_send_error(r, 500, "database", "%s", err.msg);
		else
			http_send_error(r, 404, "not_found", "no page %lld in "
					"document %lld", n, (long long)id);
		return;
	}
	if (dot == NULL) {
		http_send_json(r, 200, o);
		return;
	}
	json_decref(o);
	{
		const struct conf *c = http_conf(r);
		char *dir = datadir_path(http_data_dir(r), "cache");
		char *path = xasprintf("%s/pages/%lld/%lld.png", dir,
				       (long long)id, n);
		struct stat sb;
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		(void)c;
		if (fd < 0 || fstat(fd, &sb) < 0) {
			if (fd >= 0)
				close(fd);
			http_send_error(r, 404, "not_found", "no image of page "
					"%lld of document %lld (text-only "
					"formats have none)", n, (long long)id);
		} else {
			http_send_fd(r, "image/png", fd, (uint64_t)sb.st_size,
				     NULL);
		}
		free(path);
		free(dir);
	}
}

void
http_document_original(struct http_req *r)
{
	struct store *s = http_store(r);
	char *sha = NULL, *name = NULL, *mime = NULL, *path = NULL;
	struct error err;
	struct stat sb;
	int64_t id;
	int fd;

	if (s == NULL || param_id(r, "id", &id) < 0)
		return;
	if (store_document_original(s, http_viewer(r), id, &sha, &name, &mime,
				    &err) < 0) {
		http_send_error(r, 404, "not_found", "no document %lld",
				(long long)id);
		return;
	}
	path = vault_blob_path(http_data_dir(r), sha);
	fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0 || fstat(fd, &sb) < 0) {
		if (fd >= 0)
			close(fd);
		/* The database says we have it: this is for fsck. */
		http_send_error(r, 500, "missing_blob", "the original of "
				"document %lld is missing from the vault (run "
				"'foivault fsck')", (long long)id);
	} else {
		/*
		 * Served as an attachment whatever its type, so that a hostile
		 * HTML or SVG original never runs in our origin.
		 */
		http_send_fd(r, mime, fd, (uint64_t)sb.st_size, name);
	}
	free(sha);
	free(name);
	free(mime);
	free(path);
}

/* What POST /api/v1/documents was asked to do, from a form or JSON. */
struct doc_post {
	struct store_doc_new d;
	const char *negs[FV_MAX_FORM_FIELDS], *iss[FV_MAX_FORM_FIELDS];
	const char *url;
};

/*
 * Takes one named input (form field or JSON member) into p; 422 with a
 * message naming it if the name is unknown or the value wrong.
 */
static int
post_field(struct http_req *r, struct doc_post *p, const char *name,
	   const char *value)
{
	size_t n = strlen(value);

	if (!utf8_valid(value, n)) {
		http_send_error(r, 422, "invalid", "'%.64s' is not valid "
				"UTF-8", name);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f) {
			http_send_error(r, 422, "invalid", "'%.64s' contains a "
					"control character", name);
			return -1;
		}
	if (strcmp(name, "title") == 0) {
		p->d.title = value;
	} else if (strcmp(name, "date") == 0) {
		if (!ingest_valid_date(value)) {
			http_send_error(r, 422, "invalid", "date: expected "
					"YYYY-MM-DD");
			return -1;
		}
		p->d.doc_date = value;
	} else if (strcmp(name, "lang") == 0) {
		if (!ingest_valid_lang(value)) {
			http_send_error(r, 422, "invalid", "lang: expected "
					"languages like eng+fra");
			return -1;
		}
		p->d.lang = value;
	} else if (strcmp(name, "negotiation") == 0 ||
		   strcmp(name, "issue") == 0) {
		const int neg = name[0] == 'n';
		size_t *cnt = neg ? &p->d.n_negotiations : &p->d.n_issues;
		const char **slots = neg ? p->negs : p->iss;

		if (*cnt == FV_MAX_FORM_FIELDS) {
			http_send_error(r, 422, "invalid", "too many %s links",
					name);
			return -1;
		}
		slots[(*cnt)++] = value;
	} else {
		http_send_error(r, 422, "invalid", "unknown field '%.64s' "
				"(title, date, lang, negotiation, issue%s)",
				name, p->url ? ", url" : "");
		return -1;
	}
	return 0;
}

static int
post_from_form(struct http_req *r, struct http_form *f, struct doc_post *p)
{
	for (size_t i = 0; i < http_form_nfields(f); i++)
		if (post_field(r, p, http_form_field_name(f, i),
			       http_form_field_value(f, i)) < 0)
			return -1;
	return 0;
}

static int
post_from_json(struct http_req *r, json_t *j, struct doc_post *p)
{
	const char *k;
	json_t *v;

	p->url = json_string_value(json_object_get(j, "url"));
	if (p->url == NULL) {
		http_send_error(r, 422, "invalid", "'url' (a string) is "
				"required, or upload a file as "
				"multipart/form-data");
		return -1;
	}
	if (!ingest_is_url(p->url)) {
		http_send_error(r, 422, "invalid", "url: only http and https "
				"URLs can be fetched");
		return -1;
	}
	if (strlen(p->url) > FV_MAX_URL_LENGTH) {
		http_send_error(r, 422, "invalid", "url: longer than %d bytes",
				FV_MAX_URL_LENGTH);
		return -1;
	}
	json_object_foreach(j, k, v) {
		const int list = strcmp(k, "negotiations") == 0 ||
				 strcmp(k, "issues") == 0;
		size_t i;
		json_t *e;

		if (strcmp(k, "url") == 0)
			continue;
		if (!list) {
			if (!json_is_string(v)) {
				http_send_error(r, 422, "invalid", "'%.64s' "
						"must be a string", k);
				return -1;
			}
			if (post_field(r, p, k, json_string_value(v)) < 0)
				return -1;
			continue;
		}
		if (!json_is_array(v)) {
			http_send_error(r, 422, "invalid", "'%s' must be an "
					"array of slugs", k);
			return -1;
		}
		json_array_foreach(v, i, e) {
			if (!json_is_string(e)) {
				http_send_error(r, 422, "invalid", "'%s' must "
						"be an array of slugs", k);
				return -1;
			}
			if (post_field(r, p, k[0] == 'n' ? "negotiation" :
				       "issue", json_string_value(e)) < 0)
				return -1;
		}
	}
	return 0;
}

/* Unknown slugs are the client's mistake: say so before storing anything. */
static int
check_links(struct http_req *r, struct store *s, const struct doc_post *p)
{
	size_t nn = p->d.n_negotiations, ni = p->d.n_issues;

	for (size_t k = 0; k < nn + ni; k++) {
		const char *slug = k < nn ? p->negs[k] : p->iss[k - nn];
		struct error err;
		json_t *o = k < nn ? store_negotiation_get(s, slug, &err) :
			    store_issue_get(s, slug, &err);

		if (o == NULL) {
			if (err.msg[0])
				http_send_error(r, 500, "database", "%s",
						err.msg);
			else
				http_send_error(r, 422, "invalid", "no %s "
						"'%.100s' (see GET /api/v1/%s)",
						k < nn ? "negotiation" : "issue",
						slug, k < nn ? "negotiations" :
						"issues");
			return -1;
		}
		json_decref(o);
	}
	return 0;
}

void
http_document_post(struct http_req *r)
{
	struct store *s = http_store(r);
	struct http_form *f = http_upload_form(r);
	struct doc_post p;
	const char *status = NULL;
	struct error err;
	int64_t id = 0;
	int rc;

	if (s == NULL)
		return;
	memset(&p, 0, sizeof(p));
	p.d.negotiations = p.negs;
	p.d.issues = p.iss;
	p.d.user_id = http_viewer(r)->user_id;
	if ((f ? post_from_form(r, f, &p) :
	     post_from_json(r, http_body_json(r), &p)) < 0 ||
	    check_links(r, s, &p) < 0)
		return;
	if (f) {
		p.d.source_kind = "upload";
		p.d.source_name = http_form_file_name(f);
		rc = ingest_add_file(s, http_data_dir(r),
				     http_conf(r)->max_upload,
				     http_form_file_path(f), &p.d, &id,
				     &status, &err);
	} else {
		rc = ingest_add_url(s, p.url, &p.d, &id, &status, &err);
	}
	if (rc < 0) {
		fprintf(stderr, "foivault: upload: %s\n", err.msg);
		http_send_error(r, 500, "internal", "cannot store the "
				"document: %s", err.msg);
		return;
	}
	/* 202: queued for processing; 200: these bytes were already here. */
	http_send_json(r, strcmp(status, "queued") == 0 ? 202 : 200,
		       json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id,
				 "status", status, "name", f ?
				 http_form_file_name(f) : p.url));
}
