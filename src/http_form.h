/*
 * http_form.h - a multipart/form-data request body with one file part,
 * parsed as it arrives (libmicrohttpd's post processor): the file streams
 * to a temp file under DATA/tmp, the other fields are kept in memory.
 *
 * Limits: the file part at most max_file bytes (413 as soon as it passes),
 * the whole body at most max_file + FV_MAX_UPLOAD_FORM, at most
 * FV_MAX_FORM_FIELDS fields of FV_MAX_FORM_FIELD bytes each. Once a body
 * is refused the temp file is removed at once and the rest is ignored.
 * http_form_free() removes the temp file whatever happened, so no path
 * out of a request leaves one behind.
 */
#ifndef FOIVAULT_HTTP_FORM_H
#define FOIVAULT_HTTP_FORM_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct MHD_Connection;
struct http_form;

/*
 * The parser for conn's body; NULL with a message if its Content-Type is
 * not multipart/form-data with a boundary.
 */
struct http_form *http_form_new(struct MHD_Connection *conn,
				const char *tmp_dir, uint64_t max_file,
				struct error *err);
/*
 * Feeds body bytes. 0 to go on (also after the body has been refused:
 * http_form_finish() then says why); -1 once the body has passed its hard
 * cap, when the connection should be closed rather than read further.
 */
int http_form_feed(struct http_form *f, const char *data, size_t len);
/*
 * At the end of the body: 0 if it was a complete form with exactly one
 * file part named "file", else an HTTP status (400, 413, 422, 500) and the
 * reason in err.
 */
int http_form_finish(struct http_form *f, struct error *err);

/* The fields other than the file, in order (names may repeat). */
size_t http_form_nfields(const struct http_form *f);
const char *http_form_field_name(const struct http_form *f, size_t i);
const char *http_form_field_value(const struct http_form *f, size_t i);
/* The temp file holding the file part, its size, and its safe name. */
const char *http_form_file_path(const struct http_form *f);
uint64_t http_form_file_size(const struct http_form *f);
const char *http_form_file_name(const struct http_form *f);

/* Closes and removes the temp file, frees f. Accepts NULL. */
void http_form_free(struct http_form *f);

/*
 * A client's file name made safe to store and show (newly allocated): the
 * last path component only, control characters and invalid UTF-8 replaced
 * by '_', at most FV_MAX_FILE_NAME bytes, "upload" if nothing is left.
 * Exposed for the unit tests.
 */
char *http_form_safe_name(const char *raw);

#endif
