/*
 * vault_text.c - see vault_text.h.
 *
 * Three layers. The output (struct out) holds the text with a hard maximum,
 * drops control characters, turns CR/CRLF and form feeds into newlines (a
 * form feed is only ever written by out_page) and cuts at a character
 * boundary. The flow (struct flow) sits on top for the markup formats: block
 * ends ask for a newline, table cells for a tab, and the request is carried
 * out only when more text follows, so empty paragraphs and trailing cells
 * leave no blank lines or stray tabs; HTML and ODF collapse whitespace runs
 * as their renderers do. The tokenizer (struct scanner) cuts XML or HTML
 * into text, CDATA and tags; it never recurses, keeps at most
 * FV_MAX_XML_ATTRS attributes of FV_MAX_XML_NAME bytes, counts depth only to
 * refuse absurd nesting, and expands character references only (&amp;,
 * &#233; and, in HTML, a table of named ones), never declared entities: a
 * DOCTYPE in XML is refused outright.
 *
 * Every loop advances its input pointer at least one byte per step, and the
 * per-format parsers keep counters, not stacks, so hostile markup costs time
 * linear in its size, and size is capped before parsing starts.
 */
#include "config.h"

#include "vault_text.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fvlimits.h"

/* Bytes kept of one XLSX cell's value (Excel itself stops at 32767). */
#define CELL_MAX (64 * 1024)
/* Spaces one ODF <text:s text:c="N"/> may stand for. */
#define ODF_MAX_SPACES 1000

/* ---- output --------------------------------------------------------------- */

struct out {
	struct buf b;
	int truncated;
	int cr;          /* the last code point was a CR */
	unsigned pages;
};

static void
out_init(struct out *o, size_t max)
{
	memset(o, 0, sizeof(*o));
	buf_init(&o->b, max);
	buf_addstr(&o->b, "");
}

/* Appends valid UTF-8; past the maximum keeps what fits, cut at a character
 * boundary, and stops for good. */
static void
out_bytes(struct out *o, const char *s, size_t n)
{
	size_t room;

	if (o->truncated || n == 0)
		return;
	if (buf_add(&o->b, s, n) == 0)
		return;
	room = o->b.max - o->b.len;
	while (room > 0 && ((unsigned char)s[room] & 0xc0) == 0x80)
		room--;
	buf_add(&o->b, s, room);
	o->truncated = 1;
}

static size_t
utf8_encode(uint32_t cp, char u[4])
{
	if (cp < 0x80) {
		u[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	u[0] = (char)(0xf0 | (cp >> 18));
	u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	u[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Appends one code point, normalising line ends and dropping controls. */
static void
out_cp(struct out *o, uint32_t cp)
{
	char u[4];

	if (cp == '\r') {
		o->cr = 1;
		cp = '\n';
	} else if (cp == '\n' && o->cr) {
		o->cr = 0;
		return;
	} else {
		o->cr = 0;
	}
	if (cp == '\f' || cp == 0x0b || cp == 0x85 || cp == 0x2028 ||
	    cp == 0x2029)
		cp = '\n';
	if ((cp < 0x20 && cp != '\t' && cp != '\n') ||
	    (cp >= 0x7f && cp < 0xa0) || cp == 0xfeff)
		return;
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = 0xfffd;
	out_bytes(o, u, utf8_encode(cp, u));
}

static void
out_page(struct out *o)
{
	out_bytes(o, "\f", 1);
	o->pages++;
}

/* ---- decoding ------------------------------------------------------------- */

/* The next code point of s[*i..n); an invalid byte is U+FFFD. */
static uint32_t
utf8_next(const char *str, size_t n, size_t *i)
{
	const unsigned char *s = (const unsigned char *)str + *i;
	size_t left = n - *i, need;
	uint32_t cp;

	if (s[0] < 0x80) {
		(*i)++;
		return s[0];
	}
	need = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 :
	       (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (need == 0 || need > left || !utf8_valid(str + *i, need)) {
		(*i)++;
		return 0xfffd;
	}
	cp = s[0] & (0xff >> (need + 1));
	for (size_t k = 1; k < need; k++)
		cp = (cp << 6) | (s[k] & 0x3f);
	*i += need;
	return cp;
}

/* Windows-1252 0x80-0x9f: what "Latin-1" text means in practice. */
static const uint16_t cp1252[32] = {
	0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
	0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
};

static void
buf_add_cp(struct buf *b, uint32_t cp)
{
	char u[4];

	(void)buf_add(b, u, utf8_encode(cp, u));
}

/*
 * The bytes as UTF-8: a UTF-16 BOM converts, a UTF-8 BOM is skipped; without
 * a BOM, text that is mostly valid UTF-8 stays (its bad bytes become U+FFFD
 * later), anything else is read as Windows-1252. Returns a pointer into s or
 * into conv.
 */
static const char *
to_utf8(const char *str, size_t n, int latin1_fallback, struct buf *conv,
	size_t *ret_len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t good = 0, bad = 0;

	if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
		*ret_len = n - 3;
		return str + 3;
	}
	if (n >= 2 && ((s[0] == 0xff && s[1] == 0xfe) ||
		       (s[0] == 0xfe && s[1] == 0xff))) {
		int le = s[0] == 0xff;

		buf_init(conv, n / 2 * 3 + 4);
		buf_addstr(conv, "");
		for (size_t i = 2; i + 1 < n; i += 2) {
			uint32_t u = le ? (uint32_t)(s[i] | s[i + 1] << 8) :
				     (uint32_t)(s[i] << 8 | s[i + 1]);

			if (u >= 0xd800 && u <= 0xdbff && i + 3 < n) {
				uint32_t l = le ? (uint32_t)(s[i + 2] |
							     s[i + 3] << 8) :
						  (uint32_t)(s[i + 2] << 8 |
							     s[i + 3]);

				if (l >= 0xdc00 && l <= 0xdfff) {
					u = 0x10000 + ((u - 0xd800) << 10) +
					    (l - 0xdc00);
					i += 2;
				}
			}
			if (u >= 0xd800 && u <= 0xdfff)
				u = 0xfffd;
			buf_add_cp(conv, u);
		}
		*ret_len = conv->len;
		return conv->data;
	}
	*ret_len = n;
	if (!latin1_fallback)
		return str;
	for (size_t i = 0; i < n;) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (utf8_next(str, n, &i) == 0xfffd)
			bad++;
		else
			good++;
	}
	if (bad == 0 || good > bad)
		return str;
	buf_init(conv, n * 3 + 4);
	buf_addstr(conv, "");
	for (size_t i = 0; i < n; i++)
		buf_add_cp(conv, s[i] >= 0x80 && s[i] < 0xa0 ?
			   cp1252[s[i] - 0x80] : s[i]);
	*ret_len = conv->len;
	return conv->data;
}

/* HTML's named character references that FOI pages use; the XML five are
 * always known. Unknown names stay as they are, '&' and all. */
static const struct {
	const char *name;
	uint16_t cp;
} html_entities[] = {
	{ "nbsp", 0xa0 }, { "iexcl", 0xa1 }, { "cent", 0xa2 },
	{ "pound", 0xa3 }, { "curren", 0xa4 }, { "yen", 0xa5 },
	{ "brvbar", 0xa6 }, { "sect", 0xa7 }, { "uml", 0xa8 },
	{ "copy", 0xa9 }, { "ordf", 0xaa }, { "laquo", 0xab }, { "not", 0xac },
	{ "shy", 0xad }, { "reg", 0xae }, { "macr", 0xaf }, { "deg", 0xb0 },
	{ "plusmn", 0xb1 }, { "sup2", 0xb2 }, { "sup3", 0xb3 },
	{ "acute", 0xb4 }, { "micro", 0xb5 }, { "para", 0xb6 },
	{ "middot", 0xb7 }, { "cedil", 0xb8 }, { "sup1", 0xb9 },
	{ "ordm", 0xba }, { "raquo", 0xbb }, { "frac14", 0xbc },
	{ "frac12", 0xbd }, { "frac34", 0xbe }, { "iquest", 0xbf },
	{ "Agrave", 0xc0 }, { "Aacute", 0xc1 }, { "Acirc", 0xc2 },
	{ "Atilde", 0xc3 }, { "Auml", 0xc4 }, { "Aring", 0xc5 },
	{ "AElig", 0xc6 }, { "Ccedil", 0xc7 }, { "Egrave", 0xc8 },
	{ "Eacute", 0xc9 }, { "Ecirc", 0xca }, { "Euml", 0xcb },
	{ "Igrave", 0xcc }, { "Iacute", 0xcd }, { "Icirc", 0xce },
	{ "Iuml", 0xcf }, { "ETH", 0xd0 }, { "Ntilde", 0xd1 },
	{ "Ograve", 0xd2 }, { "Oacute", 0xd3 }, { "Ocirc", 0xd4 },
	{ "Otilde", 0xd5 }, { "Ouml", 0xd6 }, { "times", 0xd7 },
	{ "Oslash", 0xd8 }, { "Ugrave", 0xd9 }, { "Uacute", 0xda },
	{ "Ucirc", 0xdb }, { "Uuml", 0xdc }, { "Yacute", 0xdd },
	{ "THORN", 0xde }, { "szlig", 0xdf }, { "agrave", 0xe0 },
	{ "aacute", 0xe1 }, { "acirc", 0xe2 }, { "atilde", 0xe3 },
	{ "auml", 0xe4 }, { "aring", 0xe5 }, { "aelig", 0xe6 },
	{ "ccedil", 0xe7 }, { "egrave", 0xe8 }, { "eacute", 0xe9 },
	{ "ecirc", 0xea }, { "euml", 0xeb }, { "igrave", 0xec },
	{ "iacute", 0xed }, { "icirc", 0xee }, { "iuml", 0xef },
	{ "eth", 0xf0 }, { "ntilde", 0xf1 }, { "ograve", 0xf2 },
	{ "oacute", 0xf3 }, { "ocirc", 0xf4 }, { "otilde", 0xf5 },
	{ "ouml", 0xf6 }, { "divide", 0xf7 }, { "oslash", 0xf8 },
	{ "ugrave", 0xf9 }, { "uacute", 0xfa }, { "ucirc", 0xfb },
	{ "uuml", 0xfc }, { "yacute", 0xfd }, { "thorn", 0xfe },
	{ "yuml", 0xff }, { "OElig", 0x152 }, { "oelig", 0x153 },
	{ "Scaron", 0x160 }, { "scaron", 0x161 }, { "Yuml", 0x178 },
	{ "fnof", 0x192 }, { "circ", 0x2c6 }, { "tilde", 0x2dc },
	{ "ensp", 0x2002 }, { "emsp", 0x2003 }, { "thinsp", 0x2009 },
	{ "zwnj", 0x200c }, { "zwj", 0x200d }, { "lrm", 0x200e },
	{ "rlm", 0x200f }, { "ndash", 0x2013 }, { "mdash", 0x2014 },
	{ "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "sbquo", 0x201a },
	{ "ldquo", 0x201c }, { "rdquo", 0x201d }, { "bdquo", 0x201e },
	{ "dagger", 0x2020 }, { "Dagger", 0x2021 }, { "bull", 0x2022 },
	{ "hellip", 0x2026 }, { "permil", 0x2030 }, { "prime", 0x2032 },
	{ "Prime", 0x2033 }, { "lsaquo", 0x2039 }, { "rsaquo", 0x203a },
	{ "euro", 0x20ac }, { "trade", 0x2122 }, { "larr", 0x2190 },
	{ "uarr", 0x2191 }, { "rarr", 0x2192 }, { "darr", 0x2193 },
	{ "harr", 0x2194 }, { "minus", 0x2212 }, { "le", 0x2264 },
	{ "ge", 0x2265 }, { "ne", 0x2260 },
};

/*
 * A character reference at s ('&' first). Returns the bytes it spans and
 * sets *cp, or 0 if it is not one (then the '&' is text).
 */
static size_t
char_ref(const char *s, size_t n, int html, uint32_t *cp)
{
	const char *semi;
	size_t len;

	if (n < 3)
		return 0;
	semi = memchr(s, ';', n < 34 ? n : 34);
	if (semi == NULL)
		return 0;
	len = (size_t)(semi - s) + 1;
	if (s[1] == '#') {
		int hex = s[2] == 'x' || s[2] == 'X';
		const char *d = s + 2 + hex;
		uint32_t v = 0;

		if (d == semi || semi - d > 8)
			return 0;
		for (; d < semi; d++) {
			int c = (unsigned char)*d, k;

			if (c >= '0' && c <= '9')
				k = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				k = c - 'a' + 10;
			else if (hex && c >= 'A' && c <= 'F')
				k = c - 'A' + 10;
			else
				return 0;
			v = v * (hex ? 16 : 10) + (uint32_t)k;
		}
		if (html && v >= 0x80 && v < 0xa0)
			v = cp1252[v - 0x80];
		if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
			v = 0xfffd;
		*cp = v;
		return len;
	}
#define IS(name) (len == sizeof(name) + 1 && memcmp(s + 1, name, len - 2) == 0)
	if (IS("amp"))
		*cp = '&';
	else if (IS("lt"))
		*cp = '<';
	else if (IS("gt"))
		*cp = '>';
	else if (IS("quot"))
		*cp = '"';
	else if (IS("apos"))
		*cp = '\'';
	else if (!html)
		return 0;
	else {
		for (size_t i = 0; i < ARRAY_SIZE(html_entities); i++) {
			size_t k;

			if (html_entities[i].name[0] != s[1])
				continue;
			k = strlen(html_entities[i].name);

			if (len == k + 2 &&
			    memcmp(s + 1, html_entities[i].name, k) == 0) {
				*cp = html_entities[i].cp;
				return len;
			}
		}
		return 0;
	}
#undef IS
	return len;
}

typedef void (*emit_fn)(void *ctx, uint32_t cp);

/* Decodes markup text (UTF-8, with character references unless raw). */
static void
decode(const char *s, size_t n, int html, int raw, emit_fn emit, void *ctx)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t used;

		if (s[i] == '&' && !raw &&
		    (used = char_ref(s + i, n - i, html, &cp)) > 0) {
			emit(ctx, cp);
			i += used;
			continue;
		}
		emit(ctx, utf8_next(s, n, &i));
	}
}

static void
emit_buf(void *ctx, uint32_t cp)
{
	buf_add_cp(ctx, cp);
}

/* ---- flow ----------------------------------------------------------------- */

struct flow {
	struct out *o;
	int collapse;   /* whitespace runs are one space (HTML, ODF) */
	int flatten;    /* tabs and newlines in text are spaces (cells) */
	int nl;         /* a line break is asked for */
	int tabs;       /* cell separators asked for */
	int space;      /* a space is asked for */
	int line_empty; /* nothing written since the last newline */
};

static void
flow_init(struct flow *f, struct out *o, int collapse, int flatten)
{
	memset(f, 0, sizeof(*f));
	f->o = o;
	f->collapse = collapse;
	f->flatten = flatten;
	f->line_empty = 1;
}

static void
flow_nl(struct flow *f)
{
	f->nl = 1;
	f->tabs = 0;
	f->space = 0;
}

static void
flow_tab(struct flow *f)
{
	if (f->tabs < FV_MAX_XLSX_COLUMNS)
		f->tabs++;
	f->space = 0;
}

static void
flow_space(struct flow *f)
{
	if (f->tabs == 0)
		f->space = 1;
}

static void
flow_flush(struct flow *f)
{
	if (f->nl && !f->line_empty) {
		out_cp(f->o, '\n');
		f->line_empty = 1;
	}
	f->nl = 0;
	for (; f->tabs > 0; f->tabs--) {
		out_cp(f->o, '\t');
		f->line_empty = 0;
	}
	if (f->space && !f->line_empty)
		out_cp(f->o, ' ');
	f->space = 0;
}

/* A character that never collapses (ODF <text:s/>, a DOCX tab). */
static void
flow_lit(struct flow *f, uint32_t cp)
{
	flow_flush(f);
	out_cp(f->o, cp);
	f->line_empty = 0;
}

static void
flow_cp(void *ctx, uint32_t cp)
{
	struct flow *f = ctx;

	if (cp == '\r' || cp == '\n' || cp == '\t' || cp == '\f' ||
	    cp == 0x0b) {
		if (f->collapse || f->flatten) {
			flow_space(f);
			return;
		}
		flow_flush(f);
		out_cp(f->o, cp);
		f->line_empty = cp != '\t';
		return;
	}
	if (cp == ' ' && f->collapse) {
		flow_space(f);
		return;
	}
	flow_flush(f);
	out_cp(f->o, cp);
	f->line_empty = 0;
}

/* Ends a page: its last line gets its newline. */
static void
flow_end(struct flow *f)
{
	if (!f->line_empty)
		out_cp(f->o, '\n');
	f->nl = f->tabs = f->space = 0;
	f->line_empty = 1;
}

/* ---- tokenizer ------------------------------------------------------------ */

struct attr {
	char name[FV_MAX_XML_NAME + 1];
	const char *val;  /* raw, character references not decoded */
	size_t len;
};

struct tag {
	char name[FV_MAX_XML_NAME + 1];
	const char *local; /* the name after its namespace prefix */
	int end;           /* </name> */
	int empty;         /* <name/> */
	int nattrs;
	struct attr attrs[FV_MAX_XML_ATTRS];
};

enum tok { TOK_EOF, TOK_TEXT, TOK_CDATA, TOK_TAG, TOK_ERROR };

struct scanner {
	const char *p, *end;
	int html;
	int depth;
	struct error *err;
};

static void
scanner_init(struct scanner *sc, const char *s, size_t n, int html,
	     struct error *err)
{
	sc->p = s;
	sc->end = s + n;
	sc->html = html;
	sc->depth = 0;
	sc->err = err;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Copies a name, cut to FV_MAX_XML_NAME bytes, lower-cased in HTML. */
static void
copy_name(char *dst, const char *s, size_t n, int lower)
{
	if (n > FV_MAX_XML_NAME)
		n = FV_MAX_XML_NAME;
	for (size_t i = 0; i < n; i++)
		dst[i] = lower && s[i] >= 'A' && s[i] <= 'Z' ?
			 (char)(s[i] - 'A' + 'a') : s[i];
	dst[n] = '\0';
}

/* Moves past the next occurrence of what (or to the end). */
static void
skip_past(struct scanner *sc, const char *what)
{
	size_t n = strlen(what);
	const char *hit = memmem(sc->p, (size_t)(sc->end - sc->p), what, n);

	sc->p = hit ? hit + n : sc->end;
}

static enum tok
scan_tag(struct scanner *sc, struct tag *t)
{
	const char *q = sc->p + 1, *e = sc->end, *name;

	memset(t, 0, offsetof(struct tag, attrs));
	if (*q == '/') {
		t->end = 1;
		q++;
	}
	name = q;
	while (q < e && !is_space((unsigned char)*q) && *q != '/' && *q != '>')
		q++;
	copy_name(t->name, name, (size_t)(q - name), sc->html);
	while (q < e) {
		const char *an;
		struct attr *a;

		while (q < e && is_space((unsigned char)*q))
			q++;
		if (q >= e)
			break;
		if (*q == '>') {
			q++;
			break;
		}
		if (*q == '/') {
			if (q + 1 < e && q[1] == '>') {
				t->empty = 1;
				q += 2;
				break;
			}
			q++;
			continue;
		}
		if (*q == '=') {
			q++;
			continue;
		}
		an = q;
		while (q < e && !is_space((unsigned char)*q) && *q != '=' &&
		       *q != '>' && *q != '/')
			q++;
		a = t->nattrs < FV_MAX_XML_ATTRS ? &t->attrs[t->nattrs++] :
		    NULL;
		if (a) {
			copy_name(a->name, an, (size_t)(q - an), sc->html);
			a->val = q;
			a->len = 0;
		}
		while (q < e && is_space((unsigned char)*q))
			q++;
		if (q >= e || *q != '=')
			continue;
		q++;
		while (q < e && is_space((unsigned char)*q))
			q++;
		if (q < e && (*q == '"' || *q == '\'')) {
			const char *close = memchr(q + 1, *q,
						   (size_t)(e - q - 1));
			const char *v = q + 1;

			q = close ? close + 1 : e;
			if (a) {
				a->val = v;
				a->len = (size_t)((close ? close : e) - v);
			}
		} else {
			const char *v = q;

			while (q < e && !is_space((unsigned char)*q) &&
			       *q != '>')
				q++;
			if (a) {
				a->val = v;
				a->len = (size_t)(q - v);
			}
		}
	}
	sc->p = q;
	{
		const char *colon = strrchr(t->name, ':');

		t->local = colon ? colon + 1 : t->name;
	}
	if (sc->html)
		return TOK_TAG;
	if (t->end) {
		if (sc->depth > 0)
			sc->depth--;
	} else if (!t->empty && ++sc->depth > FV_MAX_XML_DEPTH) {
		error_set(sc->err, "the XML is nested more than %d deep",
			  FV_MAX_XML_DEPTH);
		return TOK_ERROR;
	}
	return TOK_TAG;
}

/* The next token: text or CDATA in *text, a tag in *t. */
static enum tok
scan(struct scanner *sc, struct tag *t, const char **text, size_t *len)
{
	for (;;) {
		const char *p = sc->p, *e = sc->end;
		size_t left = (size_t)(e - p);

		if (p >= e)
			return TOK_EOF;
		if (*p != '<') {
			const char *lt = memchr(p, '<', left);

			*text = p;
			*len = (size_t)((lt ? lt : e) - p);
			sc->p = p + *len;
			return TOK_TEXT;
		}
		if (left >= 4 && memcmp(p, "<!--", 4) == 0) {
			sc->p = p + 4;
			skip_past(sc, "-->");
			continue;
		}
		if (left >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
			const char *close = memmem(p + 9, left - 9, "]]>", 3);

			*text = p + 9;
			*len = (size_t)((close ? close : e) - *text);
			sc->p = close ? close + 3 : e;
			return TOK_CDATA;
		}
		if (left >= 2 && p[1] == '!') {
			if (!sc->html) {
				error_set(sc->err, "XML with a document type "
					  "or markup declaration is refused");
				return TOK_ERROR;
			}
			sc->p = p + 2;
			skip_past(sc, ">");
			continue;
		}
		if (left >= 2 && p[1] == '?') {
			sc->p = p + 2;
			skip_past(sc, sc->html ? ">" : "?>");
			continue;
		}
		if (left >= 2 && (p[1] == '/' || p[1] == '_' || p[1] == ':' ||
				  (p[1] >= 'a' && p[1] <= 'z') ||
				  (p[1] >= 'A' && p[1] <= 'Z') ||
				  (unsigned char)p[1] >= 0x80))
			return scan_tag(sc, t);
		/* A lone '<' is text (HTML allows it; XML forgives it here). */
		*text = p;
		*len = 1;
		sc->p = p + 1;
		return TOK_TEXT;
	}
}

/* HTML: moves to the "</name" that ends a raw text element. */
static void
skip_raw_text(struct scanner *sc, const char *name)
{
	size_t n = strlen(name);

	while (sc->p < sc->end) {
		const char *lt = memchr(sc->p, '<', (size_t)(sc->end - sc->p));

		if (lt == NULL) {
			sc->p = sc->end;
			return;
		}
		if ((size_t)(sc->end - lt) >= n + 2 && lt[1] == '/' &&
		    strncasecmp(lt + 2, name, n) == 0 &&
		    ((size_t)(sc->end - lt) == n + 2 ||
		     is_space((unsigned char)lt[n + 2]) || lt[n + 2] == '>' ||
		     lt[n + 2] == '/')) {
			sc->p = lt;
			return;
		}
		sc->p = lt + 1;
	}
}

/* An attribute by local name (prefix ignored), or NULL. */
static const struct attr *
attr_find(const struct tag *t, const char *local, int prefixed)
{
	for (int i = 0; i < t->nattrs; i++) {
		const char *colon = strrchr(t->attrs[i].name, ':');
		const char *l = colon ? colon + 1 : t->attrs[i].name;

		if (strcmp(l, local) == 0 && (!prefixed || colon))
			return &t->attrs[i];
	}
	return NULL;
}

/* An attribute's value, character references decoded, into b. */
static int
attr_get(const struct tag *t, const char *local, int prefixed, struct buf *b)
{
	const struct attr *a = attr_find(t, local, prefixed);

	buf_reset(b);
	buf_addstr(b, "");
	if (a == NULL)
		return 0;
	decode(a->val, a->len, 0, 0, emit_buf, b);
	return 1;
}

static int
eq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static void
dec(int *counter)
{
	if (*counter > 0)
		(*counter)--;
}

/* ---- HTML ----------------------------------------------------------------- */

static const char *const html_blocks[] = {
	"address", "article", "aside", "blockquote", "body", "br", "caption",
	"center", "dd", "details", "dialog", "dir", "div", "dl", "dt",
	"fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
	"h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html",
	"legend", "li", "main", "menu", "nav", "ol", "option", "p", "pre",
	"section", "summary", "table", "tbody", "tfoot", "thead", "title",
	"tr", "ul",
};

static int
html_text(const char *s, size_t n, struct out *o, struct error *err)
{
	struct scanner sc;
	struct tag *t = xmalloc(sizeof(*t));
	struct flow f;
	int pre = 0, skip = 0, cells = 0;

	flow_init(&f, o, 1, 0);
	scanner_init(&sc, s, n, 1, err);
	while (!o->truncated) {
		const char *text = NULL;
		size_t len = 0;
		enum tok tok = scan(&sc, t, &text, &len);

		if (tok == TOK_EOF || tok == TOK_ERROR)
			break;
		if (tok != TOK_TAG) {
			if (!skip)
				decode(text, len, 1, tok == TOK_CDATA, flow_cp,
				       &f);
			continue;
		}
		/* Raw text elements: their content is code, not text. */
		if (!t->end && !t->empty &&
		    (eq(t->name, "script") || eq(t->name, "style"))) {
			skip_raw_text(&sc, t->name);
			continue;
		}
		if (eq(t->name, "template") || eq(t->name, "svg") ||
		    eq(t->name, "math")) {
			if (t->end)
				dec(&skip);
			else if (!t->empty && skip < FV_MAX_XML_DEPTH)
				skip++;
			continue;
		}
		if (eq(t->name, "pre")) {
			if (t->end)
				dec(&pre);
			else if (pre < FV_MAX_XML_DEPTH)
				pre++;
			f.collapse = pre == 0;
		}
		if (eq(t->name, "tr")) {
			cells = 0;
		} else if (!t->end && (eq(t->name, "td") || eq(t->name, "th"))) {
			if (cells++ > 0)
				flow_tab(&f);
			continue;
		}
		for (size_t i = 0; i < ARRAY_SIZE(html_blocks); i++) {
			if (eq(t->name, html_blocks[i])) {
				flow_nl(&f);
				break;
			}
		}
	}
	flow_end(&f);
	o->pages = 1;
	free(t);
	return 0;
}

/* ---- DOCX and ODT --------------------------------------------------------- */

/* word/document.xml: text is in <w:t>; paragraphs, rows end lines; cells
 * are separated by tabs. */
static int
docx_xml(const char *s, size_t n, struct out *o, struct error *err)
{
	struct scanner sc;
	struct tag *t = xmalloc(sizeof(*t));
	struct flow f;
	int in_t = 0, tab_stops = 0, in_tc = 0, skip = 0, rc = 0;

	flow_init(&f, o, 0, 1);
	scanner_init(&sc, s, n, 0, err);
	while (!o->truncated) {
		const char *text = NULL, *l;
		size_t len = 0;
		enum tok tok = scan(&sc, t, &text, &len);

		if (tok == TOK_EOF)
			break;
		if (tok == TOK_ERROR) {
			rc = -1;
			break;
		}
		if (tok != TOK_TAG) {
			if (in_t && !skip)
				decode(text, len, 0, tok == TOK_CDATA, flow_cp,
				       &f);
			continue;
		}
		l = t->local;
		if (t->end) {
			if (eq(l, "t"))
				in_t = 0;
			else if (eq(l, "tabs"))
				dec(&tab_stops);
			else if (eq(l, "p") && !skip)
				in_tc ? flow_space(&f) : flow_nl(&f);
			else if (eq(l, "tc")) {
				dec(&in_tc);
				if (!skip)
					flow_tab(&f);
			} else if (eq(l, "tr") && !skip)
				flow_nl(&f);
			/* Text boxes come twice (mc:Choice and mc:Fallback),
			 * moved text twice (moveFrom and moveTo). */
			else if (eq(l, "Fallback") || eq(l, "moveFrom"))
				dec(&skip);
			continue;
		}
		if (eq(l, "t"))
			in_t = !t->empty;
		else if (eq(l, "tabs") && !t->empty)
			tab_stops++;
		else if (eq(l, "tab") && !tab_stops && !skip)
			flow_lit(&f, '\t');
		else if ((eq(l, "br") || eq(l, "cr")) && !skip)
			flow_nl(&f);
		else if (eq(l, "tc") && !t->empty)
			in_tc++;
		else if (eq(l, "noBreakHyphen") && !skip)
			flow_cp(&f, '-');
		else if ((eq(l, "Fallback") || eq(l, "moveFrom")) && !t->empty)
			skip++;
		else if (eq(l, "p") && t->empty && !skip)
			in_tc ? flow_space(&f) : flow_nl(&f);
	}
	flow_end(&f);
	free(t);
	return rc;
}

/* content.xml (or a flat .fodt): text is in <text:p> and <text:h>;
 * whitespace collapses as ODF says, <text:s text:c="N"/> is N spaces. */
static int
odt_xml(const char *s, size_t n, struct out *o, struct error *err)
{
	struct scanner sc;
	struct tag *t = xmalloc(sizeof(*t));
	struct buf v;
	struct flow f;
	int para = 0, in_cell = 0, skip = 0, rc = 0;

	buf_init(&v, 64);
	flow_init(&f, o, 1, 0);
	scanner_init(&sc, s, n, 0, err);
	while (!o->truncated) {
		const char *text = NULL, *l;
		size_t len = 0;
		enum tok tok = scan(&sc, t, &text, &len);

		if (tok == TOK_EOF)
			break;
		if (tok == TOK_ERROR) {
			rc = -1;
			break;
		}
		if (tok != TOK_TAG) {
			if (para && !skip)
				decode(text, len, 0, tok == TOK_CDATA, flow_cp,
				       &f);
			continue;
		}
		l = t->local;
		if (t->end) {
			if (eq(l, "p") || eq(l, "h")) {
				dec(&para);
				if (!skip)
					in_cell ? flow_space(&f) : flow_nl(&f);
			} else if (eq(l, "table-cell") ||
				   eq(l, "covered-table-cell")) {
				dec(&in_cell);
				if (!skip)
					flow_tab(&f);
			} else if (eq(l, "table-row") && !skip) {
				flow_nl(&f);
			} else if (eq(l, "annotation") ||
				   eq(l, "tracked-changes")) {
				dec(&skip);
			}
			continue;
		}
		if (eq(l, "p") || eq(l, "h")) {
			if (!t->empty && para < FV_MAX_XML_DEPTH)
				para++;
			else if (t->empty && !skip)
				in_cell ? flow_space(&f) : flow_nl(&f);
		} else if (eq(l, "s") && para && !skip) {
			long long c = 1;

			if (attr_get(t, "c", 0, &v) &&
			    parse_ll(v.data, 1, ODF_MAX_SPACES, "c", &c,
				     NULL) < 0)
				c = 1;
			while (c-- > 0)
				flow_lit(&f, ' ');
		} else if (eq(l, "tab") && para && !skip) {
			flow_lit(&f, '\t');
		} else if (eq(l, "line-break") && para && !skip) {
			flow_nl(&f);
		} else if (eq(l, "table-cell") || eq(l, "covered-table-cell")) {
			if (!t->empty)
				in_cell++;
			else if (!skip)
				flow_tab(&f);
		} else if ((eq(l, "annotation") || eq(l, "tracked-changes")) &&
			   !t->empty) {
			skip++;
		}
	}
	flow_end(&f);
	buf_release(&v);
	free(t);
	return rc;
}

/* ---- XLSX ----------------------------------------------------------------- */

struct sstr {
	uint32_t off, len;
};

struct xlsx {
	struct buf strings;     /* all shared strings, decoded */
	struct sstr *index;
	size_t nstrings;
	size_t nsheets;
	char **sheet_rid;       /* r:id of each sheet, workbook order */
	char **sheet_part;      /* zip path of each sheet */
	char *sheet_done;       /* each sheet's part has been parsed */
	struct out *sheet_out;  /* each sheet's text */
	size_t used;            /* bytes of text in sheet_out so far */
	size_t max_output;
};

/* Column of a cell reference ("AB12" -> 27), or -1. */
static int
ref_column(const char *r)
{
	int col = 0, letters = 0;

	for (; *r >= 'A' && *r <= 'Z'; r++, letters++) {
		col = col * 26 + (*r - 'A' + 1);
		if (col > FV_MAX_XLSX_COLUMNS)
			col = FV_MAX_XLSX_COLUMNS;
	}
	return letters ? col - 1 : -1;
}

static void
emit_cell(struct flow *f, const struct xlsx *x, const char *type,
	  const struct buf *val, int col, int *cur_col)
{
	const char *s = val->data;
	size_t n = val->len;
	int tabs;

	if (eq(type, "s")) {
		long long k;

		s = "";
		n = 0;
		if (x && parse_ll(val->data, 0, (long long)x->nstrings - 1, "s",
				  &k, NULL) == 0) {
			s = x->strings.data + x->index[k].off;
			n = x->index[k].len;
		}
	} else if (eq(type, "b")) {
		s = eq(val->data, "1") ? "TRUE" : eq(val->data, "0") ? "FALSE" :
		    val->data;
		n = strlen(s);
	}
	if (n == 0)
		return;
	tabs = *cur_col < 0 ? col : col > *cur_col ? col - *cur_col : 1;
	while (tabs-- > 0)
		flow_tab(f);
	decode(s, n, 0, 1, flow_cp, f);
	*cur_col = col > *cur_col ? col : *cur_col + 1;
	if (*cur_col > FV_MAX_XLSX_COLUMNS)
		*cur_col = FV_MAX_XLSX_COLUMNS;
}

/* One worksheet: rows become lines, cells are separated by tabs, with a
 * tab for each empty column in between. */
static int
xlsx_sheet_xml(const char *s, size_t n, const struct xlsx *x, struct out *o,
	       struct error *err)
{
	struct scanner sc;
	struct tag *t = xmalloc(sizeof(*t));
	struct buf val, a;
	struct flow f;
	char type[16] = "";
	int in_c = 0, in_v = 0, in_is = 0, in_t = 0, in_rph = 0, rc = 0;
	int col = -1, cur_col = -1, last_col = -1;

	buf_init(&val, CELL_MAX);
	buf_init(&a, FV_MAX_XML_NAME);
	buf_addstr(&val, "");
	flow_init(&f, o, 0, 1);
	scanner_init(&sc, s, n, 0, err);
	while (!o->truncated) {
		const char *text = NULL, *l;
		size_t len = 0;
		enum tok tok = scan(&sc, t, &text, &len);

		if (tok == TOK_EOF)
			break;
		if (tok == TOK_ERROR) {
			rc = -1;
			break;
		}
		if (tok != TOK_TAG) {
			if (in_c && (in_v || (in_is && in_t && !in_rph)))
				decode(text, len, 0, tok == TOK_CDATA,
				       emit_buf, &val);
			continue;
		}
		l = t->local;
		if (eq(l, "c") && !t->end) {
			in_c = 1;
			buf_reset(&val);
			/* A cell without a reference is the next column. */
			col = attr_get(t, "r", 0, &a) ? ref_column(a.data) : -1;
			if (col < 0)
				col = last_col < FV_MAX_XLSX_COLUMNS - 1 ?
				      last_col + 1 : last_col;
			last_col = col;
			attr_get(t, "t", 0, &a);
			snprintf(type, sizeof(type), "%s", a.data);
			if (!t->empty)
				continue;
		}
		if (eq(l, "c")) {
			if (in_c)
				emit_cell(&f, x, type, &val, col, &cur_col);
			in_c = in_v = in_is = in_t = 0;
		} else if (eq(l, "row")) {
			flow_nl(&f);
			cur_col = last_col = -1;
		} else if (eq(l, "v")) {
			in_v = !t->end && !t->empty;
		} else if (eq(l, "is")) {
			in_is = !t->end && !t->empty;
		} else if (eq(l, "t")) {
			in_t = !t->end && !t->empty;
		} else if (eq(l, "rPh")) {
			if (t->end)
				dec(&in_rph);
			else if (!t->empty)
				in_rph = 1;
		}
	}
	flow_end(&f);
	buf_release(&val);
	buf_release(&a);
	free(t);
	return rc;
}

/* xl/sharedStrings.xml: each <si> is the text of its <t>s, phonetic
 * readings (<rPh>) left out. */
static int
xlsx_strings(const char *s, size_t n, struct xlsx *x, struct error *err)
{
	struct scanner sc;
	struct tag *t = xmalloc(sizeof(*t));
	size_t cap = 0;
	int in_si = 0, in_t = 0, in_rph = 0, rc = 0;

	scanner_init(&sc, s, n, 0, err);
	for (;;) {
		const char *text = NULL, *l;
		size_t len = 0;
		enum tok tok = scan(&sc, t, &text, &len);

		if (tok == TOK_EOF)
			break;
		if (tok == TOK_ERROR) {
			rc = -1;
			break;
		}
		if (tok != TOK_TAG) {
			if (in_si && in_t && !in_rph)
				decode(text, len, 0, tok == TOK_CDATA,
				       emit_buf, &x->strings);
			continue;
		}
		l = t->local;
		if (eq(l, "si")) {
			if (in_si)
				x->index[x->nstrings - 1].len = (uint32_t)
					(x->strings.len -
					 x->index[x->nstrings - 1].off);
			in_si = 0;
			if (t->end || x->nstrings >= FV_MAX_XLSX_STRINGS)
				continue;
			if (x->nstrings == cap) {
				cap = cap ? cap * 2 : 256;
				x->index = xrealloc(x->index,
						    cap * sizeof(*x->index));
			}
			x->index[x->nstrings].off = (uint32_t)x->strings.len;
			x->index[x->nstrings++].len = 0;
			in_si = !t->empty;
		} else if (eq(l, "t")) {
			in_t = !t->end && !t->empty;
		} else if (eq(l, "rPh")) {
			in_rph = !t->end && !t->empty;
		}
	}
	if (in_si)
		x->index[x->nstrings - 1].len = (uint32_t)(x->strings.len -
			x->index[x->nstrings - 1].off);
	free(t);
	return rc;
}

/* xl/workbook.xml: the sheets' r:ids, in order. */
static int
xlsx_workbook(const char *s, size_t n, struct xlsx *x, struct error *err)
{
	struct scanner sc;
	struct tag *t = xmalloc(sizeof(*t));
	struct buf a;
	int rc = 0;

	buf_init(&a, FV_MAX_XML_NAME);
	scanner_init(&sc, s, n, 0, err);
	for (;;) {
		const char *text;
		size_t len;
		enum tok tok = scan(&sc, t, &text, &len);

		if (tok == TOK_EOF)
			break;
		if (tok == TOK_ERROR) {
			rc = -1;
			break;
		}
		if (tok != TOK_TAG || t->end || !eq(t->local, "sheet") ||
		    x->nsheets >= FV_MAX_XLSX_SHEETS)
			continue;
		attr_get(t, "id", 1, &a);
		x->sheet_rid = xrealloc(x->sheet_rid, (x->nsheets + 1) *
					sizeof(char *));
		x->sheet_part = xrealloc(x->sheet_part, (x->nsheets + 1) *
					 sizeof(char *));
		x->sheet_rid[x->nsheets] = xstrdup(a.data);
		x->sheet_part[x->nsheets++] = NULL;
	}
	buf_release(&a);
	free(t);
	return rc;
}

/* xl/_rels/workbook.xml.rels: where each sheet's part is. */
static int
xlsx_rels(const char *s, size_t n, struct xlsx *x, struct error *err)
{
	struct scanner sc;
	struct tag *t = xmalloc(sizeof(*t));
	struct buf id, target;
	int rc = 0;

	buf_init(&id, FV_MAX_XML_NAME);
	buf_init(&target, FV_MAX_XML_NAME);
	scanner_init(&sc, s, n, 0, err);
	for (;;) {
		const char *text;
		size_t len;
		enum tok tok = scan(&sc, t, &text, &len);

		if (tok == TOK_EOF)
			break;
		if (tok == TOK_ERROR) {
			rc = -1;
			break;
		}
		if (tok != TOK_TAG || t->end || !eq(t->local, "Relationship") ||
		    !attr_get(t, "Id", 0, &id) ||
		    !attr_get(t, "Target", 0, &target))
			continue;
		for (size_t i = 0; i < x->nsheets; i++) {
			if (x->sheet_part[i] || !eq(x->sheet_rid[i], id.data))
				continue;
			x->sheet_part[i] = target.data[0] == '/' ?
				xstrdup(target.data + 1) :
				xasprintf("xl/%s", target.data);
		}
	}
	buf_release(&id);
	buf_release(&target);
	free(t);
	return rc;
}

/* ---- zip parts ------------------------------------------------------------ */

struct source {
	const char *path;
	const void *data;
	size_t len;
};

/* Which of the wanted parts name is (an index), or -1. */
typedef int (*want_fn)(void *ctx, const char *name);
typedef int (*part_fn)(void *ctx, int which, const char *data, size_t len,
		       struct error *err);

/*
 * Reads the zip once, handing each wanted part (whole, at most
 * FV_MAX_OFFICE_PART bytes) to fn. Damage, encryption or a part over its
 * limit fail the document: a reader cannot know what the damage hid.
 */
static int
zip_parts(const struct source *src, want_fn want, part_fn fn, void *ctx,
	  struct error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct buf part;
	char *chunk = xmalloc(64 * 1024);
	int rc = -1, r;

	buf_init(&part, FV_MAX_OFFICE_PART);
	archive_read_support_format_zip(a);
	r = src->path ? archive_read_open_filename(a, src->path, 64 * 1024) :
	    archive_read_open_memory(a, src->data, src->len);
	if (r != ARCHIVE_OK) {
		error_set(err, "not a readable zip: %s",
			  archive_error_string(a) ? archive_error_string(a) :
			  "unknown error");
		goto out;
	}
	for (int entries = 0;; entries++) {
		const char *name;
		int which;

		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			error_set(err, "the document is damaged: %s",
				  archive_error_string(a) ?
				  archive_error_string(a) : "unknown error");
			goto out;
		}
		if (entries >= FV_DEFAULT_ARCHIVE_MAX_ENTRIES) {
			error_set(err, "the document has more than %d parts",
				  FV_DEFAULT_ARCHIVE_MAX_ENTRIES);
			goto out;
		}
		name = archive_entry_pathname(e);
		if (name == NULL || (which = want(ctx, name)) < 0)
			continue;
		if (archive_entry_is_encrypted(e)) {
			error_set(err, "the document is encrypted");
			goto out;
		}
		buf_reset(&part);
		buf_addstr(&part, "");
		for (;;) {
			la_ssize_t n = archive_read_data(a, chunk, 64 * 1024);

			if (n == 0)
				break;
			if (n < 0) {
				error_set(err, "%s is damaged: %s", name,
					  archive_error_string(a) ?
					  archive_error_string(a) :
					  "unknown error");
				goto out;
			}
			if (buf_add(&part, chunk, (size_t)n) < 0) {
				error_set(err, "%s is larger than the limit of "
					  "%d bytes", name, FV_MAX_OFFICE_PART);
				goto out;
			}
		}
		if (fn(ctx, which, part.data, part.len, err) < 0)
			goto out;
	}
	rc = 0;
out:
	archive_read_free(a);
	buf_release(&part);
	free(chunk);
	return rc;
}

/* An XML part as UTF-8 (a UTF-16 part converts; a BOM goes). */
struct xml_part {
	const char *s;
	size_t n;
	struct buf conv;
};

static void
xml_part_init(struct xml_part *p, const char *data, size_t len)
{
	buf_init(&p->conv, 0);
	p->s = to_utf8(data, len, 0, &p->conv, &p->n);
}

struct single {
	const char *name;
	int found;
	int (*parse)(const char *, size_t, struct out *, struct error *);
	struct out *o;
};

static int
want_single(void *ctx, const char *name)
{
	struct single *s = ctx;

	return eq(name, s->name) ? 0 : -1;
}

static int
parse_single(void *ctx, int which, const char *data, size_t len,
	     struct error *err)
{
	struct single *s = ctx;
	struct xml_part p;
	int rc;

	xml_part_init(&p, data, len);
	s->found = 1;
	rc = s->parse(p.s, p.n, s->o, err);
	buf_release(&p.conv);
	return rc;
}

static int
office_single(const struct source *src, const char *part, const char *what,
	      int (*parse)(const char *, size_t, struct out *, struct error *),
	      struct out *o, struct error *err)
{
	struct single s = { part, 0, parse, o };

	if (zip_parts(src, want_single, parse_single, &s, err) < 0)
		return -1;
	if (!s.found)
		return error_set(err, "not a %s: it has no %s", what, part);
	o->pages = 1;
	return 0;
}

enum { XLSX_WORKBOOK, XLSX_RELS, XLSX_STRINGS };

static int
want_meta(void *ctx, const char *name)
{
	if (eq(name, "xl/workbook.xml"))
		return XLSX_WORKBOOK;
	if (eq(name, "xl/_rels/workbook.xml.rels"))
		return XLSX_RELS;
	if (eq(name, "xl/sharedStrings.xml"))
		return XLSX_STRINGS;
	return -1;
}

/* The workbook must be parsed before its rels: keep the rels for later. */
struct xlsx_meta {
	struct xlsx *x;
	struct buf rels;
	int have_workbook;
};

static int
parse_meta(void *ctx, int which, const char *data, size_t len,
	   struct error *err)
{
	struct xlsx_meta *m = ctx;
	struct xml_part p;
	int rc = 0;

	xml_part_init(&p, data, len);
	if (which == XLSX_WORKBOOK) {
		m->have_workbook = 1;
		rc = xlsx_workbook(p.s, p.n, m->x, err);
	} else if (which == XLSX_RELS) {
		buf_reset(&m->rels);
		if (buf_add(&m->rels, p.s, p.n) < 0)
			rc = error_set(err, "the workbook's relationships are "
				       "too large");
	} else {
		rc = xlsx_strings(p.s, p.n, m->x, err);
	}
	buf_release(&p.conv);
	return rc;
}

static int
want_sheet(void *ctx, const char *name)
{
	struct xlsx *x = ctx;

	for (size_t i = 0; i < x->nsheets; i++)
		if (x->sheet_part[i] && !x->sheet_done[i] &&
		    eq(name, x->sheet_part[i]))
			return (int)i;
	return -1;
}

static int
parse_sheet(void *ctx, int which, const char *data, size_t len,
	    struct error *err)
{
	struct xlsx *x = ctx;
	struct out *so = &x->sheet_out[which];
	struct xml_part p;
	int rc;

	/* Each sheet gets what the sheets before it (in zip order) left. */
	x->sheet_done[which] = 1;
	out_init(so, x->max_output - x->used);
	xml_part_init(&p, data, len);
	rc = xlsx_sheet_xml(p.s, p.n, x, so, err);
	buf_release(&p.conv);
	x->used += so->b.len;
	return rc;
}

static int
xlsx_text(const struct source *src, struct out *o, struct error *err)
{
	struct xlsx x;
	struct xlsx_meta m;
	int rc = -1;

	memset(&x, 0, sizeof(x));
	buf_init(&x.strings, FV_MAX_OFFICE_PART);
	buf_addstr(&x.strings, "");
	x.max_output = o->b.max;
	m.x = &x;
	m.have_workbook = 0;
	buf_init(&m.rels, FV_MAX_OFFICE_PART);
	buf_addstr(&m.rels, "");
	if (zip_parts(src, want_meta, parse_meta, &m, err) < 0)
		goto out;
	if (!m.have_workbook) {
		error_set(err, "not an XLSX: it has no xl/workbook.xml");
		goto out;
	}
	if (xlsx_rels(m.rels.data, m.rels.len, &x, err) < 0)
		goto out;
	x.sheet_out = xcalloc(x.nsheets ? x.nsheets : 1, sizeof(struct out));
	x.sheet_done = xcalloc(x.nsheets ? x.nsheets : 1, 1);
	if (x.nsheets && zip_parts(src, want_sheet, parse_sheet, &x, err) < 0)
		goto out;
	for (size_t i = 0; i < x.nsheets; i++) {
		if (i > 0)
			out_page(o);
		out_bytes(o, x.sheet_out[i].b.data, x.sheet_out[i].b.len);
		o->truncated |= x.sheet_out[i].truncated;
	}
	o->pages = x.nsheets ? (unsigned)x.nsheets : 1;
	rc = 0;
out:
	for (size_t i = 0; i < x.nsheets; i++) {
		free(x.sheet_rid[i]);
		free(x.sheet_part[i]);
		if (x.sheet_out)
			buf_release(&x.sheet_out[i].b);
	}
	free(x.sheet_rid);
	free(x.sheet_part);
	free(x.sheet_out);
	free(x.sheet_done);
	free(x.index);
	buf_release(&x.strings);
	buf_release(&m.rels);
	return rc;
}

/* ---- plain text and the entry points --------------------------------------- */

static void
plain_text(const char *s, size_t n, struct out *o)
{
	struct buf conv;
	size_t len, i = 0;
	const char *u;

	buf_init(&conv, 0);
	u = to_utf8(s, n, 1, &conv, &len);
	while (i < len && !o->truncated) {
		size_t run = i;

		/* Printable ASCII, the bulk of most text, goes in runs. */
		while (run < len && u[run] >= 0x20 && u[run] < 0x7f)
			run++;
		if (run > i) {
			out_bytes(o, u + i, run - i);
			o->cr = 0;
			i = run;
			continue;
		}
		out_cp(o, utf8_next(u, len, &i));
	}
	o->pages = 1;
	buf_release(&conv);
}

static int
finish(struct out *o, int rc, struct vault_text *ret)
{
	if (rc < 0) {
		buf_release(&o->b);
		return -1;
	}
	memset(ret, 0, sizeof(*ret));
	ret->truncated = o->truncated;
	ret->pages = o->pages;
	ret->text = buf_detach(&o->b, &ret->len);
	return 0;
}

static int
extract(enum vault_kind kind, const struct source *src, size_t max_output,
	struct vault_text *ret, struct error *err)
{
	struct out o;
	int rc = 0;

	out_init(&o, max_output ? max_output : FV_DEFAULT_TEXT_MAX_OUTPUT);
	switch (kind) {
	case VAULT_KIND_TEXT:
	case VAULT_KIND_HTML: {
		size_t n = src->len;

		if (n > FV_MAX_TEXT_INPUT)
			n = FV_MAX_TEXT_INPUT;
		if (kind == VAULT_KIND_TEXT) {
			plain_text(src->data, n, &o);
		} else {
			struct buf conv;
			size_t len;
			const char *u;

			buf_init(&conv, 0);
			u = to_utf8(src->data, n, 1, &conv, &len);
			rc = html_text(u, len, &o, err);
			buf_release(&conv);
		}
		/* Text past the input limit is text we did not keep. */
		if (n < src->len)
			o.truncated = 1;
		break;
	}
	case VAULT_KIND_DOCX:
		rc = office_single(src, "word/document.xml", "DOCX", docx_xml,
				   &o, err);
		break;
	case VAULT_KIND_ODT:
		rc = office_single(src, "content.xml", "ODT", odt_xml, &o, err);
		break;
	case VAULT_KIND_XLSX:
		rc = xlsx_text(src, &o, err);
		break;
	default:
		rc = error_set(err, "no text extraction for %s documents",
			       vault_kind_name(kind));
		break;
	}
	return finish(&o, rc, ret);
}

/* Reads at most max bytes of a regular file into b (initialised here). */
static int
read_file(const char *path, size_t max, struct buf *b, struct error *err)
{
	char *chunk = NULL;
	struct stat sb;
	int fd, rc = -1;

	buf_init(b, max);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_set(err, "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		error_set(err, "%s: not a regular file", path);
		goto out;
	}
	buf_addstr(b, "");
	chunk = xmalloc(64 * 1024);
	while (b->len < max) {
		size_t want = max - b->len < 64 * 1024 ? max - b->len :
			      64 * 1024;
		ssize_t n = read(fd, chunk, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error_set(err, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		buf_add(b, chunk, (size_t)n);
	}
	rc = 0;
out:
	free(chunk);
	close(fd);
	return rc;
}

int
vault_text_extract_file(enum vault_kind kind, const char *path,
			size_t max_output, struct vault_text *ret,
			struct error *err)
{
	struct source src = { path, NULL, 0 };
	struct buf b;
	int rc;

	if (kind != VAULT_KIND_TEXT && kind != VAULT_KIND_HTML)
		return extract(kind, &src, max_output, ret, err);
	/* One byte past the input limit tells extract() to mark the cut. */
	if (read_file(path, (size_t)FV_MAX_TEXT_INPUT + 1, &b, err) < 0) {
		buf_release(&b);
		return -1;
	}
	src.path = NULL;
	src.data = b.data;
	src.len = b.len;
	rc = extract(kind, &src, max_output, ret, err);
	buf_release(&b);
	return rc;
}

int
vault_text_extract_mem(enum vault_kind kind, const void *data, size_t len,
		       size_t max_output, struct vault_text *ret,
		       struct error *err)
{
	struct source src = { NULL, data ? data : "", data ? len : 0 };

	return extract(kind, &src, max_output, ret, err);
}

int
vault_text_from_xml(enum vault_kind kind, const char *xml, size_t len,
		    size_t max_output, struct vault_text *ret,
		    struct error *err)
{
	struct xml_part p;
	struct out o;
	int rc;

	out_init(&o, max_output ? max_output : FV_DEFAULT_TEXT_MAX_OUTPUT);
	xml_part_init(&p, xml ? xml : "", xml ? len : 0);
	if (kind == VAULT_KIND_DOCX)
		rc = docx_xml(p.s, p.n, &o, err);
	else if (kind == VAULT_KIND_ODT)
		rc = odt_xml(p.s, p.n, &o, err);
	else if (kind == VAULT_KIND_XLSX)
		rc = xlsx_sheet_xml(p.s, p.n, NULL, &o, err);
	else
		rc = error_set(err, "%s is not an office XML kind",
			       vault_kind_name(kind));
	o.pages = 1;
	buf_release(&p.conv);
	return finish(&o, rc, ret);
}

void
vault_text_release(struct vault_text *t)
{
	if (t == NULL)
		return;
	free(t->text);
	memset(t, 0, sizeof(*t));
}
