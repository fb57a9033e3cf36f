/*
 * ingest.c - see ingest.h. The only place where an input becomes a stored
 * original plus a queued document; the CLI and the HTTP API both call it.
 */
#include "config.h"

#include "ingest.h"

#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "fvlimits.h"
#include "vault_blob.h"

int
ingest_is_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

int
ingest_valid_date(const char *s)
{
	int y, m, d;
	char tail;

	return strlen(s) == 10 && s[4] == '-' && s[7] == '-' &&
	       sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 &&
	       y >= 1900 && y <= 2200 && calendar_valid_ymd(y, m, d);
}

int
ingest_valid_lang(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 64 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz_+") == n;
}

int
ingest_add_file(struct store *s, const char *data_dir, uint64_t max_size,
		const char *path, const struct store_doc_new *tmpl,
		int64_t *ret_id, const char **ret_status, struct error *err)
{
	struct store_doc_new d = *tmpl;
	char hash[VAULT_HASH_HEX];
	uint64_t size;

	if (vault_blob_put_file(data_dir, path, max_size, hash, &size, err) < 0)
		return -1;
	d.sha256 = hash;
	d.size = size;
	return store_document_add(s, &d, ret_id, ret_status, err);
}

int
ingest_add_url(struct store *s, const char *url,
	       const struct store_doc_new *tmpl, int64_t *ret_id,
	       const char **ret_status, struct error *err)
{
	struct store_doc_new d = *tmpl;

	if (!ingest_is_url(url))
		return error_set(err, "only http and https URLs can be fetched");
	if (strlen(url) > FV_MAX_URL_LENGTH)
		return error_set(err, "the URL is too long");
	d.sha256 = NULL;
	d.source_kind = "url";
	d.source_name = url;
	d.source_ref = url;
	return store_document_add(s, &d, ret_id, ret_status, err);
}
