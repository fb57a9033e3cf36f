/*
 * vault_rules.h - suggesting links from a document's text to negotiations
 * and policy issues, and recognising the document's own reference (WTO
 * symbols such as JOB/GC/178 or INF/ECOM/62, EU document numbers) and date.
 *
 * A suggestion carries a score in (0, 1] and the rule that made it, so that
 * a reader can see why a document was linked; the store keeps a manual
 * decision over any suggestion.
 */
#ifndef FOIVAULT_VAULT_RULES_H
#define FOIVAULT_VAULT_RULES_H

#include <stddef.h>

#define VAULT_RULE_DESC 160

struct vault_rule_hit {
	const char *what;   /* "negotiation" or "issue" */
	const char *slug;
	double score;
	char rule[VAULT_RULE_DESC]; /* e.g. phrase "source code" found 4 times */
};

/*
 * Matches the rules against text (UTF-8). Returns the number of hits
 * written to hits (at most max), strongest rule per slug.
 */
size_t vault_rules_match(const char *text, size_t len,
			 struct vault_rule_hit *hits, size_t max);

/*
 * Finds the document's own symbol and date in its first page: the first
 * WTO-style symbol (JOB/GC/178, INF/ECOM/62, WT/MIN(17)/60, WT/L/274,
 * S/C/W/359 ...) or EU document number (ST 1234/19, COM(2018) 123), and a
 * date written next to it ("19 April 2018", "2018-04-19", "19/04/2018").
 * ret_ref and ret_date (YYYY-MM-DD) are newly allocated, or NULL.
 */
void vault_rules_reference(const char *text, size_t len, char **ret_ref,
			   char **ret_date);

#endif
