/*
 * deadline_input.h - what a user tells us about a request, in the words of
 * the CLI (`foivault deadline --pause FROM:TO ...`) and of the API's query
 * string (`GET /api/v1/deadline?pause=FROM:TO&...`), turned into the
 * events deadline_compute() takes.
 *
 * The two interfaces share one vocabulary, so that a date computed on the
 * command line and by the server cannot differ:
 *
 *   jurisdiction CODE            received DATE           as-of DATE
 *   pause FROM[:TO]              the clock stopped, for whatever the law
 *                                stops it for (a request for clarification
 *                                if it pauses for that, else a fee notice)
 *   clarification FROM[:TO]      asked FROM, answered TO; the law decides
 *                                whether that pauses or restarts the clock
 *   clarification-restart DATE   the clarification that arrived on DATE
 *                                restarts the clock (restart laws only)
 *   fee FROM[:TO]                fee notice FROM, paid TO
 *   extension [N][@DATE]         N units of the law's extension (default:
 *                                its usual length), taken on DATE (default:
 *                                day 0 of the running clock)
 *   reply DATE, appeal-filed DATE, appeal-decided DATE
 *
 * A missing TO means "not answered yet": the clock stays stopped and there
 * is no due date. Events on the same day apply in the order given.
 * Values are checked when they are set (dates, numbers); what depends on
 * the law (which pause, the default extension date) when the events are
 * made.
 */
#ifndef FOIVAULT_DEADLINE_INPUT_H
#define FOIVAULT_DEADLINE_INPUT_H

#include <stddef.h>

#include "deadline.h"
#include "jurisdiction.h"
#include "util.h"

/* Longest jurisdiction code accepted as input ("US-CA", "GB-SCT"). */
#define DEADLINE_INPUT_MAX_CODE 32

struct deadline_input_item;

struct deadline_input {
	char *jurisdiction;	/* as given, or NULL */
	int received;		/* -1 until given */
	int as_of;		/* -1: none */
	int api;		/* name options "as_of" in messages, not "as-of" */
	struct deadline_input_item *items;
	size_t nitems;
};

/* api != 0: messages name options the API's way (underscores). */
void deadline_input_init(struct deadline_input *in, int api);
void deadline_input_release(struct deadline_input *in);

/*
 * Applies one option, named as in the list above (dashes; underscores are
 * accepted for them). value may be NULL or "" only for "extension". Returns
 * 0; -1 with "NAME: why" in err for a bad value (not a date, impossible,
 * out of range, negative, too many); -2 with a message for an unknown name.
 * Options other than pause, clarification, fee and extension may be given
 * once.
 */
int deadline_input_set(struct deadline_input *in, const char *name,
		       const char *value, struct error *err);

/*
 * The events under law j, in an allocated array (free() it), ready for
 * deadline_compute(). Fails with a message when the input does not fit the
 * law: a pause under a law that stops the clock for nothing, a
 * clarification restart under a law that does not restart.
 */
int deadline_input_events(const struct deadline_input *in,
			  const struct jurisdiction *j,
			  struct deadline_event **ret, size_t *ret_n,
			  struct error *err);

#endif
