/*
 * authority.c - checking authorities and importing them from CSV
 * (authority.h).
 *
 * All input passes authority_check() before the store sees it, whether it
 * came from the command line or a file, so the table only ever holds
 * names, addresses and jurisdictions that the rest of the program can
 * trust to be text of bounded size under a known law.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "authority.h"
#include "csv.h"
#include "fvlimits.h"
#include "jurisdiction.h"

void
authority_input_release(struct authority_input *in)
{
	if (in == NULL)
		return;
	free(in->name);
	free(in->jurisdiction);
	free(in->email);
	free(in->portal_url);
	free(in->tags);
	free(in->notes);
	memset(in, 0, sizeof(*in));
}

/* Trims surrounding blanks in place; an empty result is freed to NULL. */
static void
trim(char **p)
{
	char *s = *p, *e;

	if (s == NULL)
		return;
	while (*s == ' ' || *s == '\t')
		memmove(s, s + 1, strlen(s));
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	if (*s == '\0') {
		free(s);
		*p = NULL;
	}
}

static int
check_text(const char *what, const char *s, size_t max, int newlines,
	   struct error *err)
{
	size_t n = strlen(s);

	if (n > max)
		return error_set(err, "%s is longer than %zu bytes", what, max);
	if (!utf8_valid(s, n))
		return error_set(err, "%s is not valid UTF-8", what);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && !(newlines && (*p == '\n' || *p == '\t')))
		    || *p == 0x7f)
			return error_set(err, "%s contains a control "
					 "character", what);
	return 0;
}

static int
check_email(const char *e, struct error *err)
{
	const char *at = strchr(e, '@');

	if (strlen(e) > FV_MAX_EMAIL || at == NULL || at == e ||
	    strchr(at + 1, '@') != NULL || at[1] == '\0' ||
	    strchr(at + 1, '.') == NULL || strpbrk(e, " <>,;\"") != NULL)
		return error_set(err, "'%s' is not an e-mail address", e);
	return 0;
}

/* Tags: split on commas, semicolons, blanks and newlines; lower-cased. */
static void
normalise_tags(char **p)
{
	struct buf b;
	char *s = *p, *tok, *save = NULL;

	if (s == NULL)
		return;
	buf_init(&b, strlen(s) + 1);
	for (tok = strtok_r(s, ",; \t\r\n", &save); tok;
	     tok = strtok_r(NULL, ",; \t\r\n", &save)) {
		for (char *c = tok; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (b.len)
			buf_add(&b, ",", 1);
		buf_addstr(&b, tok);
	}
	free(s);
	*p = buf_detach(&b, NULL);
	if (**p == '\0') {
		free(*p);
		*p = NULL;
	}
}

int
authority_check(struct authority_input *in,
		const struct jurisdiction_set *laws,
		struct store_authority *out, struct error *err)
{
	const struct jurisdiction *j;

	trim(&in->name);
	trim(&in->jurisdiction);
	trim(&in->email);
	trim(&in->portal_url);
	trim(&in->tags);
	trim(&in->notes);
	if (in->name == NULL)
		return error_set(err, "an authority needs a name");
	if (in->jurisdiction == NULL)
		return error_set(err, "an authority needs a jurisdiction");
	if (check_text("the name", in->name, FV_MAX_AUTHORITY_NAME, 0,
		       err) < 0 ||
	    check_text("the jurisdiction", in->jurisdiction, 16, 0, err) < 0 ||
	    (in->email && check_text("the e-mail address", in->email,
				     FV_MAX_EMAIL, 0, err) < 0) ||
	    (in->portal_url && check_text("the portal URL", in->portal_url,
					  FV_MAX_AUTHORITY_TEXT, 0, err) < 0) ||
	    (in->tags && check_text("the tags", in->tags,
				    FV_MAX_AUTHORITY_TEXT, 1, err) < 0) ||
	    (in->notes && check_text("the notes", in->notes,
				     FV_MAX_AUTHORITY_TEXT, 1, err) < 0))
		return -1;
	j = jurisdiction_set_find(laws, in->jurisdiction);
	if (j == NULL)
		return error_set(err, "unknown jurisdiction '%s' ('foivault "
				 "jurisdictions' lists them)",
				 in->jurisdiction);
	free(in->jurisdiction);
	in->jurisdiction = xstrdup(j->code);
	if (in->email && check_email(in->email, err) < 0)
		return -1;
	if (in->portal_url &&
	    ((strncmp(in->portal_url, "https://", 8) != 0 &&
	      strncmp(in->portal_url, "http://", 7) != 0) ||
	     strchr(in->portal_url, ' ') != NULL))
		return error_set(err, "the portal '%s' is not an http(s) URL",
				 in->portal_url);
	normalise_tags(&in->tags);
	out->name = in->name;
	out->jurisdiction = in->jurisdiction;
	out->email = in->email;
	out->portal_url = in->portal_url;
	out->tags = in->tags ? in->tags : "";
	out->notes = in->notes ? in->notes : "";
	return 0;
}

enum { COL_NAME, COL_JURISDICTION, COL_EMAIL, COL_PORTAL, COL_TAGS, NCOLS };
static const char *const col_names[NCOLS] = {
	"name", "jurisdiction", "email", "portal", "tags",
};

static json_t *
line_result(size_t line, const char *result, const char *name,
	    const char *reason)
{
	json_t *o = json_pack("{s:I, s:s}", "line", (json_int_t)line,
			      "result", result);

	if (name && utf8_valid(name, strlen(name)))
		json_object_set_new(o, "name", json_string(name));
	/* A message cut at its buffer's end may split a UTF-8 sequence. */
	if (reason)
		json_object_set_new(o, "reason", utf8_valid(reason,
				    strlen(reason)) ? json_string(reason) :
				    json_string("(the reason is not valid "
						"UTF-8)"));
	return o;
}

/* Reads the header into map (column index per field, -1 unknown). */
static int
read_header(struct csv_reader *r, int *map, size_t *ret_n, struct error *err)
{
	struct csv_record rec;
	int seen[NCOLS] = { 0 };
	int rc;

	rc = csv_next(r, &rec, err);
	if (rc == 0)
		return error_set(err, "the file is empty: it needs a header "
				 "line name,jurisdiction,email,portal,tags");
	if (rc < 0)
		return error_set(err, "the header line is not valid CSV (%s)",
				 err->msg);
	for (size_t i = 0; i < rec.nfields; i++) {
		char *f = rec.fields[i];

		trim(&f);
		rec.fields[i] = f;
		map[i] = -1;
		for (int c = 0; f && c < NCOLS; c++)
			if (strcasecmp(f, col_names[c]) == 0 ||
			    (c == COL_PORTAL && strcasecmp(f, "portal_url") == 0))
				map[i] = c;
		if (map[i] < 0 || seen[map[i]]++) {
			error_set(err, "line %zu: header: unknown or repeated "
				  "column '%.40s' (want name,jurisdiction,"
				  "email,portal,tags)", rec.line, f ? f : "");
			csv_record_release(&rec);
			return -1;
		}
	}
	*ret_n = rec.nfields;
	csv_record_release(&rec);
	if (!seen[COL_NAME] || !seen[COL_JURISDICTION])
		return error_set(err, "the header needs at least the columns "
				 "name and jurisdiction");
	return 0;
}

json_t *
authority_import_csv(struct store *s, const struct jurisdiction_set *laws,
		     const char *data, size_t len, struct error *err)
{
	struct csv_reader r;
	json_t *lines = NULL, *seen = NULL, *report = NULL;
	int map[FV_MAX_CSV_FIELDS];
	size_t ncols = 0, counts[4] = { 0 };
	static const char *const results[4] = {
		"added", "updated", "unchanged", "rejected",
	};

	if (len > FV_MAX_CSV_FILE) {
		error_set(err, "the file is larger than %d bytes",
			  FV_MAX_CSV_FILE);
		return NULL;
	}
	csv_reader_init(&r, data, len);
	if (read_header(&r, map, &ncols, err) < 0)
		return NULL;
	lines = json_array();
	seen = json_object();
	for (;;) {
		struct authority_input in = { 0 };
		struct store_authority a;
		struct csv_record rec;
		enum store_put_status st;
		struct error e;
		char *key = NULL;
		int64_t id;
		int rc = csv_next(&r, &rec, &e);
		json_t *prev;

		if (rc == 0)
			break;
		if (rc < 0) {
			/* The message already names the line. */
			const char *why = strchr(e.msg, ':');

			counts[3]++;
			json_array_append_new(lines, line_result(rec.line,
				"rejected", NULL, why ? why + 2 : e.msg));
			continue;
		}
		if (rec.nfields != ncols) {
			error_set(&e, "%zu fields where the header has %zu",
				  rec.nfields, ncols);
			goto reject;
		}
		for (size_t i = 0; i < rec.nfields; i++) {
			char **dst[NCOLS] = { &in.name, &in.jurisdiction,
					      &in.email, &in.portal_url,
					      &in.tags };

			*dst[map[i]] = rec.fields[i];
			rec.fields[i] = NULL;
		}
		if (authority_check(&in, laws, &a, &e) < 0)
			goto reject;
		key = xasprintf("%s\t%s", a.jurisdiction, a.name);
		for (char *c = key; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		prev = json_object_get(seen, key);
		if (prev) {
			error_set(&e, "duplicate of line %lld (same name and "
				  "jurisdiction)",
				  (long long)json_integer_value(prev));
			goto reject;
		}
		json_object_set_new(seen, key, json_integer(
					    (json_int_t)rec.line));
		if (store_authority_put(s, &a, 1, &id, &st, &e) < 0)
			goto reject;
		counts[st]++;
		{
			json_t *o = line_result(rec.line, results[st], a.name,
						NULL);

			json_object_set_new(o, "id", json_integer(id));
			json_object_set_new(o, "jurisdiction",
					    json_string(a.jurisdiction));
			json_array_append_new(lines, o);
		}
		goto next;
reject:
		counts[3]++;
		json_array_append_new(lines, line_result(rec.line, "rejected",
							 in.name, e.msg));
next:
		free(key);
		authority_input_release(&in);
		csv_record_release(&rec);
	}
	report = json_pack("{s:I, s:I, s:I, s:I, s:o}",
			   "added", (json_int_t)counts[0],
			   "updated", (json_int_t)counts[1],
			   "unchanged", (json_int_t)counts[2],
			   "rejected", (json_int_t)counts[3], "lines", lines);
	json_decref(seen);
	return report;
}
