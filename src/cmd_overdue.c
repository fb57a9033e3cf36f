/*
 * cmd_overdue.c - "foivault overdue": requests the authority has not
 * answered by their due date, most overdue first (request.c computes the
 * list; GET /api/v1/overdue gives the same).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "cli.h"
#include "request.h"

const char cmd_overdue_usage[] =
	"usage: foivault [--data DIR] overdue [--json | --csv] [--as-of DATE]\n"
	"Lists the requests still awaiting the authority whose due date has\n"
	"passed on DATE (default today, UTC), most overdue first: request,\n"
	"authority, jurisdiction, due date, days overdue (calendar days after\n"
	"the due date), whether it is very overdue, and the last event.\n"
	"--csv prints RFC 4180 CSV with a header line.\n";

static const char *
str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "-";
}

int
cmd_overdue(struct cli *cli, int argc, char **argv)
{
	struct store *s = NULL;
	struct error err;
	json_t *arr, *o;
	int json = 0, csv = 0, as_of = -1;
	size_t i;

	for (int k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--json") == 0)
			json = 1;
		else if (strcmp(argv[k], "--csv") == 0)
			csv = 1;
		else if (strcmp(argv[k], "--as-of") == 0 && k + 1 < argc) {
			if (calendar_parse_date(argv[++k], &as_of, &err) < 0)
				return cli_usage_error(cli, "--as-of: %s",
						       err.msg);
		} else
			return cli_usage_error(cli, "unknown option '%s'",
					       argv[k]);
	}
	if (json && csv)
		return cli_usage_error(cli, "--json and --csv exclude each "
				       "other");
	if (as_of < 0)
		as_of = request_today();
	if (cli_open_store(cli, STORE_READONLY, &s, &err) < 0 ||
	    (arr = request_overdue_json(s, as_of, &err)) == NULL) {
		store_close(s);
		return cli_fail(&err);
	}
	if (json) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		putchar('\n');
	} else if (csv) {
		size_t len;
		char *text = request_overdue_csv(arr, &len);

		fwrite(text, 1, len, stdout);
		free(text);
	} else {
		json_array_foreach(arr, i, o)
			printf("%lld\t%s\t%s\t%s\t%lld days%s\t%s %s\t%s\n",
			       (long long)json_integer_value(json_object_get(
				       o, "id")), str(o, "jurisdiction"),
			       str(o, "authority"), str(o, "due"),
			       (long long)json_integer_value(json_object_get(
				       o, "days_overdue")),
			       json_is_true(json_object_get(o,
					"very_overdue")) ? " (very overdue)" :
			       "", str(o, "last_event"),
			       str(o, "last_event_date"), str(o, "title"));
	}
	json_decref(arr);
	store_close(s);
	return EXIT_OK;
}
