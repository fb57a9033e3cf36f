/*
 * authority.h - public bodies that receive requests: checking what a user
 * typed or imported before it reaches the store, and the CSV import
 * (docs/coordinating.md).
 */
#ifndef FOIVAULT_AUTHORITY_H
#define FOIVAULT_AUTHORITY_H

#include <stddef.h>

#include <jansson.h>

#include "store.h"
#include "util.h"

struct jurisdiction_set;

/* An authority as typed: strings owned by the struct. */
struct authority_input {
	char *name;
	char *jurisdiction;
	char *email;
	char *portal_url;
	char *tags;
	char *notes;
};

/*
 * Checks and normalises in place: name and fields within limits, valid
 * UTF-8, no control characters; the jurisdiction a loaded law (its code
 * canonicalised); the e-mail one address; the portal an http(s) URL; tags
 * trimmed, lower-cased and joined with ",". Empty optional fields become
 * NULL. Then fills out with borrowed pointers into in.
 */
int authority_check(struct authority_input *in,
		    const struct jurisdiction_set *laws,
		    struct store_authority *out, struct error *err);
void authority_input_release(struct authority_input *in);

/*
 * Imports a CSV file (header: name,jurisdiction,email,portal,tags in any
 * order; name and jurisdiction required). Every line is reported in the
 * returned JSON: {"added":N,"updated":N,"unchanged":N,"rejected":N,
 * "lines":[{"line":L,"result":"added|updated|unchanged|rejected",
 * "id":ID,"name":...,"reason":...}]}. A second line for the same
 * authority in one file is rejected as a duplicate. NULL with a message
 * only if the file as a whole cannot be read (no header, database error).
 */
json_t *authority_import_csv(struct store *s,
			     const struct jurisdiction_set *laws,
			     const char *data, size_t len, struct error *err);

#endif
