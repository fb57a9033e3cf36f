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
 * A document the viewer may not see answers 404, exactly like one that
 * does not exist. The server never parses a document's bytes: page images
 * come from the cache the worker wrote.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datadir.h"
#include "http.h"
#include "http_handlers.h"
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
