/*
 * csv.h - a bounded RFC 4180 reader for files people upload (authority
 * lists). Quoted fields may hold commas, doubled quotes and newlines.
 *
 * Hostile input is reported one record at a time and never stops the rest
 * of the file: a record that breaks a rule (unterminated quote, text after
 * a closing quote, a NUL byte, more than FV_MAX_CSV_FIELDS fields, longer
 * than FV_MAX_CSV_RECORD bytes) is skipped up to the end of the physical
 * line it started on, and reading resumes there.
 */
#ifndef FOIVAULT_CSV_H
#define FOIVAULT_CSV_H

#include <stddef.h>

#include "fvlimits.h"
#include "util.h"

struct csv_reader {
	const char *data;	/* borrowed */
	size_t len;
	size_t pos;
	size_t line;		/* physical line of the next record, from 1 */
};

struct csv_record {
	size_t line;		/* the physical line it started on */
	size_t nfields;
	char *fields[FV_MAX_CSV_FIELDS];
};

void csv_reader_init(struct csv_reader *r, const char *data, size_t len);
/*
 * Reads the next non-empty record. Returns 1 with rec filled (release it
 * with csv_record_release), 0 at the end of the input, or -1 with a
 * message and rec->line set: the record was skipped.
 */
int csv_next(struct csv_reader *r, struct csv_record *rec, struct error *err);
void csv_record_release(struct csv_record *rec);

#endif
