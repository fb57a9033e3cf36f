/*
 * test_vault_query.c - the search language: every operator, filter and
 * error, and the promise that FTS5 never rejects what the parser makes.
 *
 * Each valid query's expression runs against a real in-memory FTS5 table
 * (the tokenizer and prefix indexes of the vault) and must match the rows
 * expected. The character table is checked against SQLite's own tokenizer
 * for every code point, and two randomised tests (a soup of nasty fragments
 * and a grammar that nests deeply) check that each query either fails
 * cleanly, pointing inside the query, or gives a well-formed expression
 * whose every phrase has a word, and that FTS5 runs without error.
 */
#include "config.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fvlimits.h"
#include "tap.h"
#include "util.h"
#include "vault_query.h"

static sqlite3 *db;
static sqlite3_stmt *match_stmt;
static fts5_tokenizer tokenizer;
static Fts5Tokenizer *tok;

/* Sentences from /work/shared/seeds, and the symbols researchers search. */
static const char *const rows[] = {
	/* 1 */ "Parties shall not require the transfer of, or access to, "
		"source code of software owned by a person of another Party.",
	/* 2 */ "Many, such as the Trans-Pacific Partnership Agreement, "
		"specifically address important issues such as data "
		"localization, encryption, censorship and transparency.",
	/* 3 */ "Some states have proposed to negotiate binding international "
		"norms on core-Internet issues like cross border data "
		"transfers, spam, data protection and e-signatures.",
	/* 4 */ "The adoption of a law guaranteeing net neutrality in Chile.",
	/* 5 */ "Communication from the United States, JOB/GC/178, on "
		"electronic commerce.",
	/* 6 */ "Consolidated negotiating text INF/ECOM/62 on electronic "
		"commerce.",
	/* 7 */ "Número de expediente 2024-001: respuesta parcial sobre el "
		"código fuente.",
	/* 8 */ "Ministerial Decision WT/MIN(17)/60 on the work programme.",
	/* 9 */ "Delegates asked whether near and or were operators here.",
	/* 10 */ "Contentious issues include intellectual property, encryption, "
		 "source codes, intermediary liability, network neutrality "
		 "and spam.",
};

static int ntokens;

static int
count_token(void *ctx, int flags, const char *t, int n, int start, int end)
{
	(void)ctx, (void)flags, (void)t, (void)n, (void)start, (void)end;
	ntokens++;
	return SQLITE_OK;
}

static int
tokens_in(const char *s, int n)
{
	ntokens = 0;
	tokenizer.xTokenize(tok, NULL, FTS5_TOKENIZE_QUERY, s, n, count_token);
	return ntokens;
}

static void
setup(void)
{
	const char *args[] = { "remove_diacritics", "2" };
	fts5_api *api = NULL;
	sqlite3_stmt *st;
	void *ud;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(text, "
			 "tokenize='unicode61 remove_diacritics 2', "
			 "prefix='2 3')", NULL, NULL, NULL) != SQLITE_OK)
		abort();
	sqlite3_prepare_v2(db, "INSERT INTO t(rowid, text) VALUES (?1, ?2)",
			   -1, &st, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		sqlite3_bind_int(st, 1, (int)i + 1);
		sqlite3_bind_text(st, 2, rows[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			abort();
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?1 "
			   "ORDER BY rowid", -1, &match_stmt, NULL);
	sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (api == NULL ||
	    api->xFindTokenizer(api, "unicode61", &ud, &tokenizer) != SQLITE_OK ||
	    tokenizer.xCreate(ud, args, 2, &tok) != SQLITE_OK)
		abort();
}

/*
 * Runs a MATCH expression (bound, as the store will): the matching rowids
 * as "1 5 7" into out, or -1 with SQLite's message in out.
 */
static int
run_match(const char *match, char *out, size_t size)
{
	size_t n = 0;
	int rc;

	out[0] = '\0';
	sqlite3_bind_text(match_stmt, 1, match, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(match_stmt)) == SQLITE_ROW)
		n += (size_t)snprintf(out + n, size - n, "%s%lld", n ? " " : "",
				      sqlite3_column_int64(match_stmt, 0));
	if (rc != SQLITE_DONE)
		snprintf(out, size, "%s", sqlite3_errmsg(db));
	sqlite3_reset(match_stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Whether a MATCH expression has only the shapes we promise: quoted
 * strings ('"' doubled inside, no control characters, at least one word
 * as FTS5 tokenizes it), '*' right after a closing quote, AND, OR, NOT,
 * parentheses and single spaces.
 */
static int
well_formed(const char *m)
{
	const char *p = m;
	int depth = 0;

	while (*p) {
		if (*p == ' ' || *p == '(' || *p == ')') {
			depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
			if (depth < 0)
				return 0;
			p++;
		} else if (strncmp(p, "AND ", 4) == 0 || strncmp(p, "NOT ", 4) == 0) {
			p += 4;
		} else if (strncmp(p, "OR ", 3) == 0) {
			p += 3;
		} else if (*p == '"') {
			char content[2048];
			size_t n = 0;

			for (p++;; p++) {
				if (*p == '\0' || n + 1 >= sizeof(content))
					return 0;
				if (*p == '"' && p[1] == '"') {
					content[n++] = '"';
					p++;
				} else if (*p == '"') {
					break;
				} else if ((unsigned char)*p < 0x20 || *p == 0x7f) {
					return 0;
				} else {
					content[n++] = *p;
				}
			}
			p++;
			if (*p == '*')
				p++;
			if (tokens_in(content, (int)n) == 0)
				return 0;
		} else {
			return 0;
		}
	}
	return depth == 0;
}

/* A valid query: its expression (if want_match), and the rows it finds. */
static void
valid(const char *query, const char *want_match, const char *want_rows)
{
	struct vault_query *q = NULL;
	struct vault_query_where where;
	struct error err = { "" };
	char got[1024];

	if (!ok(vault_query_parse(query, strlen(query), &q, &where, &err) == 0,
		"valid: %s", query)) {
		diag("error: %s", err.msg);
		return;
	}
	if (want_match)
		is_str(q->match, want_match, "  expression of %s", query);
	if (q->match == NULL) {
		ok(q->filters_only, "  %s lists by filters", query);
	} else {
		ok(well_formed(q->match), "  %s: well-formed expression", query);
		if (ok(run_match(q->match, got, sizeof(got)) == 0,
		       "  FTS5 accepts %s", q->match))
			is_str(got, want_rows, "  %s finds rows", query);
		else
			diag("sqlite: %s", got);
	}
	vault_query_free(q);
}

/* An invalid query: a message containing want_msg, at byte want_off. */
static void
invalid_n(const char *query, size_t len, const char *want_msg, size_t want_off)
{
	struct vault_query *q = NULL;
	struct vault_query_where where;
	struct error err = { "" };
	int rc = vault_query_parse(query, len, &q, &where, &err);

	if (!ok(rc < 0 && q == NULL, "refused: %.60s", query)) {
		diag("match: %s", q && q->match ? q->match : "(none)");
		vault_query_free(q);
		return;
	}
	if (!ok(strstr(err.msg, want_msg) != NULL, "  says '%s'", want_msg))
		diag("got: %s", err.msg);
	is_int(where.offset, want_off, "  at byte %zu", want_off);
}

static void
invalid(const char *query, const char *want_msg, size_t want_off)
{
	invalid_n(query, strlen(query), want_msg, want_off);
}

static struct vault_query *
parse_ok(const char *query)
{
	struct vault_query *q = NULL;
	struct error err = { "" };

	if (vault_query_parse(query, strlen(query), &q, NULL, &err) < 0)
		diag("%s: %s", query, err.msg);
	return q;
}

static void
test_words_and_operators(void)
{
	valid("source code", "\"source\" AND \"code\"", "1");
	valid("code", "\"code\"", "1");
	valid("\"source code\"", "\"source code\"", "1");
	valid("\"code source\"", "\"code source\"", "");
	valid("encryption OR neutrality", "\"encryption\" OR \"neutrality\"",
	      "2 4 10");
	valid("encryption AND spam", "\"encryption\" AND \"spam\"", "10");
	valid("spam data OR neutrality",
	      "(\"spam\" AND \"data\") OR \"neutrality\"", "3 4 10");
	valid("spam (data OR neutrality)",
	      "(\"data\" OR \"neutrality\") AND \"spam\"", "3 10");
	valid("encryption -spam", "\"encryption\" NOT \"spam\"", "2");
	valid("encryption NOT spam", "\"encryption\" NOT \"spam\"", "2");
	valid("encryption -\"intellectual property\"",
	      "\"encryption\" NOT \"intellectual property\"", "2");
	valid("commerce -(JOB/GC/178 OR INF/ECOM/62)",
	      "\"commerce\" NOT \"JOB/GC/178\" NOT \"INF/ECOM/62\"", "");
	valid("electronic -(commerce united)",
	      "\"electronic\" NOT (\"commerce\" AND \"united\")", "6");
	valid("data spam -(protection -encryption)",
	      "(\"data\" AND \"spam\") NOT (\"protection\" NOT \"encryption\")",
	      "");
	valid("issues -(-encryption -spam)",
	      "(\"encryption\" OR \"spam\") AND \"issues\"", "2 3 10");
	valid("NOT NOT spam", "\"spam\"", "3 10");
	valid("spam NOT -data", "\"spam\" AND \"data\"", "3");
	valid("spam (-data)", "\"spam\" NOT \"data\"", "10");
	valid("((((spam))))", "\"spam\"", "3 10");
	valid("a -b -c d OR e",
	      "((\"a\" AND \"d\") NOT \"b\" NOT \"c\") OR \"e\"", "3");
	valid("NOT(spam) encryption", "\"encryption\" NOT \"spam\"", "2");
	valid("spam OR(net neutrality)",
	      "(\"net\" AND \"neutrality\") OR \"spam\"", "3 4 10");
	valid("(spam) (encryption)", "\"spam\" AND \"encryption\"", "10");
	valid("source AND code AND software", NULL, "1");
	/* Prefixes: on words and on the last word of phrases. */
	valid("encrypt*", "\"encrypt\"*", "2 10");
	valid("neu*", "\"neu\"*", "4 10");
	valid("ne*", "\"ne\"*", "3 4 6 9 10");
	valid("\"source cod\"*", "\"source cod\"*", "1 10");
	valid("transfer** data", "\"transfer\"* AND \"data\"", "3");
	valid("spam -encrypt*", "\"spam\" NOT \"encrypt\"*", "3");
	/* Quotes inside phrases end the phrase: "a "b" c" is three terms. */
	valid("\"source code\" \"of \"software\" owned\"",
	      "\"source code\" AND \"of\" AND \"software\" AND \"owned\"", "1");
	valid("“source code”", "\"source code\"", "1");
	valid("„source code“", "\"source code\"", "1");
	valid("« source code »", "\"source code\"", "1");
	valid("\"\" spam", "\"spam\"", "3 10");
	valid("spam \"!!!\"", "\"spam\"", "3 10");
	/* Punctuation alone is not a word; it does not empty the query. */
	valid("spam — encryption", "\"spam\" AND \"encryption\"", "10");
	valid("spam - encryption", "\"spam\" AND \"encryption\"", "10");
	valid("spam () encryption", "\"spam\" AND \"encryption\"", "10");
	valid("spam OR !!!", "\"spam\"", "3 10");
	valid("spam ***", "\"spam\"", "3 10");
	valid("spam -!!!", "\"spam\"", "3 10");
	valid("--spam", "\"--spam\"", "3 10");
}

static void
test_keywords_symbols_accents(void)
{
	/* FTS5's keywords are searched as words, never obeyed. */
	valid("near", "\"near\"", "9");
	valid("NEAR", "\"NEAR\"", "9");
	valid("NEAR(whether operators)",
	      "\"NEAR\" AND \"whether\" AND \"operators\"", "9");
	valid("near and or", "\"near\" AND \"and\" AND \"or\"", "9");
	valid("not", "\"not\"", "1");
	valid("delegates -OR", "\"delegates\" NOT \"OR\"", "");
	valid("delegates -NOT", "\"delegates\" NOT \"NOT\"", "9");
	valid("OR*", "\"OR\"*", "1 9");
	valid("\"and OR were\"", "\"and OR were\"", "9");
	valid("^source", "\"^source\"", "1 10");
	valid("source+code", "\"source+code\"", "1");
	valid("text:spam", "\"text:spam\"", "");
	valid("{text}:spam", "\"{text}:spam\"", "");
	/* Symbols are phrases of their words. */
	valid("JOB/GC/178", "\"JOB/GC/178\"", "5");
	valid("job/gc/178", "\"job/gc/178\"", "5");
	valid("INF/ECOM/62", "\"INF/ECOM/62\"", "6");
	valid("WT/MIN(17)/60", "\"WT/MIN(17)/60\"", "8");
	valid("(WT/MIN(17)/60)", "\"WT/MIN(17)/60\"", "8");
	valid("2024-001", "\"2024-001\"", "7");
	valid("JOB/GC/17*", "\"JOB/GC/17\"*", "5");
	/* Case and accents fold, both ways. */
	valid("numero", "\"numero\"", "7");
	valid("Número", "\"Número\"", "7");
	valid("NUMERO", "\"NUMERO\"", "7");
	valid("núm*", "\"núm\"*", "7");
	valid("nume\xcc\x81ro", "\"nume\xcc\x81ro\"", "7");
	valid("codigo fuente", NULL, "7");
	valid("Note: spam", "\"Note:\" AND \"spam\"", "");
	valid("https://wto.org/JOB/GC/178", NULL, "");
	valid("Chile:", "\"Chile:\"", "4");
}

static void
test_errors(void)
{
	invalid("", "the query is empty", 0);
	invalid("   \t\n ", "the query is empty", 0);
	invalid("!!! ,,, ---", "no words to search for", 0);
	invalid("  ()  ", "no words to search for", 2);
	invalid("(spam", "the '(' at character 1 is never closed", 0);
	invalid("spam (data (neutrality)", "never closed", 5);
	invalid("spam)", "the ')' at character 5 has no matching '('", 4);
	invalid("spam data) (", "has no matching", 9);
	invalid("\"spam", "unterminated quote at character 1", 0);
	invalid("spam \"data", "unterminated quote at character 6", 5);
	invalid("a “b", "unterminated quote", 2);
	invalid("5\" screen", "unterminated quote", 1);
	invalid("spam OR", "OR at character 6 has nothing after it", 5);
	invalid("OR spam", "OR at character 1 has nothing before it", 0);
	invalid("spam OR OR data", "OR at character 6 has nothing after it", 5);
	invalid("(spam OR) data", "nothing after it", 6);
	invalid("(OR spam)", "nothing before it", 1);
	invalid("spam AND", "AND at character 6 has nothing after it", 5);
	invalid("AND spam", "AND at character 1 has nothing before it", 0);
	invalid("spam AND OR data", "AND at character 6", 5);
	invalid("spam NOT", "NOT at character 6 has nothing after it", 5);
	invalid("spam NOT)", "NOT at character 6", 5);
	invalid("NOT", "write it in lowercase", 0);
	invalid("-spam", "nothing to exclude from", 0);
	invalid("NOT spam", "exclusion at character 1", 0);
	invalid("-spam -data", "exclusion at character 1", 0);
	invalid("spam OR -data", "cannot be an alternative of OR", 8);
	invalid("spam OR NOT data", "alternative of OR (at character 9)", 8);
	invalid("spam (data OR -x)", "alternative of OR", 14);
	invalid("-(spam data)", "nothing to exclude from", 0);
	invalid("-(spam OR data)", "nothing to exclude from", 0);
	invalid("(-spam) OR data", "alternative of OR", 1);
	invalid("s*", "prefix too short at character 1", 0);
	invalid("spam \"data e\"*", "prefix too short at character 6", 5);
	invalid("JOB/G*", "prefix too short", 0);
	invalid("é*", "prefix too short", 0);
	invalid("f(x", "the '(' at character 2 is never closed", 1);
	invalid("spam (data \"x)", "unterminated quote at character 12", 11);
}

static void
test_filters(void)
{
	struct vault_query *q;

	q = parse_ok("issue:source-code jurisdiction:gb-sct lang:PT-br "
		     "type:PDF authority:\"Ministry of  Trade\" negotiation:wto-jsi "
		     "campaign:jsi-2019 request:FOI/2024-001 localisation");
	if (ok(q != NULL, "all filters parse")) {
		static const char *const want[][2] = {
			{ "issue", "source-code" }, { "jurisdiction", "GB-SCT" },
			{ "lang", "pt-br" }, { "type", "pdf" },
			{ "authority", "Ministry of Trade" },
			{ "negotiation", "wto-jsi" }, { "campaign", "jsi-2019" },
			{ "request", "FOI/2024-001" },
		};
		is_int(q->n_filters, ARRAY_SIZE(want), "  eight filters");
		for (size_t i = 0; i < ARRAY_SIZE(want) && i < q->n_filters; i++) {
			is_str(q->filters[i].name, want[i][0], "  filter %zu name", i);
			is_str(q->filters[i].value, want[i][1], "  filter %zu value", i);
		}
		ok(q->n_filters > 2 && q->filters[2].field == VAULT_QUERY_LANG,
		   "  fields are typed");
		is_str(q->match, "\"localisation\"", "  the text is apart");
		ok(!q->filters_only, "  not filters only");
	}
	vault_query_free(q);

	q = parse_ok("after:2019 before:2024-03");
	if (ok(q != NULL, "dates parse")) {
		ok(q->filters_only && q->match == NULL, "  filters only");
		is_str(q->filters[0].from, "2020-01-01", "  after:2019 is from 2020-01-01");
		is_str(q->filters[0].to, "", "  with an open end");
		is_str(q->filters[1].to, "2024-02-29", "  before:2024-03 is to 2024-02-29");
		is_str(q->filters[1].from, "", "  with an open start");
		is_str(q->date_from, "2020-01-01", "  the range starts 2020-01-01");
		is_str(q->date_to, "2024-02-29", "  and ends 2024-02-29");
		is_int(q->n_terms, 0, "  nothing to highlight");
	}
	vault_query_free(q);

	q = parse_ok("after:2023-02 after:2021 before:2023-12-31 before:2024 spam");
	if (ok(q != NULL, "several dates")) {
		is_str(q->filters[0].from, "2023-03-01", "  after:2023-02 is from March");
		is_str(q->filters[2].to, "2023-12-30", "  before:2023-12-31 is to the 30th");
		is_str(q->date_from, "2023-03-01", "  the latest start wins");
		is_str(q->date_to, "2023-12-30", "  the earliest end wins");
	}
	vault_query_free(q);

	q = parse_ok("after:2019-12-31 before:2020-01-02 BEFORE:2000-02-29");
	ok(q == NULL, "a range that ends before it starts is refused");
	vault_query_free(q);
	q = parse_ok("after:2019-12-31 before:2020-01-02");
	if (ok(q != NULL, "a one-day range"))
		ok(strcmp(q->date_from, "2020-01-01") == 0 &&
		   strcmp(q->date_to, "2020-01-01") == 0, "  is 2020-01-01");
	vault_query_free(q);
	q = parse_ok("after:1999-02 before:2000-03");
	if (ok(q != NULL, "month ends"))
		ok(strcmp(q->date_from, "1999-03-01") == 0 &&
		   strcmp(q->date_to, "2000-02-29") == 0, "  1999-03-01 to 2000-02-29 (a leap year)");
	vault_query_free(q);
	q = parse_ok("ISSUE:spam Jurisdiction:eu encryption");
	ok(q && q->n_filters == 2 && strcmp(q->filters[1].value, "EU") == 0,
	   "filter names ignore case");
	vault_query_free(q);

	valid("issue:spam", NULL, "");
	valid("issue:spam encryption", "\"encryption\"", "2 10");
	valid("issue:spam (encryption OR neutrality)",
	      "\"encryption\" OR \"neutrality\"", "2 4 10");
	valid("issue:spam encryption -censorship",
	      "\"encryption\" NOT \"censorship\"", "10");
	valid("issue:spam ()", NULL, "");
	valid("authority:\"Ministry\"*", NULL, "");
	valid("issue:a:b spam", "\"spam\"", "3 10");
	valid("issue:x\"spam\"", "\"spam\"", "3 10");
	valid("foo:bar:issue spam", "\"foo:bar:issue\" AND \"spam\"", "");

	invalid("issue:", "the filter issue: at character 1 has no value", 0);
	invalid("spam issue: data", "issue: at character 6 has no value", 5);
	invalid("issue:) spam", "has no value", 0);
	invalid("issue:\"\" spam", "has an empty value", 0);
	invalid("issue:\" \" spam", "has an empty value", 0);
	invalid("issue:(a b)", "takes one value", 6);
	invalid("authority:\"Ministry of", "unterminated quote at character 11", 10);
	invalid("issue:spam OR data", "cannot be combined with OR", 0);
	invalid("data OR spam issue:spam", "cannot be combined with OR", 13);
	invalid("(issue:spam data)", "inside parentheses", 1);
	invalid("-issue:spam data", "a filter cannot be excluded", 0);
	invalid("data NOT issue:spam", "cannot be excluded (at character 6)", 5);
	invalid("issue:spam -data", "nothing to exclude from", 11);
	invalid("jurisdiction:xyz", "expects a code such as GB", 13);
	invalid("jurisdiction:G1", "not 'G1'", 13);
	invalid("jurisdiction:GB-", "not 'GB-'", 13);
	invalid("jurisdiction:GB-ABCD", "jurisdiction:", 13);
	invalid("jurisdiction:GB-S!", "not 'GB-S!'", 13);
	invalid("type:abcdefghijklmnopqrstuvwxyz0123456", "document type", 5);
	invalid("lang:english", "expects a language code", 5);
	invalid("lang:e", "language code", 5);
	invalid("lang:pt-", "language code", 5);
	invalid("type:.pdf", "expects a document type", 5);
	invalid("type:\"two words\"", "document type", 6);
	invalid("after:yesterday", "expects a date as YYYY, YYYY-MM or "
		"YYYY-MM-DD", 6);
	invalid("after:2019-02-29", "not '2019-02-29'", 6);
	invalid("after:2019-13", "not '2019-13'", 6);
	invalid("after:2019-00", "not", 6);
	invalid("after:2019-1-5", "not", 6);
	invalid("after:0999", "not", 6);
	invalid("before:20190101", "not", 7);
	invalid("before:2019/01/01", "not", 7);
	invalid("before:-2019", "not", 7);
	invalid("after:9999", "after:9999 at character 1 leaves no date", 0);
	invalid("before:1000-01-01", "leaves no date", 0);
	invalid("after:2020 before:2019", "before:2019 at character 12 leaves "
		"no date", 11);
	invalid("before:2019 after:2020", "after:2020 at character 13", 12);
}

static void
test_terms(void)
{
	struct vault_query *q;

	/* Under an exclusion nothing is searched for, even -(c -x)'s x. */
	q = parse_ok("data -spam (\"source code\" OR encrypt*) -(a OR b) "
		     "-(c -localisation) NOT NOT transfer");
	if (ok(q != NULL, "highlight list")) {
		static const char *const want[] = {
			"data", "source code", "encrypt", "transfer",
		};
		is_int(q->n_terms, ARRAY_SIZE(want), "  four searched terms, "
		       "in the order typed");
		for (size_t i = 0; i < ARRAY_SIZE(want) && i < q->n_terms; i++)
			is_str(q->terms[i].text, want[i], "  term %zu", i);
		ok(q->n_terms == 4 && q->terms[1].phrase && !q->terms[1].prefix &&
		   q->terms[2].prefix && !q->terms[2].phrase &&
		   !q->terms[0].phrase, "  with phrase and prefix flags");
	}
	vault_query_free(q);
	q = parse_ok("\"a\tb\x01" "c\" d");
	ok(q && q->n_terms == 2 && strcmp(q->terms[0].text, "a b c") == 0,
	   "control characters in a phrase become spaces");
	vault_query_free(q);
}

static void
test_control_and_utf8(void)
{
	struct vault_query *q = NULL;
	struct vault_query_where where;
	struct error err;
	static const char nul_query[] = "spam\0data";

	valid("spam\tdata\r\nprotection", "\"spam\" AND \"data\" AND \"protection\"",
	      "3");
	valid("spam\x01" "data", "\"spam\" AND \"data\"", "3");
	valid("spam\x7f" "OR\x1b" "neutrality", "\"spam\" OR \"neutrality\"",
	      "3 4 10");
	valid("spam\xc2\xa0OR\xe2\x80\x83neutrality", "\"spam\" OR \"neutrality\"",
	      "3 4 10");
	valid("\xef\xbb\xbfspam", "\"spam\"", "3 10");
	valid("spam\xe2\x80\x8b-data", "\"spam\" NOT \"data\"", "10");
	ok(vault_query_parse(nul_query, sizeof(nul_query) - 1, &q, NULL, &err) == 0 &&
	   strcmp(q->match, "\"spam\" AND \"data\"") == 0,
	   "a NUL byte is a space, and the expression has none");
	vault_query_free(q);
	q = NULL;
	invalid_n("\0\0\0", 3, "the query is empty", 0);
	invalid("spam \xff", "not valid UTF-8 at character 6", 5);
	invalid("\xc3", "not valid UTF-8 at character 1", 0);
	invalid("spam \xc0\xaf", "not valid UTF-8", 5);          /* overlong '/' */
	invalid("ab \xed\xa0\x80", "not valid UTF-8", 3);        /* surrogate */
	invalid("ab \xf4\x90\x80\x80", "not valid UTF-8", 3);    /* > U+10FFFF */
	invalid("Número \xe2\x82", "not valid UTF-8 at character 8", 8);
	ok(vault_query_parse(NULL, 0, &q, &where, &err) < 0 && q == NULL,
	   "a NULL query is an empty one: %s", err.msg);
	ok(vault_query_parse("spam", 4, &q, NULL, NULL) == 0 && q != NULL,
	   "where and err may be NULL");
	vault_query_free(q);
	vault_query_free(NULL);
}

/* The character of the snippet the caret points at. */
static const char *
at_caret(const struct vault_query_where *w)
{
	const char *c = w->snippet;

	for (size_t chars = 0; *c; c++) {
		if (((unsigned char)*c & 0xc0) != 0x80 && chars++ == w->caret)
			break;
	}
	return c;
}

static void
test_where(void)
{
	struct vault_query *q = NULL;
	struct vault_query_where w;
	struct error err;
	char query[FV_MAX_QUERY_BYTES + 8];

	ok(vault_query_parse("spam (data", 10, &q, &w, &err) < 0 &&
	   w.offset == 5 && w.column == 5 && w.caret == 5 &&
	   strcmp(w.snippet, "spam (data") == 0, "a short query is its own snippet");
	ok(vault_query_parse("Número (data", 13, &q, &w, &err) < 0 &&
	   w.offset == 8 && w.column == 7 && w.caret == 7,
	   "columns count characters, offsets bytes");
	ok(strstr(err.msg, "character 8") != NULL, "  the message counts from 1: %s",
	   err.msg);

	memset(query, 0, sizeof(query));
	for (size_t i = 0; i < 60; i++)
		memcpy(query + 5 * i, "data ", 5);
	memcpy(query + 300, "\"open ", 6);
	memcpy(query + 306, "data data data data data data data data", 39);
	ok(vault_query_parse(query, strlen(query), &q, &w, &err) < 0,
	   "an error far into a long query");
	ok(w.offset == 300 && *at_caret(&w) == '"' && strncmp(w.snippet, "...", 3) == 0 &&
	   strlen(w.snippet) < 70 && strcmp(w.snippet + strlen(w.snippet) - 3, "...") == 0,
	   "  the snippet is cut around it, the caret under the quote: '%s'",
	   w.snippet);

	ok(vault_query_parse("a\x01\xe2\x80\xae" "b (", 8, &q, &w, &err) < 0 &&
	   strcmp(w.snippet, "a  b (") == 0 && w.caret == 5,
	   "controls and bidi overrides are blanked in the snippet");
	memset(query, 'x', FV_MAX_QUERY_BYTES + 1);
	memcpy(query + 990, "\xe2\x82\xe2\x82", 4);
	ok(vault_query_parse(query, FV_MAX_QUERY_BYTES + 1, &q, &w, &err) < 0 &&
	   w.offset == 1000 && w.column == 1000 && w.caret == 28 &&
	   strcmp(at_caret(&w), "x") == 0 &&
	   strstr(w.snippet, "x\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx"),
	   "broken bytes before the caret count one character each: '%s'",
	   w.snippet);
	ok(vault_query_parse("ab \xff (", 6, &q, &w, &err) < 0 &&
	   strcmp(w.snippet, "ab \xef\xbf\xbd (") == 0 && w.caret == 3,
	   "an invalid byte shows as U+FFFD");
}

/*
 * Builds a query nesting open/close (one level each; %d stands for the
 * level's number) to FV_MAX_QUERY_DEPTH, and checks that FTS5 runs it with
 * stack to spare.
 */
static void
test_headroom(const char *open, const char *close)
{
	struct vault_query *q = NULL;
	struct error err = { "" };
	char rows_found[256];
	struct buf b, m;
	int depth = 0, spare = 0, levels = 0;

	buf_init(&b, 8192);
	for (const char *c = open; *c; c++)
		depth += *c == '(';
	for (; (levels + 1) * depth <= FV_MAX_QUERY_DEPTH; levels++)
		for (const char *c = open; *c; c++) {
			if (c[0] == '%' && c[1] == 'd')
				buf_printf(&b, "%d", levels), c++;
			else
				buf_add(&b, c, 1);
		}
	buf_addstr(&b, "spam");
	for (int i = 0; i < levels; i++)
		buf_addstr(&b, close);
	if (!ok(vault_query_parse(b.data, b.len, &q, NULL, &err) == 0,
		"%d levels of '%s...%s' parse", levels, open, close)) {
		diag("%s", err.msg);
		buf_release(&b);
		return;
	}
	for (;; spare++) {
		buf_init(&m, 1 << 16);
		for (int i = 0; i < spare; i++)
			buf_addstr(&m, "\"x\" AND (");
		buf_addstr(&m, q->match);
		for (int i = 0; i < spare; i++)
			buf_addstr(&m, ")");
		if (run_match(m.data, rows_found, sizeof(rows_found)) < 0) {
			buf_release(&m);
			break;
		}
		buf_release(&m);
	}
	ok(spare >= 10, "  FTS5 runs it, with %d levels (%d entries) of its "
	   "parser stack to spare", spare, 3 * spare);
	vault_query_free(q);
	buf_release(&b);
}

static void
test_limits(void)
{
	struct buf b;
	char *s;

	/* Bytes. */
	buf_init(&b, 4096);
	for (int i = 0; i < FV_MAX_QUERY_TERMS; i++)
		buf_addstr(&b, i % 2 ? "data " : "spam ");
	while (b.len < FV_MAX_QUERY_BYTES)
		buf_addstr(&b, " ");
	is_int(b.len, FV_MAX_QUERY_BYTES, "a query of %d bytes", FV_MAX_QUERY_BYTES);
	valid(b.data, NULL, "3");
	buf_addstr(&b, "x");
	invalid(b.data, "the query is too long: 1001 bytes, the limit is 1000",
		FV_MAX_QUERY_BYTES);
	buf_release(&b);

	/* Words. */
	buf_init(&b, 4096);
	for (int i = 0; i < FV_MAX_QUERY_TERMS; i++)
		buf_printf(&b, "%sw%d", i ? " OR " : "", i);
	valid(b.data, NULL, "");
	s = xasprintf("%s w", b.data);
	invalid(s, "too many words", strlen(s) - 1);
	free(s);
	buf_release(&b);
	buf_init(&b, 4096);
	for (int i = 0; i < FV_MAX_QUERY_TERMS; i++)
		buf_printf(&b, "%s\"spam %d\"", i ? " -" : "", i);
	valid(b.data, NULL, "");
	buf_release(&b);

	/* Depth. */
	buf_init(&b, 4096);
	for (int i = 0; i < FV_MAX_QUERY_DEPTH; i++)
		buf_addstr(&b, "(");
	buf_addstr(&b, "spam");
	for (int i = 0; i < FV_MAX_QUERY_DEPTH; i++)
		buf_addstr(&b, ")");
	valid(b.data, "\"spam\"", "3 10");
	s = xasprintf("(%s)", b.data);
	invalid(s, "parentheses nested too deeply", FV_MAX_QUERY_DEPTH);
	free(s);
	buf_release(&b);

	/* Exclusions nested to the limit: 3 parser entries a level. */
	buf_init(&b, 4096);
	for (int i = 0; i < FV_MAX_QUERY_DEPTH; i++)
		buf_printf(&b, "w%d -(", i);
	buf_addstr(&b, "spam");
	for (int i = 0; i < FV_MAX_QUERY_DEPTH; i++)
		buf_addstr(&b, ")");
	valid(b.data, NULL, "");
	buf_release(&b);
	buf_init(&b, 4096);
	for (int i = 0; i < FV_MAX_QUERY_DEPTH; i++)
		buf_printf(&b, "x%d OR (y%d (", i, i);
	buf_addstr(&b, "spam");
	for (int i = 0; i < FV_MAX_QUERY_DEPTH; i++)
		buf_addstr(&b, "))");
	s = buf_detach(&b, NULL);
	{
		/* 32 levels of parentheses: refused as too deep, at the 17th. */
		invalid(s, "nested too deeply", strstr(s, "x8 OR (") - s + 6);
	}
	free(s);

	/*
	 * The costliest shapes at the depth limit, each checked for how much of
	 * FTS5's parser stack it leaves: wrapped in k more levels of
	 * "x" AND (...), 3 entries each, until FTS5 refuses.
	 */
	{
		static const char *const shapes[][2] = {
			{ "w%d -(", ")" },
			{ "w%d -(a%d OR c%d ", ")" },
			{ "w%d (v%d OR (u%d -(", ")))" },
			{ "w%d -(v%d (u%d OR (", ")))" },
			{ "w%d x%d (v%d OR u%d -z%d (", "))" },
		};

		for (size_t k = 0; k < ARRAY_SIZE(shapes); k++)
			test_headroom(shapes[k][0], shapes[k][1]);
	}

	/* Filters. */
	buf_init(&b, 4096);
	for (int i = 0; i < FV_MAX_QUERY_FILTERS; i++)
		buf_printf(&b, "issue:i%d ", i);
	valid(b.data, NULL, "");
	buf_addstr(&b, "issue:last");
	invalid(b.data, "too many filters", b.len - 10);
	buf_release(&b);
	buf_init(&b, 4096);
	buf_addstr(&b, "authority:\"");
	for (int i = 0; i < FV_MAX_QUERY_FILTER_VALUE; i++)
		buf_addstr(&b, "m");
	buf_addstr(&b, "\"");
	valid(b.data, NULL, "");
	buf_reset(&b);
	buf_addstr(&b, "authority:");
	for (int i = 0; i <= FV_MAX_QUERY_FILTER_VALUE; i++)
		buf_addstr(&b, "m");
	invalid(b.data, "longer than 200 bytes", 10);
	buf_release(&b);

	/* A long word, a long phrase. */
	s = xmalloc(FV_MAX_QUERY_BYTES + 1);
	memset(s, 'x', FV_MAX_QUERY_BYTES);
	s[FV_MAX_QUERY_BYTES] = '\0';
	valid(s, NULL, "");
	s[0] = s[FV_MAX_QUERY_BYTES - 1] = '"';
	valid(s, NULL, "");
	s[FV_MAX_QUERY_BYTES - 1] = '*';
	invalid(s, "unterminated quote", 0);
	memset(s, '(', FV_MAX_QUERY_BYTES);
	invalid(s, "nested too deeply", FV_MAX_QUERY_DEPTH);
	memset(s, '-', FV_MAX_QUERY_BYTES);
	invalid(s, "no words", 0);
	memset(s, '"', FV_MAX_QUERY_BYTES);
	invalid(s, "no words", 0);
	for (size_t i = 0; i + 4 <= FV_MAX_QUERY_BYTES; i += 4)
		memcpy(s + i, "NOT ", 4);
	invalid(s, "NOT at character 997 has nothing after it", 996);
	free(s);
}

static int
encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 63));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 63));
		out[2] = (char)(0x80 | (cp & 63));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 63));
	out[2] = (char)(0x80 | ((cp >> 6) & 63));
	out[3] = (char)(0x80 | (cp & 63));
	return 4;
}

/*
 * The parser's idea of a word character must be FTS5's, for every code
 * point: a one-character query is a word exactly when FTS5 finds a token
 * in it, and "a<c>b*" is a 2-letter prefix exactly when FTS5 reads one
 * token there (c joins words).
 */
static void
test_word_chars(void)
{
	size_t wrong = 0, joiners = 0, checked = 0;
	int64_t t0 = now_usec();

	for (uint32_t cp = 1; cp <= 0x10ffff; cp++) {
		char s[8];
		int n, fts, ours;
		struct vault_query *q = NULL;

		if ((cp >= 0xd800 && cp <= 0xdfff) || strchr("\"()-*:", (int)cp) ||
		    cp == 0xab || cp == 0xbb || (cp >= 0x201c && cp <= 0x201e))
			continue;
		n = encode(cp, s);
		fts = tokens_in(s, n) > 0;
		ours = vault_query_parse(s, (size_t)n, &q, NULL, NULL) == 0;
		vault_query_free(q);
		checked++;
		if (fts != ours && wrong++ < 5)
			diag("U+%04X: FTS5 %d, parser %d", (unsigned)cp, fts, ours);
		if (!fts && !ours) {
			s[0] = 'a';
			n = encode(cp, s + 1) + 1;
			s[n++] = 'b';
			fts = tokens_in(s, n) == 1;
			s[n++] = '*';
			q = NULL;
			ours = vault_query_parse(s, (size_t)n, &q, NULL, NULL) == 0;
			vault_query_free(q);
			joiners += fts;
			if (fts != ours && wrong++ < 5)
				diag("U+%04X joins: FTS5 %d, parser %d",
				     (unsigned)cp, fts, ours);
		}
	}
	is_int(wrong, 0, "word characters agree with SQLite %s's tokenizer for "
	       "%zu code points (%zu join words) in %.1f s", sqlite3_libversion(),
	       checked, joiners, (double)(now_usec() - t0) / 1e6);
}

/* ---- randomised ---------------------------------------------------------- */

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/*
 * Checks one parse: a clean error inside the string, or an expression that
 * is well formed and that FTS5 runs. Returns 1 if it held.
 */
static int
property(const char *s, size_t len, int *ret_valid)
{
	struct vault_query *q = NULL;
	struct vault_query_where w;
	struct error err = { "" };
	char rows_found[1024];
	int held = 1;

	memset(&w, 0xa5, sizeof(w));
	*ret_valid = 0;
	if (vault_query_parse(s, len, &q, &w, &err) < 0) {
		held = q == NULL && err.msg[0] != '\0' && w.offset <= len &&
		       w.column <= w.offset && strlen(w.snippet) < sizeof(w.snippet) &&
		       utf8_valid(w.snippet, strlen(w.snippet)) &&
		       strstr(err.msg, "internal") == NULL;
		if (!held)
			diag("bad error for '%.*s': '%s' at %zu", (int)len, s,
			     err.msg, w.offset);
		return held;
	}
	*ret_valid = 1;
	if ((q->match == NULL) != (q->filters_only != 0)) {
		diag("match and filters_only disagree for '%.*s'", (int)len, s);
		held = 0;
	} else if (q->match && !well_formed(q->match)) {
		diag("ill-formed '%s' from '%.*s'", q->match, (int)len, s);
		held = 0;
	} else if (q->match && run_match(q->match, rows_found,
					 sizeof(rows_found)) < 0) {
		diag("FTS5 refused '%s' from '%.*s': %s", q->match, (int)len, s,
		     rows_found);
		held = 0;
	}
	for (size_t i = 0; held && i < q->n_terms; i++)
		held = tokens_in(q->terms[i].text, (int)strlen(q->terms[i].text)) > 0;
	vault_query_free(q);
	return held;
}

static const char *const fragments[] = {
	"\"", "\"", "(", "(", ")", ")", "*", "-", "-", ":", " ", " ", " ",
	"OR", "OR", "AND", "NOT", "NOT", "NEAR", "near", "and", "or", "not",
	"spam", "data", "source", "code", "so", "s", "e", "encrypt", "x",
	"issue:", "issue:spam", "after:", "after:2019", "before:2019-02-29",
	"before:2024-02-29", "jurisdiction:GB", "lang:xx", "type:pdf",
	"authority:\"Min", "request:", "Note:", "JOB/GC/178", "WT/MIN(17)/60",
	"2024-001", "Número", "e\xcc\x81", "\xcc\x81", "\x00", "\x01", "\t",
	"\n", "\x7f", "\xc2\x85", "\xe2\x80\x94", "\xe2\x80\x8b",
	"\xc2\xa0", "\xe2\x80\xae", "“", "”", "«", "»", "^", "+", "{", "}",
	",", "!", "'", "x*", "so*", "\"\"", "\"a\"", "$", "\xf0\x9f\x98\x80",
	"\xe4\xb8\xad\xe6\x96\x87", "-(", "NOT(", "OR(", "((", "))", "\\",
	"%", ";", "'--", "NEAR(", "col:", "\"\"\"", "*)", "**", ")(",
	/* Invalid UTF-8 last: only every fourth query draws from these. */
	"\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xc0\xaf",
};

#define INVALID_FRAGMENTS 5

static void
test_random_fragments(void)
{
	char s[FV_MAX_QUERY_BYTES + 64];
	int failures = 0, n_valid = 0, total = 4000;
	int64_t t0 = now_usec();

	for (int i = 0; i < total; i++) {
		size_t len = 0;
		int parts = 1 + (int)rnd(i % 10 == 0 ? 200 : 20);
		uint32_t pool = ARRAY_SIZE(fragments) -
				(i % 4 ? INVALID_FRAGMENTS : 0);
		int v;

		for (int k = 0; k < parts; k++) {
			const char *f = fragments[rnd(pool)];
			size_t n = f[0] ? strlen(f) : 1; /* "\x00" is one byte */

			if (len + n + 1 > sizeof(s))
				break;
			memcpy(s + len, f, n);
			len += n;
			if (rnd(3) == 0)
				s[len++] = ' ';
		}
		if (!property(s, len, &v))
			failures++;
		n_valid += v;
	}
	is_int(failures, 0, "%d random queries of nasty fragments (%d valid): "
	       "clean errors or expressions FTS5 runs (%.1f s)", total, n_valid,
	       (double)(now_usec() - t0) / 1e6);
	ok(n_valid > total / 10 && n_valid < total * 9 / 10,
	   "  both outcomes are well represented");
}

/* A random query from the grammar, nesting up to depth. */
static void
gen(struct buf *b, int depth)
{
	static const char *const leaves[] = {
		"spam", "data", "\"source code\"", "encrypt*", "JOB/GC/178",
		"Número", "neutrality", "and", "near", "issues", "\"!!!\"",
	};

	switch (depth > 0 ? rnd(9) : rnd(2)) {
	case 0:
	case 1:
		buf_addstr(b, leaves[rnd(ARRAY_SIZE(leaves))]);
		break;
	case 2:
		buf_addstr(b, rnd(2) ? "-" : "NOT ");
		gen(b, depth - 1);
		break;
	case 3:
	case 4:
		buf_addstr(b, rnd(3) ? "(" : "-(");
		gen(b, depth - 1);
		buf_addstr(b, ")");
		break;
	case 5:
	case 6:
		gen(b, depth - 1);
		buf_addstr(b, rnd(4) ? " " : " AND ");
		gen(b, depth - 1);
		break;
	default:
		gen(b, depth - 1);
		buf_addstr(b, " OR ");
		gen(b, depth - 1);
		break;
	}
}

static void
test_random_grammar(void)
{
	int failures = 0, n_valid = 0, total = 3000;
	int64_t t0 = now_usec();
	struct buf b;

	for (int i = 0; i < total; i++) {
		int v;

		buf_init(&b, 1 << 20);
		if (rnd(4) == 0)
			buf_addstr(&b, "issue:spam after:2019 ");
		gen(&b, 4 + (int)rnd(24));
		if (b.len <= FV_MAX_QUERY_BYTES) {
			if (!property(b.data, b.len, &v))
				failures++;
			n_valid += v;
		} else {
			i--; /* too long: draw again */
		}
		buf_release(&b);
	}
	is_int(failures, 0, "%d random queries from the grammar (%d valid): "
	       "clean errors or expressions FTS5 runs (%.1f s)", total, n_valid,
	       (double)(now_usec() - t0) / 1e6);
	ok(n_valid > total / 4, "  most of them are valid");
}

int
main(void)
{
	setup();
	test_words_and_operators();
	test_keywords_symbols_accents();
	test_errors();
	test_filters();
	test_terms();
	test_control_and_utf8();
	test_where();
	test_limits();
	test_word_chars();
	test_random_fragments();
	test_random_grammar();
	sqlite3_finalize(match_stmt);
	tokenizer.xDelete(tok);
	sqlite3_close(db);
	return done_testing();
}
