/*
 * csv.c - a bounded RFC 4180 reader (csv.h).
 *
 * One record is read byte by byte into a buffer capped at
 * FV_MAX_CSV_RECORD, so no input can make it allocate more than that per
 * field; the record's fields are capped at FV_MAX_CSV_FIELDS. Errors skip
 * to the end of the record's first physical line: for a stray quote that
 * is the best guess of where the author meant the record to end, and it
 * guarantees progress.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"

void
csv_reader_init(struct csv_reader *r, const char *data, size_t len)
{
	r->data = data;
	r->len = len;
	r->pos = 0;
	r->line = 1;
	/* A UTF-8 byte-order mark is not part of the first field. */
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		r->pos = 3;
}

void
csv_record_release(struct csv_record *rec)
{
	if (rec == NULL)
		return;
	for (size_t i = 0; i < rec->nfields; i++)
		free(rec->fields[i]);
	rec->nfields = 0;
}

/* Skips past the record's first line after an error. */
static int
skip(struct csv_reader *r, size_t start, struct csv_record *rec)
{
	const char *nl = memchr(r->data + start, '\n', r->len - start);

	csv_record_release(rec);
	r->pos = nl ? (size_t)(nl - r->data) + 1 : r->len;
	r->line = rec->line + 1;
	return -1;
}

int
csv_next(struct csv_reader *r, struct csv_record *rec, struct error *err)
{
	struct buf f;
	size_t start, lines = 0;
	int quoted = 0, was_quoted = 0;

	rec->nfields = 0;
	/* Blank lines are not records. */
	while (r->pos < r->len && (r->data[r->pos] == '\n' ||
				   r->data[r->pos] == '\r')) {
		if (r->data[r->pos] == '\n')
			r->line++;
		r->pos++;
	}
	rec->line = r->line;
	if (r->pos >= r->len)
		return 0;
	start = r->pos;
	buf_init(&f, FV_MAX_CSV_RECORD);
	for (;;) {
		int end = r->pos >= r->len;
		char c = end ? '\0' : r->data[r->pos];

		if (!end && r->pos - start >= FV_MAX_CSV_RECORD) {
			error_set(err, "line %zu: %s longer than %d bytes",
				  rec->line, quoted ? "a quoted field runs on "
				  "(an unbalanced quote?) for" : "record",
				  FV_MAX_CSV_RECORD);
			goto fail;
		}
		if (!end && c == '\0') {
			error_set(err, "line %zu: NUL byte in the record",
				  rec->line);
			goto fail;
		}
		if (quoted) {
			if (end) {
				error_set(err, "line %zu: a quoted field is "
					  "never closed", rec->line);
				goto fail;
			}
			r->pos++;
			if (c == '"') {
				if (r->pos < r->len &&
				    r->data[r->pos] == '"') {
					buf_add(&f, "\"", 1);
					r->pos++;
				} else {
					quoted = 0;
				}
				continue;
			}
			if (c == '\n')
				lines++;
			buf_add(&f, &c, 1);
			continue;
		}
		if (end || c == ',' || c == '\n' || c == '\r') {
			if (rec->nfields == FV_MAX_CSV_FIELDS) {
				error_set(err, "line %zu: more than %d fields",
					  rec->line, FV_MAX_CSV_FIELDS);
				goto fail;
			}
			rec->fields[rec->nfields++] = buf_detach(&f, NULL);
			was_quoted = 0;
			if (end)
				break;
			r->pos++;
			if (c == ',')
				continue;
			if (c == '\r' && r->pos < r->len &&
			    r->data[r->pos] == '\n')
				r->pos++;
			lines++;
			break;
		}
		if (c == '"') {
			if (f.len > 0 || was_quoted) {
				error_set(err, "line %zu: a quote inside an "
					  "unquoted field (quote the whole "
					  "field and double the quote)",
					  rec->line);
				goto fail;
			}
			quoted = was_quoted = 1;
			r->pos++;
			continue;
		}
		if (was_quoted) {
			error_set(err, "line %zu: text after a closing quote",
				  rec->line);
			goto fail;
		}
		buf_add(&f, &c, 1);
		r->pos++;
	}
	buf_release(&f);
	r->line += lines;
	return 1;
fail:
	buf_release(&f);
	return skip(r, start, rec);
}
