/*
 * cmd_jurisdictions.c - "foivault jurisdictions": the FOI laws foivault
 * knows, one law in detail, and a law's holidays for a year.
 *
 *   jurisdictions [--json]                      codes, names, deadlines
 *   jurisdictions show CODE [--json]            the law, fact by fact, with
 *                                               citations and what is not
 *                                               confirmed
 *   jurisdictions holidays CODE [--year YYYY] [--json]
 *
 * The JSON is the same as the API's (GET /api/v1/jurisdictions ...). Like
 * `deadline`, it needs no database: the laws come from the share directory
 * and the instance's DATA/laws, if there is one.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "cli.h"
#include "jurisdiction.h"

const char cmd_jurisdictions_usage[] =
	"usage: foivault [--data DIR] jurisdictions [--json]\n"
	"       foivault [--data DIR] jurisdictions show CODE [--json]\n"
	"       foivault [--data DIR] jurisdictions holidays CODE "
	"[--year YYYY] [--json]\n"
	"Lists the freedom-of-information laws foivault knows (code, initial\n"
	"deadline, name); 'show' prints one law fact by fact, with its\n"
	"citations and the facts that are not confirmed; 'holidays' lists its\n"
	"holidays and closures of a year (default: this year). Laws come from\n"
	"the share directory's laws/ and the instance's DIR/laws.\n"
	"  --json       print JSON (the API's answer)\n"
	"  --year YYYY  the year for 'holidays' (1990 to 2100)\n";

static void
print_json(json_t *o)
{
	json_dumpf(o, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(o);
}

static int
list(const struct jurisdiction_set *laws, int json)
{
	json_t *arr = json_array();
	size_t n = jurisdiction_set_count(laws);

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, jurisdiction_summary_to_json(
			jurisdiction_set_at(laws, i)));
	if (json) {
		print_json(json_pack("{s:o}", "results", arr));
		return EXIT_OK;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(arr, i);
		const char *deadline = json_string_value(json_object_get(
			o, "deadline"));

		printf("%-7s %-28s %s\n",
		       json_string_value(json_object_get(o, "code")),
		       json_is_true(json_object_get(o, "no_foi_law")) ?
		       "no FOI law" : deadline ? deadline : "-",
		       json_string_value(json_object_get(o, "name")));
	}
	json_decref(arr);
	return EXIT_OK;
}

/* One fact: its value, where the law says it, and any doubt about it. */
static void
fact(const struct jurisdiction *j, enum jurisdiction_fact f,
     const char *label, const char *value)
{
	printf("  %-17s %s", label, *value ? value : "-");
	if (j->cite[f] != NULL)
		printf(" [%s]", j->cite[f]);
	printf("\n");
	if (j->unverified[f] != NULL)
		printf("  %-17s   UNVERIFIED: %s\n", "", j->unverified[f]);
}

static const char *
period(const struct jurisdiction_period *p, int extension, char *buf,
       size_t n)
{
	char text[96];

	if (p->unit == JUR_UNIT_NONE)
		return "none";
	snprintf(buf, n, "%s%s%s%s",
		 jurisdiction_period_text(p, text, sizeof(text)),
		 p->roll ? ", rolled to a working day" : "",
		 !extension ? "" : p->repeatable ? ", repeatable" : ", once",
		 extension && p->open ? ", or as long as the notice says" : "");
	return buf;
}

static void
show_plain(const struct jurisdiction *j)
{
	char buf[512], wk[64];
	size_t len = 0;

	printf("%s  %s\n", j->code, j->name);
	if (*j->note)
		printf("  %s\n", j->note);
	fact(j, JUR_FACT_LAW, "law", j->law);
	fact(j, JUR_FACT_CITATION, "citation", j->citation);
	fact(j, JUR_FACT_OVERSIGHT, "oversight", j->oversight);
	buf[0] = '\0';
	for (size_t i = 0; i < j->nlanguages && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
					i ? ", " : "", j->languages[i]);
	fact(j, JUR_FACT_LANGUAGES, "languages", buf);
	fact(j, JUR_FACT_TIMEZONE, "timezone", j->timezone);
	if (!j->no_foi_law) {
		fact(j, JUR_FACT_INITIAL, "deadline",
		     period(&j->initial, 0, buf, sizeof(buf)));
		fact(j, JUR_FACT_START, "day 0",
		     jurisdiction_start_name(j->start));
		fact(j, JUR_FACT_EXTENSION, "extension",
		     period(&j->extension, 1, buf, sizeof(buf)));
		fact(j, JUR_FACT_CLARIFICATION, "clarification",
		     jurisdiction_stop_name(j->clarification));
		fact(j, JUR_FACT_FEE, "fee notice",
		     jurisdiction_stop_name(j->fee));
		if (j->very_overdue.unit != JUR_UNIT_NONE)
			period(&j->very_overdue, 0, buf, sizeof(buf));
		else
			snprintf(buf, sizeof(buf), "%d times the initial "
				 "period", j->very_overdue_factor);
		fact(j, JUR_FACT_VERY_OVERDUE, "very overdue", buf);
		fact(j, JUR_FACT_DEEMED_REFUSAL, "deemed refusal",
		     j->deemed_refusal ? "yes" : "no");
		fact(j, JUR_FACT_APPEAL_NAME, "appeal", j->appeal_name);
		fact(j, JUR_FACT_APPEAL_WINDOW, "appeal window",
		     period(&j->appeal_window, 0, buf, sizeof(buf)));
		fact(j, JUR_FACT_APPEAL_DECISION, "appeal decision",
		     period(&j->appeal_decision, 0, buf, sizeof(buf)));
		fact(j, JUR_FACT_APPEAL_EXTENSION, "appeal extension",
		     period(&j->appeal_extension, 1, buf, sizeof(buf)));
	}
	snprintf(buf, sizeof(buf), "weekend %s; %zu rules",
		 calendar_weekend_text(j->calendar, wk, sizeof(wk)),
		 calendar_rule_count(j->calendar));
	fact(j, JUR_FACT_HOLIDAYS, "holidays", buf);
	if (j->nsources > 0)
		printf("sources:\n");
	for (size_t i = 0; i < j->nsources; i++)
		printf("  %s\n", j->sources[i]);
	printf("files:\n");
	for (size_t i = 0; i < j->nfiles; i++)
		printf("  %s\n", j->files[i]);
}

static void
holidays_plain(json_t *o)
{
	json_t *h;
	size_t i;

	json_array_foreach(json_object_get(o, "holidays"), i, h) {
		printf("%s %.3s  %s%s%s\n",
		       json_string_value(json_object_get(h, "date")),
		       json_string_value(json_object_get(h, "weekday")),
		       json_string_value(json_object_get(h, "name")),
		       json_is_true(json_object_get(h, "weekend")) ?
		       " (on a weekend)" : "",
		       json_is_true(json_object_get(h, "unverified")) ?
		       " (unverified)" : "");
	}
	if (json_object_get(o, "unverified_note") != NULL)
		printf("UNVERIFIED: %s\n", json_string_value(
			json_object_get(o, "unverified_note")));
}

static int
this_year(void)
{
	time_t t = time(NULL);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 2000;
	return tm.tm_year + 1900;
}

int
cmd_jurisdictions(struct cli *cli, int argc, char **argv)
{
	struct jurisdiction_set *laws = NULL;
	const struct jurisdiction *j = NULL;
	const char *sub = NULL, *code = NULL;
	struct error err;
	long long year = -1;
	int json = 0, rc = EXIT_USER;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--json") == 0) {
			json = 1;
		} else if (strcmp(a, "--year") == 0 ||
			   strncmp(a, "--year=", 7) == 0) {
			const char *v = a[6] == '=' ? a + 7 :
					i + 1 < argc ? argv[++i] : NULL;

			if (v == NULL)
				return cli_usage_error(cli, "--year needs a "
						       "value");
			if (parse_ll(v, CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR,
				     "--year", &year, &err) < 0)
				return cli_usage_error(cli, "%s", err.msg);
		} else if (a[0] == '-' && a[1] != '\0') {
			return cli_usage_error(cli, "unknown option '%s'", a);
		} else if (sub == NULL) {
			sub = a;
		} else if (code == NULL) {
			code = a;
		} else {
			return cli_usage_error(cli, "unexpected argument '%s'",
					       a);
		}
	}
	if (sub != NULL && strcmp(sub, "show") != 0 &&
	    strcmp(sub, "holidays") != 0)
		return cli_usage_error(cli, "unknown subcommand '%s' (show, "
				       "holidays)", sub);
	if (sub != NULL && code == NULL)
		return cli_usage_error(cli, "%s needs a jurisdiction code",
				       sub);
	if (year >= 0 && (sub == NULL || strcmp(sub, "holidays") != 0))
		return cli_usage_error(cli, "--year is for 'holidays'");

	if (cli_load_laws(cli, &laws, &err) < 0)
		goto fail;
	if (sub == NULL) {
		rc = list(laws, json);
		goto out;
	}
	j = jurisdiction_set_lookup(laws, code, &err);
	if (j == NULL)
		goto fail;
	if (strcmp(sub, "show") == 0) {
		if (json)
			print_json(jurisdiction_to_json(j));
		else
			show_plain(j);
	} else {
		json_t *o = jurisdiction_holidays_to_json(
			j, year >= 0 ? (int)year : this_year(), &err);

		if (o == NULL)
			goto fail;
		if (json) {
			print_json(o);
		} else {
			holidays_plain(o);
			json_decref(o);
		}
	}
	rc = EXIT_OK;
	goto out;
fail:
	rc = cli_fail(&err);
out:
	if (fflush(stdout) != 0 && rc == EXIT_OK) {
		fputs("foivault: cannot write the result\n", stderr);
		rc = EXIT_USER;
	}
	jurisdiction_set_free(laws);
	return rc;
}
