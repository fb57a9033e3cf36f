/*
 * vault_query.c - see vault_query.h; the language is described for users in
 * docs/search.md.
 *
 * Three stages. The lexer cuts the bytes into tokens: '(' and ')', the
 * uppercase keywords OR, AND and NOT, a '-' that excludes what follows,
 * words, quoted phrases and filters (name:value). The parser, a recursive
 * descent over
 *
 *     query   = or-expr
 *     or-expr = and-expr { "OR" and-expr }
 *     and-expr= unary { ["AND"] unary }
 *     unary   = { "-" | "NOT" } primary
 *     primary = word | phrase | filter | "(" or-expr ")"
 *
 * builds a tree of terms, AND and OR nodes, each with an "excluded" flag,
 * and sets filters aside (they must stand at the top level). While it
 * builds, it simplifies: an AND inside an AND and an OR inside an OR merge,
 * a double exclusion cancels, an excluded OR becomes a list of exclusions
 * (-(a OR b) is -a -b). The emitter then writes the FTS5 expression.
 *
 * Invariants of the output, each of which FTS5 needs:
 * - Every string is double-quoted and contains at least one character that
 *   FTS5's tokenizer keeps in a word (vault_query_chars.h, generated from
 *   SQLite's own tokenizer): FTS5 turns an empty phrase into "match
 *   nothing", which would silently empty a whole AND. No string contains a
 *   control character; a '"' would be doubled (the lexer never lets one in).
 * - FTS5's NOT is binary, so every exclusion is written as "P NOT N" with a
 *   positive P from the same AND; a query, group or OR alternative made of
 *   exclusions alone is an error.
 * - FTS5's parser has a fixed stack (100 entries in SQLite 3.40); the
 *   emitter computes what the expression needs (cost below), orders
 *   AND/OR operands so that the costliest comes first, and refuses past
 *   FV_MAX_QUERY_FTS5_COST.
 *
 * Ownership: the parser allocates tree nodes on a list it frees at the end;
 * the struct vault_query it returns owns all its strings.
 */
#include "config.h"

#include "vault_query.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fvlimits.h"
#include "vault_query_chars.h"

/* ---- characters --------------------------------------------------------- */

/* Decodes the UTF-8 character at s[i]: its length, or 0 if invalid. */
static size_t
utf8_decode(const char *str, size_t len, size_t i, uint32_t *ret_cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[i];
	size_t need;
	uint32_t cp;

	if (c < 0x80) {
		*ret_cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		need = 1;
		cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		need = 2;
		cp = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		need = 3;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len - i <= need)
		return 0;
	for (size_t k = 1; k <= need; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i + k] & 0x3f);
	}
	if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) ||
	    (need == 3 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*ret_cp = cp;
	return need + 1;
}

static int
in_ranges(uint32_t cp, const uint32_t (*r)[2], size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < r[mid][0])
			hi = mid;
		else if (cp > r[mid][1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* A character FTS5's tokenizer keeps in a word (a letter, digit, ...). */
static int
is_word_char(uint32_t cp)
{
	return in_ranges(cp, query_word_chars, ARRAY_SIZE(query_word_chars));
}

/* A diacritic that FTS5 keeps inside a word but that cannot start one. */
static int
is_joiner(uint32_t cp)
{
	return in_ranges(cp, query_joiner_chars, ARRAY_SIZE(query_joiner_chars));
}

/* A control character: replaced by a space everywhere. */
static int
is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/*
 * What separates words and operators: spaces, control characters, the
 * Unicode spaces, and the invisible ones (zero-width space, BOM), so that
 * a query pasted from a PDF splits where it looks split.
 */
static int
is_space(uint32_t cp)
{
	return cp == ' ' || is_control(cp) || cp == 0xa0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200b) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
	       cp == 0x3000 || cp == 0xfeff;
}

/* Quote marks that open and close a phrase; any of them closes any. */
static int
is_quote(uint32_t cp)
{
	return cp == '"' || cp == 0xab || cp == 0xbb || cp == 0x201c ||
	       cp == 0x201d || cp == 0x201e;
}

/* Characters that would disturb a one-line snippet on a terminal. */
static int
is_unprintable(uint32_t cp)
{
	return is_space(cp) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f;
}

/*
 * Counts the words FTS5 will see in s[0..n) and the characters of the
 * last one (diacritics that join a word do not count: FTS5 removes them).
 */
static void
count_words(const char *s, size_t n, size_t *ret_words, size_t *ret_last)
{
	size_t words = 0, cur = 0;
	int in_word = 0;

	for (size_t i = 0; i < n;) {
		uint32_t cp = '?';
		size_t k = utf8_decode(s, n, i, &cp);

		i += k ? k : 1;
		if (is_word_char(cp)) {
			if (!in_word) {
				words++;
				cur = 0;
				in_word = 1;
			}
			cur++;
		} else if (!(in_word && is_joiner(cp))) {
			in_word = 0;
		}
	}
	*ret_words = words;
	*ret_last = words ? cur : 0;
}

/* ---- the parser's state ------------------------------------------------- */

enum tok_kind {
	T_EOF,
	T_LPAREN,
	T_RPAREN,
	T_OR,
	T_AND,
	T_NOT,
	T_MINUS,
	T_WORD,
	T_PHRASE,
	T_FILTER,
};

enum shape {
	SHAPE_TEXT,
	SHAPE_JURISDICTION,
	SHAPE_LANG,
	SHAPE_TYPE,
	SHAPE_DATE,
};

struct field_def {
	const char *name;
	enum vault_query_field field;
	enum shape shape;
};

static const struct field_def fields[] = {
	{ "negotiation", VAULT_QUERY_NEGOTIATION, SHAPE_TEXT },
	{ "issue", VAULT_QUERY_ISSUE, SHAPE_TEXT },
	{ "jurisdiction", VAULT_QUERY_JURISDICTION, SHAPE_JURISDICTION },
	{ "authority", VAULT_QUERY_AUTHORITY, SHAPE_TEXT },
	{ "campaign", VAULT_QUERY_CAMPAIGN, SHAPE_TEXT },
	{ "request", VAULT_QUERY_REQUEST, SHAPE_TEXT },
	{ "type", VAULT_QUERY_TYPE, SHAPE_TYPE },
	{ "lang", VAULT_QUERY_LANG, SHAPE_LANG },
	{ "after", VAULT_QUERY_AFTER, SHAPE_DATE },
	{ "before", VAULT_QUERY_BEFORE, SHAPE_DATE },
};

struct token {
	enum tok_kind kind;
	size_t off;                   /* first byte */
	size_t a, b;                  /* word, phrase or filter value bytes */
	int prefix;                   /* word or phrase followed by '*' */
	const struct field_def *field;
};

enum node_kind { N_TERM, N_AND, N_OR };

struct node {
	enum node_kind kind;
	int neg;                 /* excluded */
	size_t off;              /* where it starts in the query */
	size_t neg_off;          /* where its '-' or NOT is, when neg */
	char *text;              /* N_TERM */
	int phrase, prefix;      /* N_TERM */
	struct node **kids;      /* N_AND, N_OR */
	size_t n_kids;
	int cost;                /* FTS5 parser stack entries, see prepare() */
	struct node *next_alloc;
};

struct parser {
	const char *s;
	size_t len;
	size_t pos;              /* the lexer's position */
	struct token tok;        /* the lookahead, when have_tok */
	int have_tok;
	int after_minus;         /* the next word cannot be a keyword */
	int depth;
	size_t n_terms;
	int top_or;              /* an OR outside parentheses ... */
	int any_filter;          /* ... cannot go with a filter */
	size_t first_filter_off;
	struct node *nodes;
	struct vault_query *q;
	struct vault_query_where *where;
	struct error *err;
};

/* ---- errors ------------------------------------------------------------- */

/*
 * Characters (from 0) before byte off; each invalid byte counts as one, as
 * fill_where() shows it.
 */
static size_t
column_of(const struct parser *p, size_t off)
{
	size_t col = 0;

	for (size_t i = 0; i < off && i < p->len; col++) {
		uint32_t cp;
		size_t k = utf8_decode(p->s, p->len, i, &cp);

		i += k ? k : 1;
	}
	return col;
}

/* The 1-based character number of byte off, for messages. */
static size_t
charno(const struct parser *p, size_t off)
{
	return column_of(p, off) + 1;
}

#define SNIPPET_BEFORE 25
#define SNIPPET_AFTER 25

static void
fill_where(const struct parser *p, size_t off, struct vault_query_where *w)
{
	size_t first, col = 0, n = 0, i = 0;
	char *out = w->snippet;

	if (off > p->len)
		off = p->len;
	w->offset = off;
	w->column = column_of(p, off);
	first = w->column > SNIPPET_BEFORE ? w->column - SNIPPET_BEFORE : 0;
	w->caret = w->column - first;
	if (first > 0) {
		memcpy(out + n, "...", 3);
		n += 3;
		w->caret += 3;
	}
	while (i < p->len) {
		uint32_t cp = 0xfffd;
		size_t k = utf8_decode(p->s, p->len, i, &cp);

		if (k == 0) {
			cp = 0xfffd; /* shown as the replacement character */
			k = 1;
		}
		if (col >= first + SNIPPET_BEFORE + SNIPPET_AFTER) {
			memcpy(out + n, "...", 3);
			n += 3;
			break;
		}
		if (col >= first) {
			if (is_unprintable(cp)) {
				out[n++] = ' ';
			} else if (cp == 0xfffd && k == 1) {
				memcpy(out + n, "\xef\xbf\xbd", 3);
				n += 3;
			} else {
				memcpy(out + n, p->s + i, k);
				n += k;
			}
		}
		i += k;
		col++;
	}
	out[n] = '\0';
}

/* Sets the error message and where it happened; returns -1. */
static int PRINTF_LIKE(3, 4)
fail(struct parser *p, size_t off, const char *fmt, ...)
{
	va_list ap;

	if (p->err) {
		va_start(ap, fmt);
		vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
		va_end(ap);
	}
	if (p->where)
		fill_where(p, off, p->where);
	return -1;
}

/*
 * A copy of s[a..b) for a message or a value: spaces and control characters
 * become one ' ', leading and trailing ones go; at most max bytes, cut on a
 * character boundary (the input is valid UTF-8 by then).
 */
static char *
clean_copy(const char *s, size_t a, size_t b, size_t max)
{
	char *out = xmalloc(b - a + 1);
	size_t n = 0;
	int space = 0;

	for (size_t i = a; i < b;) {
		uint32_t cp = '?';
		size_t k = utf8_decode(s, b, i, &cp);

		if (k == 0)
			k = 1;
		if (is_space(cp)) {
			space = 1;
		} else {
			if (space && n > 0)
				out[n++] = ' ';
			space = 0;
			if (n + k > max)
				break;
			memcpy(out + n, s + i, k);
			n += k;
		}
		i += k;
	}
	out[n] = '\0';
	return out;
}

/* ---- the lexer ---------------------------------------------------------- */

static uint32_t
cp_at(const struct parser *p, size_t i, size_t *ret_len)
{
	uint32_t cp = 0;
	size_t k = utf8_decode(p->s, p->len, i, &cp);

	*ret_len = k ? k : 1; /* cannot happen: the input was validated */
	return cp;
}

static void
skip_spaces(struct parser *p)
{
	while (p->pos < p->len) {
		size_t k;

		if (!is_space(cp_at(p, p->pos, &k)))
			break;
		p->pos += k;
	}
}

/* The offset of the next quote mark at or after i, or len. */
static size_t
find_quote(const struct parser *p, size_t i)
{
	while (i < p->len) {
		size_t k;

		if (is_quote(cp_at(p, i, &k)))
			return i;
		i += k;
	}
	return p->len;
}

/*
 * Whether the '(' at i is closed inside the same word (before a space or
 * a quote), as in WT/MIN(17)/60; then it belongs to the word.
 */
static int
closes_in_word(const struct parser *p, size_t i)
{
	int depth = 0;

	while (i < p->len) {
		size_t k;
		uint32_t cp = cp_at(p, i, &k);

		if (is_space(cp) || is_quote(cp))
			return 0;
		if (cp == '(') {
			depth++;
		} else if (cp == ')') {
			if (--depth == 0)
				return 1;
		}
		i += k;
	}
	return 0;
}

static int
is_keyword(const char *s, size_t n)
{
	return (n == 2 && memcmp(s, "OR", 2) == 0) ||
	       (n == 3 && (memcmp(s, "AND", 3) == 0 || memcmp(s, "NOT", 3) == 0));
}

static const struct field_def *
find_field(const char *s, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (strlen(fields[i].name) == n &&
		    strncasecmp(fields[i].name, s, n) == 0)
			return &fields[i];
	return NULL;
}

/* The value of the filter whose name ends at the ':' at colon. */
static int
lex_filter_value(struct parser *p, struct token *t, size_t colon)
{
	size_t v = colon + 1, k;
	const char *name = t->field->name;
	uint32_t cp;

	if (v >= p->len || is_space(cp_at(p, v, &k)) || p->s[v] == ')')
		return fail(p, t->off, "the filter %s: at character %zu has no "
			    "value: write it right after the colon, as in "
			    "%s:VALUE, or %s:\"two words\"", name,
			    charno(p, t->off), name, name);
	cp = cp_at(p, v, &k);
	if (cp == '(')
		return fail(p, v, "the filter %s: at character %zu takes one "
			    "value, not a group in parentheses; repeat it "
			    "instead (%s:a %s:b)", name, charno(p, v), name, name);
	if (is_quote(cp)) {
		size_t close = find_quote(p, v + k);

		if (close == p->len)
			return fail(p, v, "unterminated quote at character %zu: "
				    "the value of %s: has no closing quote",
				    charno(p, v), name);
		t->a = v + k;
		t->b = close;
		cp_at(p, close, &k);
		p->pos = close + k;
		return 0;
	}
	t->a = v;
	while (v < p->len) {
		cp = cp_at(p, v, &k);
		if (is_space(cp) || is_quote(cp) || cp == ')')
			break;
		v += k;
	}
	t->b = v;
	p->pos = v;
	return 0;
}

/* Reads the next token into p->tok. */
static int
lex(struct parser *p)
{
	struct token *t = &p->tok;
	int after_minus = p->after_minus;
	size_t start, i, k, k2;
	int colon_seen = 0;
	uint32_t cp;

	memset(t, 0, sizeof(*t));
	p->after_minus = 0;
	skip_spaces(p);
	t->off = start = p->pos;
	if (p->pos >= p->len) {
		t->kind = T_EOF;
		return 0;
	}
	cp = cp_at(p, p->pos, &k);
	if (cp == '(' || cp == ')') {
		t->kind = cp == '(' ? T_LPAREN : T_RPAREN;
		p->pos++;
		return 0;
	}
	if (is_quote(cp)) {
		size_t close = find_quote(p, start + k);

		if (close == p->len)
			return fail(p, start, "unterminated quote at character "
				    "%zu: a phrase needs a closing quote",
				    charno(p, start));
		t->kind = T_PHRASE;
		t->a = start + k;
		t->b = close;
		cp_at(p, close, &k);
		p->pos = close + k;
		while (p->pos < p->len && p->s[p->pos] == '*') {
			t->prefix = 1;
			p->pos++;
		}
		return 0;
	}
	if (cp == '-' && start + 1 < p->len) {
		uint32_t next = cp_at(p, start + 1, &k2);

		if (!is_space(next) && next != '-' && next != ')') {
			t->kind = T_MINUS;
			p->pos++;
			p->after_minus = 1;
			return 0;
		}
	}

	/* A word: up to a space, a quote or a ')' that closes a group. */
	i = start;
	while (i < p->len) {
		cp = cp_at(p, i, &k);
		if (is_space(cp) || is_quote(cp))
			break;
		if (cp == ')')
			break;
		if (cp == '(') {
			int depth = 0;

			if (!after_minus && is_keyword(p->s + start, i - start))
				break;
			if (!closes_in_word(p, i))
				break;
			/* Take the whole balanced group into the word. */
			do {
				cp = cp_at(p, i, &k);
				depth += cp == '(' ? 1 : cp == ')' ? -1 : 0;
				i += k;
			} while (depth > 0);
			continue;
		}
		if (cp == ':' && !colon_seen) {
			/* Only the first ':' can end a filter's name. */
			colon_seen = 1;
			t->field = find_field(p->s + start, i - start);
			if (t->field) {
				t->kind = T_FILTER;
				return lex_filter_value(p, t, i);
			}
		}
		i += k;
	}
	p->pos = i;
	if (!after_minus && is_keyword(p->s + start, i - start)) {
		t->kind = p->s[start] == 'O' ? T_OR :
			  p->s[start] == 'A' ? T_AND : T_NOT;
		return 0;
	}
	t->kind = T_WORD;
	t->a = start;
	t->b = i;
	while (t->b > t->a && p->s[t->b - 1] == '*') {
		t->b--;
		t->prefix = 1;
	}
	return 0;
}

static int
peek(struct parser *p, struct token **ret)
{
	if (!p->have_tok) {
		if (lex(p) < 0)
			return -1;
		p->have_tok = 1;
	}
	*ret = &p->tok;
	return 0;
}

static void
advance(struct parser *p)
{
	p->have_tok = 0;
}

/* ---- filters ------------------------------------------------------------ */

static int
shape_jurisdiction(char *v)
{
	size_t n = strlen(v);

	/* ISO 3166-1 alpha-2 (GB, EU), optionally a subdivision (GB-SCT). */
	if (n != 2 && !(n >= 4 && n <= 6 && v[2] == '-'))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (i < 2 && !((v[i] >= 'a' && v[i] <= 'z') ||
			       (v[i] >= 'A' && v[i] <= 'Z')))
			return 0;
		if (i > 2 && !((v[i] >= 'a' && v[i] <= 'z') ||
			       (v[i] >= 'A' && v[i] <= 'Z') ||
			       (v[i] >= '0' && v[i] <= '9')))
			return 0;
		if (v[i] >= 'a' && v[i] <= 'z')
			v[i] = (char)(v[i] - 'a' + 'A');
	}
	return 1;
}

static int
shape_lang(char *v)
{
	size_t n = strlen(v), i = 0;

	/* A language tag: 2 or 3 letters (en, spa), optionally -REGION. */
	while (i < n && ((v[i] >= 'a' && v[i] <= 'z') ||
			 (v[i] >= 'A' && v[i] <= 'Z')))
		i++;
	if (i < 2 || i > 3)
		return 0;
	if (i < n) {
		size_t r = i + 1;

		if (v[i] != '-' || n - r < 2 || n - r > 8)
			return 0;
		for (size_t j = r; j < n; j++)
			if (!((v[j] >= 'a' && v[j] <= 'z') ||
			      (v[j] >= 'A' && v[j] <= 'Z') ||
			      (v[j] >= '0' && v[j] <= '9')))
				return 0;
	}
	for (i = 0; i < n; i++)
		if (v[i] >= 'A' && v[i] <= 'Z')
			v[i] = (char)(v[i] - 'A' + 'a');
	return 1;
}

static int
shape_type(char *v)
{
	size_t n = strlen(v);

	/* A document type name: pdf, image, email, spreadsheet ... */
	if (n == 0 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] >= 'A' && v[i] <= 'Z')
			v[i] = (char)(v[i] - 'A' + 'a');
		if (!((v[i] >= 'a' && v[i] <= 'z') ||
		      (v[i] >= '0' && v[i] <= '9') ||
		      (i > 0 && (v[i] == '-' || v[i] == '_' || v[i] == '.'))))
			return 0;
	}
	return 1;
}

static int
days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/*
 * Parses YYYY, YYYY-MM or YYYY-MM-DD (years 1000 to 9999) into the first
 * and last day of the period it names.
 */
static int
parse_period(const char *v, int first[3], int last[3])
{
	size_t n = strlen(v);
	int y, m = 0, d = 0;

	if (n != 4 && n != 7 && n != 10)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int dash = i == 4 || i == 7;

		if (dash ? v[i] != '-' : !(v[i] >= '0' && v[i] <= '9'))
			return -1;
	}
	y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 +
	    (v[3] - '0');
	if (y < 1000)
		return -1;
	if (n >= 7) {
		m = (v[5] - '0') * 10 + (v[6] - '0');
		if (m < 1 || m > 12)
			return -1;
	}
	if (n == 10) {
		d = (v[8] - '0') * 10 + (v[9] - '0');
		if (d < 1 || d > days_in_month(y, m))
			return -1;
	}
	first[0] = last[0] = y;
	first[1] = m ? m : 1;
	last[1] = m ? m : 12;
	first[2] = d ? d : 1;
	last[2] = d ? d : days_in_month(y, last[1]);
	return 0;
}

/* Moves a day by one, forward or back; -1 outside years 1000 to 9999. */
static int
step_day(int day[3], int forward)
{
	if (forward) {
		if (++day[2] > days_in_month(day[0], day[1])) {
			day[2] = 1;
			if (++day[1] > 12) {
				day[1] = 1;
				day[0]++;
			}
		}
	} else if (--day[2] < 1) {
		if (--day[1] < 1) {
			day[1] = 12;
			day[0]--;
		}
		day[2] = days_in_month(day[0], day[1]);
	}
	return day[0] >= 1000 && day[0] <= 9999 ? 0 : -1;
}

/*
 * after:P lets through the days after the period P ends, before:P those
 * before it starts: after:2019 is from 2020-01-01, before:2019-06 is to
 * 2019-05-31 (docs/search.md).
 */
static int
filter_date(struct parser *p, const struct token *t,
	    struct vault_query_filter *f)
{
	int first[3], last[3];
	int after = f->field == VAULT_QUERY_AFTER;
	int *day = after ? last : first;
	struct vault_query *q = p->q;

	if (parse_period(f->value, first, last) < 0)
		return fail(p, t->a, "%s: at character %zu expects a date as "
			    "YYYY, YYYY-MM or YYYY-MM-DD (such as 2019-06-30), "
			    "not '%s'", f->name, charno(p, t->a), f->value);
	if (step_day(day, after) < 0)
		return fail(p, t->off, "%s:%s at character %zu leaves no date "
			    "to find", f->name, f->value, charno(p, t->off));
	snprintf(after ? f->from : f->to, VAULT_QUERY_DAY, "%04d-%02d-%02d",
		 day[0], day[1], day[2]);
	if (after && strcmp(f->from, q->date_from) > 0)
		memcpy(q->date_from, f->from, VAULT_QUERY_DAY);
	if (!after && (q->date_to[0] == '\0' || strcmp(f->to, q->date_to) < 0))
		memcpy(q->date_to, f->to, VAULT_QUERY_DAY);
	if (q->date_from[0] && q->date_to[0] &&
	    strcmp(q->date_from, q->date_to) > 0)
		return fail(p, t->off, "%s:%s at character %zu leaves no date "
			    "to find: the other date filters only let through "
			    "%s %s", f->name, f->value, charno(p, t->off),
			    after ? "days up to" : "days from",
			    after ? q->date_to : q->date_from);
	return 0;
}

static int
add_filter(struct parser *p, const struct token *t)
{
	struct vault_query *q = p->q;
	struct vault_query_filter *f;
	const char *name = t->field->name;
	int ok = 1;

	if (q->n_filters >= FV_MAX_QUERY_FILTERS)
		return fail(p, t->off, "too many filters: the filter at "
			    "character %zu is past the limit of %d",
			    charno(p, t->off), FV_MAX_QUERY_FILTERS);
	if (t->b - t->a > FV_MAX_QUERY_FILTER_VALUE)
		return fail(p, t->a, "the value of %s: at character %zu is "
			    "longer than %d bytes", name, charno(p, t->a),
			    FV_MAX_QUERY_FILTER_VALUE);
	q->filters = xrealloc(q->filters, (q->n_filters + 1) * sizeof(*f));
	f = &q->filters[q->n_filters++];
	memset(f, 0, sizeof(*f));
	f->field = t->field->field;
	f->name = name;
	f->value = clean_copy(p->s, t->a, t->b, FV_MAX_QUERY_FILTER_VALUE);
	if (f->value[0] == '\0')
		return fail(p, t->off, "the filter %s: at character %zu has an "
			    "empty value", name, charno(p, t->off));
	switch (t->field->shape) {
	case SHAPE_TEXT:
		break;
	case SHAPE_JURISDICTION:
		if (!(ok = shape_jurisdiction(f->value)))
			fail(p, t->a, "jurisdiction: at character %zu expects "
			     "a code such as GB, EU or US-CA, not '%s'",
			     charno(p, t->a), f->value);
		break;
	case SHAPE_LANG:
		if (!(ok = shape_lang(f->value)))
			fail(p, t->a, "lang: at character %zu expects a "
			     "language code such as en, fr or pt-BR, not '%s'",
			     charno(p, t->a), f->value);
		break;
	case SHAPE_TYPE:
		if (!(ok = shape_type(f->value)))
			fail(p, t->a, "type: at character %zu expects a "
			     "document type such as pdf or email, not '%s'",
			     charno(p, t->a), f->value);
		break;
	case SHAPE_DATE:
		return filter_date(p, t, f);
	}
	return ok ? 0 : -1;
}

/* ---- the tree ----------------------------------------------------------- */

static struct node *
node_new(struct parser *p, enum node_kind kind, size_t off)
{
	struct node *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->off = off;
	n->next_alloc = p->nodes;
	p->nodes = n;
	return n;
}

static void
node_append(struct node *parent, struct node *kid)
{
	parent->kids = xrealloc(parent->kids,
				(parent->n_kids + 1) * sizeof(*parent->kids));
	parent->kids[parent->n_kids++] = kid;
}

/*
 * Adds an operand to an AND: an AND merges into it, and an excluded OR
 * becomes one exclusion per alternative (-(a OR b) is -a -b).
 */
static void
and_add(struct node *and, struct node *kid)
{
	if (kid->kind == N_AND && !kid->neg) {
		for (size_t i = 0; i < kid->n_kids; i++)
			and_add(and, kid->kids[i]);
	} else if (kid->kind == N_OR && kid->neg) {
		for (size_t i = 0; i < kid->n_kids; i++) {
			struct node *alt = kid->kids[i];

			alt->neg = !alt->neg;
			alt->neg_off = kid->neg_off;
			and_add(and, alt);
		}
	} else {
		node_append(and, kid);
	}
}

static void
or_add(struct node *or, struct node *kid)
{
	if (kid->kind == N_OR && !kid->neg) {
		for (size_t i = 0; i < kid->n_kids; i++)
			node_append(or, kid->kids[i]);
	} else {
		node_append(or, kid);
	}
}

/*
 * Excludes n. An AND made only of exclusions becomes, excluded, an OR of
 * what they excluded: -(-a -b) is (a OR b), which FTS5 can express.
 */
static void
negate(struct node *n, size_t off)
{
	int all_neg = n->kind == N_AND && !n->neg;

	for (size_t i = 0; all_neg && i < n->n_kids; i++)
		all_neg = n->kids[i]->neg;
	if (all_neg) {
		n->kind = N_OR;
		for (size_t i = 0; i < n->n_kids; i++)
			n->kids[i]->neg = 0;
		return;
	}
	n->neg = !n->neg;
	n->neg_off = off;
}

/* An AND or OR of no operand is nothing; of one, that operand. */
static struct node *
node_finish(struct node *n)
{
	if (n->n_kids == 0)
		return NULL;
	if (n->n_kids == 1)
		return n->kids[0];
	return n;
}

/* ---- the parser --------------------------------------------------------- */

static int parse_or(struct parser *p, struct node **ret, int *ret_consumed);

#define KEYWORD_HINT " (to search for the word, write it in lowercase)"

static int
is_end(const struct token *t)
{
	return t->kind == T_EOF || t->kind == T_RPAREN || t->kind == T_OR;
}

static int
parse_term(struct parser *p, const struct token *t, struct node **ret)
{
	size_t words, last;
	struct node *n;

	*ret = NULL;
	count_words(p->s + t->a, t->b - t->a, &words, &last);
	if (words == 0)
		return 0; /* only punctuation: nothing FTS5 could search for */
	if (t->prefix && last < 2)
		return fail(p, t->off, "prefix too short at character %zu: a "
			    "'*' needs at least 2 letters before it, as in "
			    "sou*", charno(p, t->off));
	if (++p->n_terms > FV_MAX_QUERY_TERMS)
		return fail(p, t->off, "too many words: the word at character "
			    "%zu is past the limit of %d words and phrases",
			    charno(p, t->off), FV_MAX_QUERY_TERMS);
	n = node_new(p, N_TERM, t->off);
	n->phrase = t->kind == T_PHRASE;
	n->prefix = t->prefix;
	n->text = clean_copy(p->s, t->a, t->b, t->b - t->a);
	*ret = n;
	return 0;
}

static int
parse_primary(struct parser *p, struct node **ret)
{
	struct token *t;
	struct token copy;
	size_t open;
	int consumed;

	*ret = NULL;
	if (peek(p, &t) < 0)
		return -1;
	copy = *t;
	switch (copy.kind) {
	case T_LPAREN:
		open = copy.off;
		if (p->depth >= FV_MAX_QUERY_DEPTH)
			return fail(p, open, "parentheses nested too deeply: the "
				    "'(' at character %zu is deeper than %d",
				    charno(p, open), FV_MAX_QUERY_DEPTH);
		p->depth++;
		advance(p);
		if (parse_or(p, ret, &consumed) < 0 || peek(p, &t) < 0)
			return -1;
		if (t->kind != T_RPAREN)
			return fail(p, open, "unbalanced parenthesis: the '(' at "
				    "character %zu is never closed",
				    charno(p, open));
		advance(p);
		p->depth--;
		return 0;
	case T_WORD:
	case T_PHRASE:
		advance(p);
		return parse_term(p, &copy, ret);
	case T_FILTER:
		if (p->depth > 0)
			return fail(p, copy.off, "the filter %s: at character %zu "
				    "is inside parentheses: filters apply to "
				    "the whole query, put it outside",
				    copy.field->name, charno(p, copy.off));
		if (!p->any_filter) {
			p->any_filter = 1;
			p->first_filter_off = copy.off;
		}
		advance(p);
		return add_filter(p, &copy);
	default:
		/* The callers and the lexer rule this out; stay safe anyway. */
		return fail(p, copy.off, "unexpected text at character %zu",
			    charno(p, copy.off));
	}
}

static int
parse_unary(struct parser *p, struct node **ret)
{
	struct token *t;
	size_t neg_off = 0;
	int negs = 0;

	*ret = NULL;
	for (;;) {
		size_t off;

		if (peek(p, &t) < 0)
			return -1;
		if (t->kind != T_MINUS && t->kind != T_NOT)
			break;
		off = t->off;
		if (negs++ == 0)
			neg_off = off;
		if (t->kind == T_NOT) {
			advance(p);
			if (peek(p, &t) < 0)
				return -1;
			if (is_end(t) || t->kind == T_AND)
				return fail(p, off, "NOT at character %zu has "
					    "nothing after it%s", charno(p, off),
					    KEYWORD_HINT);
			continue;
		}
		advance(p);
	}
	if (negs > 0 && t->kind == T_FILTER)
		return fail(p, neg_off, "a filter cannot be excluded (at "
			    "character %zu): filters only narrow the results",
			    charno(p, neg_off));
	if (parse_primary(p, ret) < 0)
		return -1;
	if (*ret && (negs & 1))
		negate(*ret, neg_off);
	return 0;
}

static int
parse_and(struct parser *p, struct node **ret, int *ret_consumed)
{
	struct node *and = NULL, *n;
	struct token *t;
	int consumed = 0;

	*ret = NULL;
	for (;;) {
		if (peek(p, &t) < 0)
			return -1;
		if (is_end(t))
			break;
		if (t->kind == T_AND) {
			size_t off = t->off;

			if (!consumed)
				return fail(p, off, "AND at character %zu has "
					    "nothing before it%s", charno(p, off),
					    KEYWORD_HINT);
			advance(p);
			if (peek(p, &t) < 0)
				return -1;
			if (is_end(t) || t->kind == T_AND)
				return fail(p, off, "AND at character %zu has "
					    "nothing after it%s", charno(p, off),
					    KEYWORD_HINT);
			continue;
		}
		if (parse_unary(p, &n) < 0)
			return -1;
		consumed = 1;
		if (n) {
			if (and == NULL)
				and = node_new(p, N_AND, n->off);
			and_add(and, n);
		}
	}
	*ret = and ? node_finish(and) : NULL;
	*ret_consumed = consumed;
	return 0;
}

static int
parse_or(struct parser *p, struct node **ret, int *ret_consumed)
{
	struct node *or = NULL, *n;
	struct token *t;
	int consumed, any;

	*ret = NULL;
	if (parse_and(p, &n, &consumed) < 0 || peek(p, &t) < 0)
		return -1;
	if (t->kind == T_OR && !consumed)
		return fail(p, t->off, "OR at character %zu has nothing before "
			    "it%s", charno(p, t->off), KEYWORD_HINT);
	any = consumed;
	for (;;) {
		size_t off;

		if (n) {
			if (or == NULL)
				or = node_new(p, N_OR, n->off);
			or_add(or, n);
		}
		if (t->kind != T_OR)
			break;
		off = t->off;
		if (p->depth == 0)
			p->top_or = 1;
		advance(p);
		if (peek(p, &t) < 0)
			return -1;
		if (is_end(t))
			return fail(p, off, "OR at character %zu has nothing "
				    "after it%s", charno(p, off), KEYWORD_HINT);
		if (parse_and(p, &n, &consumed) < 0 || peek(p, &t) < 0)
			return -1;
	}
	*ret = or ? node_finish(or) : NULL;
	*ret_consumed = any;
	return 0;
}

/* ---- the FTS5 expression ------------------------------------------------ */

/*
 * The cost of a node is how many entries FTS5's (LALR) parser stack needs
 * while it reads the node's text: a string takes 2 (the string and a '*');
 * "(x)" takes 1 + cost(x); in "x OP y OP z" the first operand takes its own
 * cost and each later one 2 more (the reduced left side and the operator
 * wait below it). Checked against SQLite: "a" AND ("a" AND (...)) fails
 * at 33 levels, where this model gives 101.
 */
static int
wrapped_cost(const struct node *n)
{
	return n->kind == N_TERM ? 2 : 1 + n->cost;
}

static int
by_cost_desc(const void *a, const void *b)
{
	const struct node *x = *(struct node *const *)a;
	const struct node *y = *(struct node *const *)b;
	int cx = x->neg ? -1 : wrapped_cost(x);
	int cy = y->neg ? -1 : wrapped_cost(y);

	/* Included operands first, costliest first; ties by position. */
	if (cx != cy)
		return cx > cy ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static int
seq_cost(struct node **kids, size_t n)
{
	int cost = 0;

	for (size_t i = 0; i < n; i++) {
		int c = wrapped_cost(kids[i]) + (i ? 2 : 0);

		if (c > cost)
			cost = c;
	}
	return cost;
}

/* Checks what FTS5 could not express, orders operands, computes costs. */
static int
prepare(struct parser *p, struct node *n)
{
	size_t npos = 0, first_neg = SIZE_MAX;

	if (n->kind == N_TERM) {
		n->cost = 2;
		return 0;
	}
	for (size_t i = 0; i < n->n_kids; i++) {
		struct node *k = n->kids[i];

		if (k->neg && n->kind == N_OR)
			return fail(p, k->neg_off, "an exclusion cannot be an "
				    "alternative of OR (at character %zu): "
				    "exclude outside the parentheses, as in "
				    "(a OR b) -c", charno(p, k->neg_off));
		if (prepare(p, k) < 0)
			return -1;
		npos += !k->neg;
		if (k->neg && k->neg_off < first_neg)
			first_neg = k->neg_off;
	}
	if (npos == 0)
		return fail(p, first_neg, "nothing to exclude from: the "
			    "exclusion at character %zu needs a word to search "
			    "for next to it", charno(p, first_neg));
	qsort(n->kids, n->n_kids, sizeof(*n->kids), by_cost_desc);
	n->cost = seq_cost(n->kids, npos);
	if (npos < n->n_kids) {
		if (npos > 1)
			n->cost++; /* the included operands go in parentheses */
		for (size_t i = npos; i < n->n_kids; i++)
			if (2 + wrapped_cost(n->kids[i]) > n->cost)
				n->cost = 2 + wrapped_cost(n->kids[i]);
	}
	return 0;
}

/* Writes into a bounded buffer; a write past its maximum sets full. */
struct emitter {
	struct buf b;
	int full;
};

static void
put(struct emitter *e, const char *s, size_t n)
{
	if (buf_add(&e->b, s, n) < 0)
		e->full = 1;
}

static void emit(struct emitter *e, const struct node *n);

static void
emit_wrapped(struct emitter *e, const struct node *n)
{
	if (n->kind == N_TERM) {
		emit(e, n);
		return;
	}
	put(e, "(", 1);
	emit(e, n);
	put(e, ")", 1);
}

/*
 * A term is a quoted string ('"' doubled, though the lexer lets none in);
 * an OR or AND lists its operands, each in parentheses unless a term; an
 * AND with exclusions is "P NOT N1 NOT N2", P in parentheses if it is more
 * than one operand (prepare() put the included operands first).
 */
static void
emit(struct emitter *e, const struct node *n)
{
	size_t npos = 0;

	if (n->kind == N_TERM) {
		put(e, "\"", 1);
		for (const char *c = n->text; *c; c++) {
			if (*c == '"')
				put(e, "\"\"", 2);
			else
				put(e, c, 1);
		}
		put(e, n->prefix ? "\"*" : "\"", n->prefix ? 2 : 1);
		return;
	}
	while (npos < n->n_kids && !n->kids[npos]->neg)
		npos++;
	if (npos < n->n_kids && npos > 1)
		put(e, "(", 1);
	for (size_t i = 0; i < npos; i++) {
		if (i > 0 && n->kind == N_OR)
			put(e, " OR ", 4);
		else if (i > 0)
			put(e, " AND ", 5);
		emit_wrapped(e, n->kids[i]);
	}
	if (npos < n->n_kids && npos > 1)
		put(e, ")", 1);
	for (size_t i = npos; i < n->n_kids; i++) {
		put(e, " NOT ", 5);
		emit_wrapped(e, n->kids[i]);
	}
}

/* Gathers the terms that are searched for (not excluded) into list. */
static void
collect_terms(const struct node *n, const struct node **list, size_t *count)
{
	if (n->kind != N_TERM) {
		for (size_t i = 0; i < n->n_kids; i++)
			if (!n->kids[i]->neg)
				collect_terms(n->kids[i], list, count);
		return;
	}
	list[(*count)++] = n;
}

static int
by_offset(const void *a, const void *b)
{
	const struct node *x = *(const struct node *const *)a;
	const struct node *y = *(const struct node *const *)b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* The highlight list, in the order typed (the emitter reorders). */
static void
set_terms(struct vault_query *q, const struct node *root, size_t n_terms)
{
	const struct node **list = xcalloc(n_terms, sizeof(*list));
	size_t count = 0;

	collect_terms(root, list, &count);
	qsort(list, count, sizeof(*list), by_offset);
	q->terms = xcalloc(count, sizeof(*q->terms));
	for (size_t i = 0; i < count; i++) {
		q->terms[i].text = xstrdup(list[i]->text);
		q->terms[i].phrase = list[i]->phrase;
		q->terms[i].prefix = list[i]->prefix;
	}
	q->n_terms = count;
	free(list);
}

/* ---- entry points ------------------------------------------------------- */

static int
check_input(struct parser *p)
{
	size_t i = 0;

	if (p->len > FV_MAX_QUERY_BYTES)
		return fail(p, FV_MAX_QUERY_BYTES, "the query is too long: %zu "
			    "bytes, the limit is %d", p->len, FV_MAX_QUERY_BYTES);
	while (i < p->len) {
		uint32_t cp;
		size_t k = utf8_decode(p->s, p->len, i, &cp);

		if (k == 0)
			return fail(p, i, "the query is not valid UTF-8 at "
				    "character %zu", charno(p, i));
		i += k;
	}
	skip_spaces(p);
	if (p->pos == p->len)
		return fail(p, 0, "the query is empty");
	return 0;
}

int
vault_query_parse(const char *text, size_t len, struct vault_query **ret,
		  struct vault_query_where *where, struct error *err)
{
	struct parser p;
	struct node *root = NULL;
	struct token *t;
	struct emitter e;
	int consumed, rc = -1;

	memset(&p, 0, sizeof(p));
	p.s = text ? text : "";
	p.len = text ? len : 0;
	p.where = where;
	p.err = err;
	p.q = xcalloc(1, sizeof(*p.q));
	memset(&e, 0, sizeof(e));
	buf_init(&e.b, FV_MAX_QUERY_MATCH);
	if (check_input(&p) < 0)
		goto out;
	p.pos = 0;
	if (parse_or(&p, &root, &consumed) < 0 || peek(&p, &t) < 0)
		goto out;
	if (t->kind == T_RPAREN) {
		fail(&p, t->off, "unbalanced parenthesis: the ')' at character "
		     "%zu has no matching '('", charno(&p, t->off));
		goto out;
	}
	if (p.any_filter && p.top_or) {
		fail(&p, p.first_filter_off, "the filter at character %zu "
		     "cannot be combined with OR: filters apply to the whole "
		     "query; put the alternatives in parentheses, as in "
		     "issue:spam (a OR b)", charno(&p, p.first_filter_off));
		goto out;
	}
	if (root == NULL) {
		if (p.q->n_filters == 0) {
			p.pos = 0;
			skip_spaces(&p);
			fail(&p, p.pos, "the query has no words to search for "
			     "(punctuation alone is not searched)");
			goto out;
		}
		p.q->filters_only = 1;
	} else {
		if (root->neg) {
			fail(&p, root->neg_off, "nothing to exclude from: the "
			     "exclusion at character %zu needs a word to search "
			     "for next to it", charno(&p, root->neg_off));
			goto out;
		}
		if (prepare(&p, root) < 0)
			goto out;
		if (root->cost > FV_MAX_QUERY_FTS5_COST) {
			fail(&p, 0, "the query is too complex: use fewer "
			     "nested parentheses");
			goto out;
		}
		emit(&e, root);
		if (e.full) {
			fail(&p, 0, "the query is too complex: use fewer words");
			goto out;
		}
		p.q->match = buf_detach(&e.b, NULL);
		set_terms(p.q, root, p.n_terms);
	}
	*ret = p.q;
	p.q = NULL;
	rc = 0;
out:
	while (p.nodes) {
		struct node *n = p.nodes;

		p.nodes = n->next_alloc;
		free(n->text);
		free(n->kids);
		free(n);
	}
	buf_release(&e.b);
	vault_query_free(p.q);
	return rc;
}

void
vault_query_free(struct vault_query *q)
{
	if (q == NULL)
		return;
	free(q->match);
	for (size_t i = 0; i < q->n_filters; i++)
		free(q->filters[i].value);
	free(q->filters);
	for (size_t i = 0; i < q->n_terms; i++)
		free(q->terms[i].text);
	free(q->terms);
	free(q);
}
