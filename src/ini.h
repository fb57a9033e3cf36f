/*
 * ini.h - a small, strict INI reader used for foivault.conf and for the law
 * definition files under $(pkgdatadir)/laws.
 *
 * Syntax: "[section]" lines, "key = value" lines, comments starting with
 * '#' or ';' on their own line, blank lines. Keys may repeat (law files list
 * one holiday rule per line); entries keep file order. Values are trimmed;
 * there is no quoting and no continuation. Anything else is an error that
 * names the file and line.
 */
#ifndef FOIVAULT_INI_H
#define FOIVAULT_INI_H

#include <stddef.h>

#include "util.h"

struct ini_entry {
	char *section; /* "" before the first [section] */
	char *key;
	char *value;
	int line;
};

struct ini {
	char *name; /* file name, for messages */
	struct ini_entry *entries;
	size_t n;
};

/* Reads and parses a file of at most INI_MAX_BYTES. */
int ini_parse_file(const char *path, struct ini *ret, struct error *err);
/* Parses a buffer; name is used in error messages. */
int ini_parse_buffer(const char *data, size_t len, const char *name,
		     struct ini *ret, struct error *err);
/* The last value of section/key, or NULL. */
const char *ini_get(const struct ini *ini, const char *section,
		    const char *key);
void ini_release(struct ini *ini);

#endif
