/*
 * ingest.h - putting one input into the vault and queueing its processing,
 * shared by "foivault ingest" and POST /api/v1/documents, so that a file
 * or URL is stored, deduplicated and queued the same way whichever door it
 * came in by. The caller fills the template (title, date, language, links,
 * source kind and name, uploader); these functions add the bytes or URL.
 */
#ifndef FOIVAULT_INGEST_H
#define FOIVAULT_INGEST_H

#include <stdint.h>

#include "store.h"
#include "util.h"

/* Whether s starts with http:// or https://. */
int ingest_is_url(const char *s);
/* A document date: YYYY-MM-DD, a real day, years 1900 to 2200. */
int ingest_valid_date(const char *s);
/* OCR languages: lower-case Tesseract codes joined by '+', e.g. eng+fra. */
int ingest_valid_lang(const char *s);

/*
 * Copies the file at path into the vault (at most max_size bytes) and adds
 * its document, or a new source to the document with the same bytes. tmpl's
 * sha256 and size are set here. *ret_status: queued, done, unsupported or
 * failed (store_document_add()).
 */
int ingest_add_file(struct store *s, const char *data_dir, uint64_t max_size,
		    const char *path, const struct store_doc_new *tmpl,
		    int64_t *ret_id, const char **ret_status,
		    struct error *err);
/*
 * Adds a document to be fetched from url (http or https only; the worker
 * fetches it and applies the address rules). tmpl's source fields are set
 * here to the URL.
 */
int ingest_add_url(struct store *s, const char *url,
		   const struct store_doc_new *tmpl, int64_t *ret_id,
		   const char **ret_status, struct error *err);

#endif
