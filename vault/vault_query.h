/*
 * vault_query.h - the researchers' search language, parsed into a safe
 * FTS5 MATCH expression, a list of filters and the terms to highlight.
 *
 * The syntax is documented for users in docs/search.md. The MATCH
 * expression holds only double-quoted strings, '*' after a closing quote,
 * AND, OR, NOT and parentheses; it is meant to be bound as a parameter of
 * a prepared statement, never formatted into SQL. Every query either parses
 * into an expression that FTS5 (tokenizer 'unicode61 remove_diacritics 2')
 * accepts, or fails with a message that says what is wrong and where.
 * This module does not touch SQLite.
 */
#ifndef FOIVAULT_VAULT_QUERY_H
#define FOIVAULT_VAULT_QUERY_H

#include <stddef.h>

#include "util.h"

enum vault_query_field {
	VAULT_QUERY_NEGOTIATION,
	VAULT_QUERY_ISSUE,
	VAULT_QUERY_JURISDICTION,
	VAULT_QUERY_AUTHORITY,
	VAULT_QUERY_CAMPAIGN,
	VAULT_QUERY_REQUEST,
	VAULT_QUERY_TYPE,
	VAULT_QUERY_LANG,
	VAULT_QUERY_AFTER,
	VAULT_QUERY_BEFORE,
};

/* Length of a "YYYY-MM-DD" day and its NUL. */
#define VAULT_QUERY_DAY 11

/*
 * One filter, such as issue:source-code or authority:"Ministry of Trade".
 * All filters of a query must hold together (AND).
 */
struct vault_query_filter {
	enum vault_query_field field;
	const char *name;        /* "issue", "after", ... (static) */
	char *value;             /* without quotes; jurisdiction upper-cased,
				    lang and type lower-cased, dates as typed */
	/* after:/before: only: the days the filter lets through, inclusive,
	 * as YYYY-MM-DD; "" is an open end. Empty for the other fields. */
	char from[VAULT_QUERY_DAY];
	char to[VAULT_QUERY_DAY];
};

/* A word or phrase the query searches for (not one it excludes). */
struct vault_query_term {
	char *text;      /* as typed, without quotes or the '*' */
	int phrase;      /* typed in quotes */
	int prefix;      /* ends in '*': matches words starting with it */
};

struct vault_query {
	/* The FTS5 MATCH expression; NULL when filters_only. */
	char *match;
	/* The query has filters and no words: list documents by filters. */
	int filters_only;
	struct vault_query_filter *filters;
	size_t n_filters;
	/* What to highlight, in the order typed. */
	struct vault_query_term *terms;
	size_t n_terms;
	/* All after:/before: filters together, inclusive; "" = open. */
	char date_from[VAULT_QUERY_DAY];
	char date_to[VAULT_QUERY_DAY];
};

/*
 * Where a query went wrong, to show the user a caret under the problem:
 *
 *     printf("%s\n%*s^\n", where.snippet, (int)where.caret, "");
 */
struct vault_query_where {
	size_t offset;      /* byte offset in the query, 0 to its length */
	size_t column;      /* the same counted in characters, from 0 */
	char snippet[256];  /* the query around it: printable, valid UTF-8 */
	size_t caret;       /* characters of snippet before the problem */
};

/*
 * Parses len bytes of text (not necessarily NUL-terminated). On success
 * returns 0 and sets *ret (free it with vault_query_free). On failure
 * returns -1, sets err to a one-line message that names the position (as
 * "character N", counted from 1) and, if where is not NULL, fills it.
 */
int vault_query_parse(const char *text, size_t len, struct vault_query **ret,
		      struct vault_query_where *where, struct error *err);

/* Frees a parsed query; accepts NULL. */
void vault_query_free(struct vault_query *q);

#endif
