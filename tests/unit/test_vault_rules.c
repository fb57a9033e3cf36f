/* test_vault_rules.c - link suggestions and reference/date recognition. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util.h"
#include "vault_rules.h"

static const struct vault_rule_hit *
find(const struct vault_rule_hit *h, size_t n, const char *slug)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(h[i].slug, slug) == 0)
			return &h[i];
	return NULL;
}

static size_t
match(const char *text, struct vault_rule_hit *h)
{
	return vault_rules_match(text, strlen(text), h, 64);
}

static void
ref(const char *text, const char *want_ref, const char *want_date)
{
	char *r, *d;

	vault_rules_reference(text, strlen(text), &r, &d);
	is_str(r, want_ref, "reference in '%.40s'", text);
	is_str(d, want_date, "date in '%.40s'", text);
	free(r);
	free(d);
}

int
main(void)
{
	struct vault_rule_hit h[64];
	const struct vault_rule_hit *x;
	size_t n;

	n = match("Members shall not require the transfer of, or access to, "
		  "source code of software owned by a person of another Member.", h);
	x = find(h, n, "source-code");
	ok(x != NULL && x->score >= 0.5, "one 'source code' phrase links the issue");
	ok(x && strstr(x->rule, "source code") != NULL, "the rule says why: %s",
	   x ? x->rule : "");
	ok(find(h, n, "spam") == NULL, "nothing else is suggested");

	n = match("This proposal (INF/ECOM/62) on electronic commerce", h);
	ok(find(h, n, "wto-jsi-ecommerce") != NULL, "an INF/ECOM symbol links the JSI");

	n = match("privacy matters", h);
	ok(find(h, n, "privacy") == NULL, "one weak word is not enough");
	n = match("privacy, personal data and personal information", h);
	ok(find(h, n, "privacy") != NULL, "three weak words are");

	n = match("The TPP text and the stepped approach", h);
	ok(find(h, n, "tpp") != NULL, "the acronym TPP");
	n = match("a stepped approach, tppx and tpp", h);
	ok(find(h, n, "tpp") == NULL, "not inside words, not in lower case");

	n = match("Customs duties on electronic transmissions: the moratorium", h);
	x = find(h, n, "customs-duties-electronic-transmissions");
	ok(x && x->score <= 1.0, "scores are capped at 1");
	n = match("", h);
	is_int(n, 0, "empty text, no hits");

	ref("WORLD TRADE ORGANIZATION\nINF/ECOM/62\n25 April 2019\n", "INF/ECOM/62",
	    "2019-04-25");
	ref("JOB/GC/178 of 19 March 2018", "JOB/GC/178", "2018-03-19");
	ref("WT/MIN(17)/60\n13 December 2017", "WT/MIN(17)/60", "2017-12-13");
	ref("Réf. INF/ECOM/22/Rev.1, le 3 avril 2019.", "INF/ECOM/22/Rev.1",
	    "2019-04-03");
	ref("Ginebra, 12 de marzo de 2020 — JOB/GC/200", "JOB/GC/200", "2020-03-12");
	ref("Council ST 9876/19 of 2019-05-21", "ST 9876/19", "2019-05-21");
	ref("COM(2018) 123 final", "COM(2018) 123", NULL);
	ref("no symbol, 31 February 2019, 31/02/2019", NULL, NULL);
	ref("G/ alone and 99/99/2019", NULL, NULL);
	return done_testing();
}
