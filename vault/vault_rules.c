/*
 * vault_rules.c - see vault_rules.h.
 *
 * The rules are phrases, each with a weight: a WTO symbol prefix or a long
 * specific phrase is strong evidence on its own (weight 3), a short or
 * common word needs company (weight 1). A slug's score is the weighted hit
 * count over 6, capped at 1, and a link is suggested from 0.5 up: one
 * strong hit, or three weak ones. Acronyms match case-sensitively on word
 * boundaries ("TPP", not "stepped"); phrases match case-insensitively
 * (ASCII case; accents are matched as written).
 */
#include "config.h"

#include "vault_rules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

#define RULE_CASE 1  /* match case exactly */
#define RULE_WORD 2  /* whole words only */
#define RULE_MAX_COUNT 50
#define RULE_THRESHOLD 0.5

struct rule {
	const char *what;
	const char *slug;
	const char *pattern;
	int flags;
	int weight;
};

static const struct rule rules[] = {
	/* Negotiations. */
	{ "negotiation", "wto-jsi-ecommerce", "INF/ECOM/", RULE_CASE, 3 },
	{ "negotiation", "wto-jsi-ecommerce", "joint statement initiative", 0, 3 },
	{ "negotiation", "wto-jsi-ecommerce",
	  "joint statement on electronic commerce", 0, 3 },
	{ "negotiation", "wto-jsi-ecommerce", "JSI", RULE_CASE | RULE_WORD, 1 },
	{ "negotiation", "wto-mc11", "WT/MIN(17)", RULE_CASE, 3 },
	{ "negotiation", "wto-mc11", "MC11", RULE_CASE | RULE_WORD, 3 },
	{ "negotiation", "wto-mc11", "11th ministerial conference", 0, 3 },
	{ "negotiation", "wto-mc11", "buenos aires ministerial", 0, 3 },
	{ "negotiation", "wto-mc12", "WT/MIN(22)", RULE_CASE, 3 },
	{ "negotiation", "wto-mc12", "MC12", RULE_CASE | RULE_WORD, 3 },
	{ "negotiation", "wto-mc12", "12th ministerial conference", 0, 3 },
	{ "negotiation", "wto-work-programme-ecommerce",
	  "work programme on electronic commerce", 0, 3 },
	{ "negotiation", "wto-work-programme-ecommerce", "WT/L/274", RULE_CASE, 3 },
	{ "negotiation", "tpp", "trans-pacific partnership", 0, 3 },
	{ "negotiation", "tpp", "TPP", RULE_CASE | RULE_WORD, 3 },
	{ "negotiation", "cptpp", "CPTPP", RULE_CASE | RULE_WORD, 3 },
	{ "negotiation", "cptpp", "comprehensive and progressive agreement", 0, 3 },
	{ "negotiation", "tisa", "TiSA", RULE_CASE | RULE_WORD, 3 },
	{ "negotiation", "tisa", "trade in services agreement", 0, 3 },
	{ "negotiation", "rcep", "RCEP", RULE_CASE | RULE_WORD, 3 },
	{ "negotiation", "rcep", "regional comprehensive economic partnership",
	  0, 3 },
	{ "negotiation", "ttip", "TTIP", RULE_CASE | RULE_WORD, 3 },
	{ "negotiation", "ttip", "transatlantic trade and investment", 0, 3 },
	{ "negotiation", "usmca", "USMCA", RULE_CASE | RULE_WORD, 3 },
	{ "negotiation", "usmca", "CUSMA", RULE_CASE | RULE_WORD, 3 },
	{ "negotiation", "usmca", "T-MEC", RULE_CASE | RULE_WORD, 3 },
	{ "negotiation", "usmca", "united states-mexico-canada", 0, 3 },
	{ "negotiation", "depa", "DEPA", RULE_CASE | RULE_WORD, 3 },
	{ "negotiation", "depa", "digital economy partnership agreement", 0, 3 },

	/* Issues. */
	{ "issue", "cross-border-data-flows", "cross-border data", 0, 3 },
	{ "issue", "cross-border-data-flows", "cross-border transfer of "
	  "information", 0, 3 },
	{ "issue", "cross-border-data-flows", "free flow of data", 0, 3 },
	{ "issue", "cross-border-data-flows", "data flows", 0, 1 },
	{ "issue", "cross-border-data-flows", "flux de données", 0, 3 },
	{ "issue", "cross-border-data-flows", "flujo transfronterizo", 0, 3 },
	{ "issue", "data-localisation", "data localisation", 0, 3 },
	{ "issue", "data-localisation", "data localization", 0, 3 },
	{ "issue", "data-localisation", "location of computing facilities", 0, 3 },
	{ "issue", "data-localisation", "localisation", 0, 1 },
	{ "issue", "data-localisation", "localization", 0, 1 },
	{ "issue", "source-code", "source code", 0, 3 },
	{ "issue", "source-code", "code source", 0, 1 },
	{ "issue", "source-code", "código fuente", 0, 3 },
	{ "issue", "source-code", "algorithm", 0, 1 },
	{ "issue", "encryption", "encryption", 0, 1 },
	{ "issue", "encryption", "cryptograph", 0, 3 },
	{ "issue", "encryption", "chiffrement", 0, 3 },
	{ "issue", "encryption", "cifrado", 0, 1 },
	{ "issue", "spam", "unsolicited commercial electronic", 0, 3 },
	{ "issue", "spam", "unsolicited commercial messages", 0, 3 },
	{ "issue", "spam", "spam", RULE_WORD, 1 },
	{ "issue", "e-signatures", "electronic signature", 0, 3 },
	{ "issue", "e-signatures", "e-signature", 0, 3 },
	{ "issue", "e-signatures", "electronic authentication", 0, 3 },
	{ "issue", "consumer-protection", "consumer protection", 0, 1 },
	{ "issue", "consumer-protection", "online consumer", 0, 3 },
	{ "issue", "consumer-protection", "protection des consommateurs", 0, 1 },
	{ "issue", "consumer-protection", "protección del consumidor", 0, 1 },
	{ "issue", "privacy", "personal information", 0, 1 },
	{ "issue", "privacy", "personal data", 0, 1 },
	{ "issue", "privacy", "privacy", 0, 1 },
	{ "issue", "privacy", "data protection", 0, 1 },
	{ "issue", "privacy", "données personnelles", 0, 1 },
	{ "issue", "privacy", "datos personales", 0, 1 },
	{ "issue", "net-neutrality", "net neutrality", 0, 3 },
	{ "issue", "net-neutrality", "network neutrality", 0, 3 },
	{ "issue", "net-neutrality", "open internet", 0, 1 },
	{ "issue", "customs-duties-electronic-transmissions",
	  "customs duties on electronic transmissions", 0, 3 },
	{ "issue", "customs-duties-electronic-transmissions", "moratorium", 0, 1 },
	{ "issue", "customs-duties-electronic-transmissions",
	  "electronic transmissions", 0, 1 },
	{ "issue", "intermediary-liability", "intermediary liability", 0, 3 },
	{ "issue", "intermediary-liability", "interactive computer service", 0, 3 },
	{ "issue", "intermediary-liability", "safe harbour", 0, 1 },
	{ "issue", "intermediary-liability", "safe harbor", 0, 1 },
	{ "issue", "intellectual-property", "intellectual property", 0, 1 },
	{ "issue", "intellectual-property", "copyright", 0, 1 },
	{ "issue", "intellectual-property", "TRIPS", RULE_CASE | RULE_WORD, 3 },
	{ "issue", "cybersecurity", "cybersecurity", 0, 1 },
	{ "issue", "cybersecurity", "cyber security", 0, 1 },
	{ "issue", "cybersecurity", "cybersécurité", 0, 1 },
	{ "issue", "transparency", "transparency", 0, 1 },
	{ "issue", "transparency", "public participation", 0, 1 },
	{ "issue", "transparency", "multi-stakeholder", 0, 1 },
};

static int
is_word_byte(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* Occurrences of pat in hay (lowered or not), honouring RULE_WORD. */
static int
count(const char *hay, size_t len, const char *pat, int flags)
{
	size_t plen = strlen(pat);
	const char *p = hay, *end = hay + len;
	int n = 0;

	while (p + plen <= end && n < RULE_MAX_COUNT) {
		const char *hit = memmem(p, (size_t)(end - p), pat, plen);

		if (hit == NULL)
			break;
		if (!(flags & RULE_WORD) ||
		    ((hit == hay || !is_word_byte((unsigned char)hit[-1])) &&
		     (hit + plen == end ||
		      !is_word_byte((unsigned char)hit[plen]))))
			n++;
		p = hit + plen;
	}
	return n;
}

size_t
vault_rules_match(const char *text, size_t len, struct vault_rule_hit *hits,
		  size_t max)
{
	char *low = xmalloc(len + 1);
	size_t nhits = 0;

	for (size_t i = 0; i < len; i++)
		low[i] = (char)tolower((unsigned char)text[i]);
	low[len] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		const struct rule *r = &rules[i];
		char lowpat[128];
		int n, weighted;
		double score;
		size_t k;

		if (r->flags & RULE_CASE) {
			n = count(text, len, r->pattern, r->flags);
		} else {
			size_t pl = strlen(r->pattern);

			if (pl >= sizeof(lowpat))
				continue;
			for (size_t j = 0; j <= pl; j++)
				lowpat[j] = (char)tolower(
					(unsigned char)r->pattern[j]);
			n = count(low, len, lowpat, r->flags);
		}
		if (n == 0)
			continue;
		weighted = n * r->weight;
		for (k = 0; k < nhits; k++)
			if (strcmp(hits[k].slug, r->slug) == 0 &&
			    strcmp(hits[k].what, r->what) == 0)
				break;
		score = (double)weighted / 6.0;
		if (k < nhits) {
			/* Evidence adds up across a slug's phrases. */
			hits[k].score += score;
			if (hits[k].score > 1)
				hits[k].score = 1;
			continue;
		}
		if (nhits == max)
			continue;
		hits[nhits].what = r->what;
		hits[nhits].slug = r->slug;
		hits[nhits].score = score > 1 ? 1 : score;
		snprintf(hits[nhits].rule, sizeof(hits[nhits].rule),
			 "\"%s\" found %d time%s", r->pattern, n,
			 n == 1 ? "" : "s");
		nhits++;
	}
	free(low);
	/* Keep only what passes the threshold, in place. */
	{
		size_t out = 0;

		for (size_t k = 0; k < nhits; k++)
			if (hits[k].score >= RULE_THRESHOLD - 1e-9)
				hits[out++] = hits[k];
		nhits = out;
	}
	return nhits;
}

/* ---- the document's own reference and date --------------------------- */

static const char *const symbol_prefixes[] = {
	"JOB/", "INF/", "WT/", "S/C/", "S/L/", "G/", "TN/", "IP/C/", "WT/MIN(",
};

static int
symbol_byte(unsigned char c)
{
	return isalnum(c) || c == '/' || c == '(' || c == ')' || c == '.' ||
	       c == '-';
}

/* A WTO symbol at p: a known prefix, then symbol bytes; trimmed. */
static size_t
wto_symbol_at(const char *p, const char *end)
{
	size_t n = 0, slashes = 0;
	int depth = 0;

	for (size_t i = 0; i < ARRAY_SIZE(symbol_prefixes); i++) {
		size_t pl = strlen(symbol_prefixes[i]);

		if ((size_t)(end - p) >= pl &&
		    memcmp(p, symbol_prefixes[i], pl) == 0)
			goto found;
	}
	return 0;
found:
	while (p + n < end && n < 64 && symbol_byte((unsigned char)p[n])) {
		if (p[n] == '(')
			depth++;
		else if (p[n] == ')' && --depth < 0)
			break;
		if (p[n] == '/')
			slashes++;
		n++;
	}
	while (n > 0 && (p[n - 1] == '.' || p[n - 1] == '-' || p[n - 1] == '/'
			 || p[n - 1] == '('))
		n--;
	/* JOB/GC/178 has two slashes; a lone "G/" is not a symbol. */
	if (slashes < 1 || n < 4 || !isalnum((unsigned char)p[n - 1]))
		return 0;
	return n;
}

/* EU Council "ST 9876/19" (optionally "ST 9876 2019 INIT"), "COM(2018) 123". */
static size_t
eu_symbol_at(const char *p, const char *end)
{
	const char *q = p;

	if (end - p >= 6 && memcmp(p, "ST ", 3) == 0 &&
	    isdigit((unsigned char)p[3])) {
		q = p + 3;
		while (q < end && isdigit((unsigned char)*q))
			q++;
		if (q + 2 < end && *q == '/' && isdigit((unsigned char)q[1]) &&
		    isdigit((unsigned char)q[2]))
			return (size_t)(q + 3 - p);
		return 0;
	}
	if (end - p >= 11 && (memcmp(p, "COM(", 4) == 0 ||
			      memcmp(p, "SWD(", 4) == 0) &&
	    isdigit((unsigned char)p[4]) && p[8] == ')' && p[9] == ' ' &&
	    isdigit((unsigned char)p[10])) {
		q = p + 10;
		while (q < end && isdigit((unsigned char)*q))
			q++;
		return (size_t)(q - p);
	}
	return 0;
}

static const char *const months[][3] = {
	{ "january", "janvier", "enero" },     { "february", "février", "febrero" },
	{ "march", "mars", "marzo" },          { "april", "avril", "abril" },
	{ "may", "mai", "mayo" },              { "june", "juin", "junio" },
	{ "july", "juillet", "julio" },        { "august", "août", "agosto" },
	{ "september", "septembre", "septiembre" },
	{ "october", "octobre", "octubre" },   { "november", "novembre", "noviembre" },
	{ "december", "décembre", "diciembre" },
};

static int
month_at(const char *p, const char *end, size_t *ret_len)
{
	for (int m = 0; m < 12; m++)
		for (int l = 0; l < 3; l++) {
			size_t ml = strlen(months[m][l]);

			if ((size_t)(end - p) >= ml &&
			    strncasecmp(p, months[m][l], ml) == 0 &&
			    (p + ml == end || !isalpha((unsigned char)p[ml]))) {
				*ret_len = ml;
				return m + 1;
			}
		}
	return 0;
}

static int
valid_ymd(int y, int m, int d)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
				     30, 31 };

	return y >= 1980 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= mdays[m - 1] &&
	       !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) ||
					y % 400 == 0));
}

/* "19 April 2018", "19 de abril de 2018", "2018-04-19", "19/04/2018". */
static int
date_at(const char *p, const char *end, int *y, int *m, int *d)
{
	char *e;
	long v;
	size_t ml;
	const char *q;

	if (!isdigit((unsigned char)*p))
		return 0;
	v = strtol(p, &e, 10);
	if (e - p == 4 && e + 6 <= end && e[0] == '-' &&
	    sscanf(p, "%4d-%2d-%2d", y, m, d) == 3)
		return valid_ymd(*y, *m, *d);
	if (e - p <= 2 && e < end && e[0] == '/' &&
	    sscanf(p, "%2d/%2d/%4d", d, m, y) == 3)
		return valid_ymd(*y, *m, *d);
	if (e - p > 2)
		return 0;
	q = e;
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if ((size_t)(end - q) > 3 && strncasecmp(q, "de ", 3) == 0)
		q += 3;
	*m = month_at(q, end, &ml);
	if (*m == 0)
		return 0;
	q += ml;
	while (q < end && (*q == ' ' || *q == ','))
		q++;
	if ((size_t)(end - q) > 3 && strncasecmp(q, "de ", 3) == 0)
		q += 3;
	if (end - q < 4 || sscanf(q, "%4d", y) != 1)
		return 0;
	*d = (int)v;
	return valid_ymd(*y, *m, *d);
}

void
vault_rules_reference(const char *text, size_t len, char **ret_ref,
		      char **ret_date)
{
	/* Symbols and dates sit in a document's head. */
	const char *end = text + (len < 4000 ? len : 4000);

	*ret_ref = NULL;
	*ret_date = NULL;
	for (const char *p = text; p < end; p++) {
		if (*ret_ref == NULL && (p == text || !symbol_byte(
				(unsigned char)p[-1]))) {
			size_t n = wto_symbol_at(p, end);

			if (n == 0)
				n = eu_symbol_at(p, end);

			if (n > 0) {
				*ret_ref = xstrndup(p, n);
				p += n - 1;
				continue;
			}
		}
		if (*ret_date == NULL && (p == text || !isdigit(
				(unsigned char)p[-1]))) {
			int y, m, d;

			if (date_at(p, end, &y, &m, &d))
				*ret_date = xasprintf("%04d-%02d-%02d", y, m,
						      d);
		}
		if (*ret_ref && *ret_date)
			break;
	}
}
