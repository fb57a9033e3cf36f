/*
 * fuzz_query.c - libFuzzer target for the search language (vault_query).
 *
 * Every input must either fail cleanly (a message, a position inside the
 * input, a printable UTF-8 snippet) or give an expression that is well
 * formed (quoted strings that each hold a word as FTS5 tokenizes it, '*',
 * AND, OR, NOT, parentheses) and that a real FTS5 table, with the vault's
 * tokenizer and prefix indexes, runs without error. Anything else aborts.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Isrc -Ivault \
 *     src/util.c vault/vault_query.c tests/fuzz/fuzz_query.c -lsqlite3 \
 *     -o fuzz_query
 *   ./fuzz_query -max_len=1100 -dict=tests/fuzz/query.dict \
 *     tests/fuzz/corpus/query
 *
 * Linked with replay_main.c instead, it replays the corpus in `make check`.
 * The database lives for the whole process, in statics.
 */
#include "config.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "vault_query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;
static sqlite3_stmt *match_stmt;
static fts5_tokenizer tokenizer;
static Fts5Tokenizer *tok;
static int ntokens;

static void
die(const char *what, const uint8_t *data, size_t size, const char *detail)
{
	fprintf(stderr, "fuzz_query: %s for %zu bytes '%.*s': %s\n", what, size,
		(int)size, (const char *)data, detail);
	abort();
}

static void
setup(void)
{
	static const char *const rows[] = {
		"Parties shall not require the transfer of, or access to, "
		"source code of software owned by a person of another Party.",
		"cross border data transfers, spam, data protection and "
		"e-signatures; near and or not",
		"JOB/GC/178 INF/ECOM/62 WT/MIN(17)/60 2024-001",
		"Número de expediente: código fuente",
	};
	const char *args[] = { "remove_diacritics", "2" };
	fts5_api *api = NULL;
	sqlite3_stmt *st;
	void *ud;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(text, "
			 "tokenize='unicode61 remove_diacritics 2', "
			 "prefix='2 3')", NULL, NULL, NULL) != SQLITE_OK)
		abort();
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		char *sql = sqlite3_mprintf("INSERT INTO t VALUES (%Q)", rows[i]);

		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			abort();
		sqlite3_free(sql);
	}
	if (sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?1",
			       -1, &match_stmt, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		abort();
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (api == NULL ||
	    api->xFindTokenizer(api, "unicode61", &ud, &tokenizer) != SQLITE_OK ||
	    tokenizer.xCreate(ud, args, 2, &tok) != SQLITE_OK)
		abort();
}

static int
count_token(void *ctx, int flags, const char *t, int n, int start, int end)
{
	(void)ctx, (void)flags, (void)t, (void)n, (void)start, (void)end;
	ntokens++;
	return SQLITE_OK;
}

/* Returns NULL if m has only the promised shapes, else what is wrong. */
static const char *
check_shape(const char *m)
{
	static char content[4096];
	int depth = 0;

	while (*m) {
		if (*m == ' ' || *m == '(' || *m == ')') {
			depth += *m == '(' ? 1 : *m == ')' ? -1 : 0;
			if (depth < 0)
				return "unbalanced ')'";
			m++;
		} else if (strncmp(m, "AND ", 4) == 0 || strncmp(m, "NOT ", 4) == 0) {
			m += 4;
		} else if (strncmp(m, "OR ", 3) == 0) {
			m += 3;
		} else if (*m == '"') {
			size_t n = 0;

			for (m++;; m++) {
				if (*m == '\0' || n + 1 >= sizeof(content))
					return "unterminated string";
				if (*m == '"' && m[1] == '"') {
					content[n++] = '"';
					m++;
				} else if (*m == '"') {
					break;
				} else if ((unsigned char)*m < 0x20 || *m == 0x7f) {
					return "control character in a string";
				} else {
					content[n++] = *m;
				}
			}
			m++;
			if (*m == '*')
				m++;
			ntokens = 0;
			tokenizer.xTokenize(tok, NULL, FTS5_TOKENIZE_QUERY, content,
					    (int)n, count_token);
			if (ntokens == 0)
				return "a string without a word";
		} else {
			return "unexpected character";
		}
	}
	return depth == 0 ? NULL : "unbalanced '('";
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vault_query *q = NULL;
	struct vault_query_where where;
	struct error err = { "" };
	const char *bad;
	int rc;

	if (db == NULL)
		setup();
	if (vault_query_parse((const char *)data, size, &q, &where, &err) < 0) {
		size_t chars = 0;

		for (const char *c = where.snippet; *c; c++)
			chars += ((unsigned char)*c & 0xc0) != 0x80;
		if (q != NULL || err.msg[0] == '\0' || where.offset > size ||
		    where.column > where.offset || where.caret > chars ||
		    !utf8_valid(where.snippet, strlen(where.snippet)))
			die("bad error", data, size, err.msg);
		return 0;
	}
	if ((q->match == NULL) != (q->filters_only != 0))
		die("match and filters_only disagree", data, size, "");
	for (size_t i = 0; i < q->n_filters; i++)
		if (q->filters[i].value == NULL || q->filters[i].value[0] == '\0')
			die("empty filter value", data, size, q->filters[i].name);
	if (q->match) {
		if ((bad = check_shape(q->match)) != NULL)
			die(bad, data, size, q->match);
		sqlite3_bind_text(match_stmt, 1, q->match, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(match_stmt)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE)
			die(sqlite3_errmsg(db), data, size, q->match);
		sqlite3_reset(match_stmt);
	}
	vault_query_free(q);
	return 0;
}
