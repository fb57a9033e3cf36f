/*
 * cmd_deadline.c - "foivault deadline": the due date of a request under a
 * jurisdiction's FOI law, and how it was computed.
 *
 * The options are the vocabulary of deadline_input.h (shared with
 * GET /api/v1/deadline, so both give the same date); this file only reads
 * the command line and prints. Plain output puts the due date alone on the
 * first line, for scripts, then the working for people; --json prints
 * deadline_to_json(), whose "due" and "skipped" are a fixed interface.
 *
 * It needs no database: the laws come from the share directory and, if the
 * data directory has them, its per-instance overrides in DATA/laws.
 *
 * Exit status: 2 for a malformed command line (unknown option, a value
 * that is not a date or is out of range, a negative length); 1 for input
 * that is well-formed but cannot be computed (unknown jurisdiction, a
 * country with no FOI law, events that cannot happen, a bad law file).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "cli.h"
#include "deadline.h"
#include "deadline_input.h"
#include "jurisdiction.h"

const char cmd_deadline_usage[] =
	"usage: foivault [--data DIR] deadline --jurisdiction CODE "
	"--received DATE [--json]\n"
	"           [--as-of DATE] [--extension [N][@DATE]]... "
	"[--pause FROM[:TO]]...\n"
	"           [--clarification FROM[:TO]]... "
	"[--clarification-restart DATE]...\n"
	"           [--fee FROM[:TO]]... [--reply DATE] [--appeal-filed DATE] "
	"[--appeal-decided DATE]\n"
	"Prints the date a freedom-of-information request is due under the\n"
	"jurisdiction's law, then how it was computed: day 0, every non-working\n"
	"day skipped and its name, pauses, extensions, the very-overdue date,\n"
	"appeal deadlines and the facts that are not confirmed. Dates are\n"
	"YYYY-MM-DD, 1990 to 2100. 'foivault jurisdictions' lists the codes.\n"
	"  --jurisdiction CODE   the law (GB, EU, US, GB-SCT ...)\n"
	"  --received DATE       day 0: the day the authority received (EU:\n"
	"                        registered) the request\n"
	"  --json                print the result as JSON (\"due\", \"skipped\" ...)\n"
	"  --as-of DATE          also say whether it is overdue or very overdue\n"
	"                        on that day\n"
	"  --extension [N][@DATE]  the authority extended the time by N units of\n"
	"                        the law's extension (default: its usual length),\n"
	"                        on DATE (default: day 0); repeatable\n"
	"  --pause FROM[:TO]     the clock stopped from FROM to TO, both\n"
	"                        included, for whatever the law stops it for\n"
	"                        (clarification, else a fee); no TO: still\n"
	"                        stopped, so no due date yet\n"
	"  --clarification FROM[:TO]  clarification asked FROM, given TO; the\n"
	"                        law says whether that pauses or restarts\n"
	"  --clarification-restart DATE  a clarification arrived on DATE and\n"
	"                        restarts the clock (laws that restart only)\n"
	"  --fee FROM[:TO]       fee notice FROM, paid TO\n"
	"  --reply DATE          the authority replied (starts the appeal window)\n"
	"  --appeal-filed DATE   the requester appealed (internal review ...)\n"
	"  --appeal-decided DATE the appeal was decided\n"
	"Events on the same day apply in the order given. Exit status 1 for an\n"
	"unknown jurisdiction or events that cannot happen, 2 for a bad option.\n";

/* "Fri 2025-12-19" into buf. */
static const char *
short_date(int day, char *buf, size_t n)
{
	char d[CALENDAR_DATE_LEN];

	snprintf(buf, n, "%.3s %s", calendar_weekday_name(
			 calendar_weekday(day)), calendar_format_date(day, d));
	return buf;
}

static void
print_skipped(const struct deadline_period *p, const char *title)
{
	char day[32];

	if (!p->set || p->nskipped == 0)
		return;
	printf("\n%s:\n", title);
	for (size_t i = 0; i < p->nskipped; i++) {
		const struct deadline_skip *s = &p->skipped[i];

		printf("  %s  %s%s%s\n", short_date(s->day, day, sizeof(day)),
		       s->name ? s->name : "",
		       s->unverified ? " (unverified holiday)" : "",
		       s->rolled ? " (the last day moved past it)" : "");
	}
}

static void
print_plain(const struct deadline *d)
{
	const struct jurisdiction *j = d->jurisdiction;
	char a[32], b[32], text[96];

	if (d->current.set)
		printf("%s\n", calendar_format_date(d->current.due, a));
	else
		printf("none\n");
	printf("\n  jurisdiction    %s, %s\n", j->code, j->name);
	printf("  law             %s\n", j->citation);
	printf("  received        %s\n", short_date(d->received, a, sizeof(a)));
	{
		const struct deadline_period *p = d->current.set ?
			&d->current : &d->initial;

		if (p->day0 != d->received)
			printf("  day 0           %s (%s)\n",
			       short_date(p->day0, a, sizeof(a)),
			       p->day0_reason);
	}
	if (d->current.set) {
		struct jurisdiction_period p = { 0 };

		p.n = d->current.n;
		p.unit = d->current.unit;
		printf("  due             %s (%s", short_date(d->current.due,
		       a, sizeof(a)), jurisdiction_period_text(&p, text,
							       sizeof(text)));
		if (d->initial.due != d->current.due)
			printf("; %s without the events",
			       short_date(d->initial.due, b, sizeof(b)));
		printf(")\n");
	} else {
		printf("  due             none: the clock is stopped since "
		       "%s\n", short_date(d->paused_since, a, sizeof(a)));
	}
	if (d->very_overdue.set)
		printf("  very overdue    after %s\n",
		       short_date(d->very_overdue.due, a, sizeof(a)));
	for (size_t i = 0; i < d->npauses; i++) {
		const struct deadline_pause *p = &d->pauses[i];
		enum jurisdiction_stop rule = p->reason == DEADLINE_PAUSE_FEE ?
			j->fee : j->clarification;

		printf("  %-15s %s to %s, %s", p->reason == DEADLINE_PAUSE_FEE ?
		       "fee" : "clarification",
		       short_date(p->start, a, sizeof(a)), p->end >= 0 ?
		       short_date(p->end, b, sizeof(b)) : "(not yet)",
		       p->restart ? "restarts the clock" :
		       rule == JUR_STOP_PAUSE ? "clock stopped" :
		       "does not stop the clock");
		if (p->end >= 0 && rule == JUR_STOP_PAUSE)
			printf(" (%d days, %d working days)", p->days,
			       p->working_days);
		printf("\n");
	}
	for (size_t i = 0; i < d->nextensions; i++) {
		const struct deadline_extension *e = &d->extensions[i];

		printf("  extension       %s: ",
		       short_date(e->day, a, sizeof(a)));
		if (e->unit != JUR_UNIT_NONE) {
			struct jurisdiction_period p = { 0 };

			p.n = e->amount;
			p.unit = e->unit;
			printf("%s%s", jurisdiction_period_text(&p, text,
								sizeof(text)),
			       e->appeal ? " (appeal decision)" : "");
		}
		printf("%s%s\n", e->note ? (e->unit != JUR_UNIT_NONE ? "; " :
			"") : "", e->note ? e->note : "");
	}
	if (d->reply >= 0)
		printf("  reply           %s\n",
		       short_date(d->reply, a, sizeof(a)));
	if (d->appeal_window.set)
		printf("  %-15s %s%s (%s)\n", "appeal by",
		       short_date(d->appeal_window.due, a, sizeof(a)),
		       d->appeal_deemed ? ", if no reply by the due date" : "",
		       *j->appeal_name ? j->appeal_name : "appeal");
	if (d->appeal_decision.set)
		printf("  %-15s %s\n", "appeal decision",
		       short_date(d->appeal_decision.due, a, sizeof(a)));
	if (d->as_of >= 0) {
		printf("  status          %s on %s",
		       deadline_status_name(d->status),
		       short_date(d->as_of, a, sizeof(a)));
		if (d->overdue)
			printf(" (%d day%s past the due date)",
			       d->as_of - d->current.due,
			       d->as_of - d->current.due == 1 ? "" : "s");
		if (d->appeal_overdue)
			printf("; the appeal decision is overdue");
		printf("\n");
	}
	if (d->nunverified > 0) {
		printf("  unverified      ");
		for (size_t i = 0; i < d->nunverified; i++)
			printf("%s%s", i ? ", " : "", d->unverified[i].what);
		printf(" (see the end)\n");
	}
	print_skipped(&d->current, "Not counted");
	if (d->appeal_window.set)
		print_skipped(&d->appeal_window, "Not counted in the appeal "
			      "window");
	if (d->appeal_decision.set)
		print_skipped(&d->appeal_decision, "Not counted for the appeal "
			      "decision");
	printf("\n%s\n", d->explanation);
}

/* "--name" or "--name=value"; a lone "-5" is a value, not an option. */
static int
is_option(const char *a)
{
	return a[0] == '-' && a[1] == '-' && a[2] != '\0';
}

int
cmd_deadline(struct cli *cli, int argc, char **argv)
{
	struct deadline_input in;
	struct jurisdiction_set *laws = NULL;
	const struct jurisdiction *j;
	struct deadline_event *ev = NULL;
	struct deadline *d = NULL;
	struct error err;
	size_t nev = 0;
	int json = 0, rc = EXIT_USER;

	deadline_input_init(&in, 0);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *value = NULL, *eq;
		char name[40];
		size_t len;
		int r;

		if (strcmp(a, "--json") == 0) {
			json = 1;
			continue;
		}
		if (!is_option(a)) {
			rc = cli_usage_error(cli, "unexpected argument '%s'", a);
			goto out;
		}
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) - 2 : strlen(a + 2);
		/* One spelling on the command line: dashes. */
		if (len >= sizeof(name) || memchr(a + 2, '_', len) != NULL) {
			rc = cli_usage_error(cli, "unknown option '%s'", a);
			goto out;
		}
		memcpy(name, a + 2, len);
		name[len] = '\0';
		/* A value never starts with "--": "--extension --json". */
		if (eq)
			value = eq + 1;
		else if (i + 1 < argc && !is_option(argv[i + 1]))
			value = argv[++i];
		r = deadline_input_set(&in, name, value, &err);
		if (r == -2) {
			rc = cli_usage_error(cli, "unknown option '%s'", a);
			goto out;
		}
		if (r < 0) {
			rc = cli_usage_error(cli, "%s", err.msg);
			goto out;
		}
	}
	if (in.jurisdiction == NULL) {
		rc = cli_usage_error(cli, "--jurisdiction CODE is required "
				     "('foivault jurisdictions' lists them)");
		goto out;
	}
	if (in.received < 0) {
		rc = cli_usage_error(cli, "--received DATE is required");
		goto out;
	}
	if (cli_load_laws(cli, &laws, &err) < 0)
		goto fail;
	j = jurisdiction_set_lookup(laws, in.jurisdiction, &err);
	if (j == NULL ||
	    deadline_input_events(&in, j, &ev, &nev, &err) < 0 ||
	    deadline_compute(j, in.received, ev, nev, in.as_of, &d, &err) < 0)
		goto fail;
	if (json) {
		json_t *o = deadline_to_json(d);

		json_dumpf(o, stdout, JSON_INDENT(2));
		json_decref(o);
		putchar('\n');
	} else {
		print_plain(d);
	}
	rc = EXIT_OK;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		error_set(&err, "cannot write the result");
		goto fail;
	}
	goto out;
fail:
	rc = cli_fail(&err);
out:
	deadline_free(d);
	free(ev);
	jurisdiction_set_free(laws);
	deadline_input_release(&in);
	return rc;
}
