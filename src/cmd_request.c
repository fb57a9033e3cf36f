/*
 * cmd_request.c - "foivault request": create requests, log events on their
 * timeline, show one with its deadline's working, list them
 * (docs/coordinating.md).
 *
 * The state machine and the dates live in request.c; this file reads the
 * command line and prints. Events logged here have no actor (the command
 * line acts as the instance's operator); the API will record its user.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "cli.h"
#include "fvlimits.h"
#include "jurisdiction.h"
#include "request.h"

const char cmd_request_usage[] =
	"usage: foivault [--data DIR] request add --authority ID --title TITLE "
	"[--reference REF]\n"
	"       foivault [--data DIR] request event ID KIND [--date DATE] "
	"[--amount N] [--note TEXT]\n"
	"       foivault [--data DIR] request show [--json] ID\n"
	"       foivault [--data DIR] request list [--json] [--state STATE]\n"
	"A request starts as a draft; every change is an event on its timeline\n"
	"(KIND: sent, acknowledged, clarification-requested, clarification-given,\n"
	"fee-requested, fee-paid, extended, partially-released, released,\n"
	"refused, no-records, appeal-filed, appeal-decided, withdrawn, closed,\n"
	"note). Each event is checked against the request's state and recomputes\n"
	"its due date under its authority's law. DATE is the event's legal date\n"
	"(YYYY-MM-DD, default today); --amount is an extension's length in the\n"
	"law's extension unit (default its usual length); put the exemptions a\n"
	"refusal cites in --note.\n";

static int
parse_id(const char *s, int64_t *ret)
{
	long long v;
	struct error err;

	if (parse_ll(s, 1, INT64_MAX, "ID", &v, &err) < 0)
		return -1;
	*ret = v;
	return 0;
}

static int
check_text(struct cli *cli, const char *what, const char *s, size_t max)
{
	if (strlen(s) > max)
		return cli_usage_error(cli, "%s: at most %zu bytes", what, max);
	if (!utf8_valid(s, strlen(s)))
		return cli_usage_error(cli, "%s: not valid UTF-8", what);
	return 0;
}

static int
request_add(struct cli *cli, int argc, char **argv)
{
	const char *title = NULL, *ref = NULL;
	struct store *s = NULL;
	struct error err;
	int64_t auth = 0, id;
	int rc;

	for (int i = 2; i < argc; i++) {
		if (i + 1 >= argc)
			return cli_usage_error(cli, "%s needs a value",
					       argv[i]);
		if (strcmp(argv[i], "--authority") == 0) {
			if (parse_id(argv[++i], &auth) < 0)
				return cli_usage_error(cli, "--authority: an "
						       "authority id");
		} else if (strcmp(argv[i], "--title") == 0)
			title = argv[++i];
		else if (strcmp(argv[i], "--reference") == 0)
			ref = argv[++i];
		else
			return cli_usage_error(cli, "unknown option '%s'",
					       argv[i]);
	}
	if (auth == 0 || title == NULL || title[0] == '\0')
		return cli_usage_error(cli, "request add needs --authority ID "
				       "and --title TITLE");
	if ((rc = check_text(cli, "--title", title,
			     FV_MAX_REQUEST_TITLE)) != 0 ||
	    (ref && (rc = check_text(cli, "--reference", ref,
				     FV_MAX_REQUEST_REFERENCE)) != 0))
		return rc;
	if (ref && ref[0] == '\0')
		ref = NULL;
	if (cli_open_store(cli, 0, &s, &err) < 0 ||
	    store_request_add(s, auth, title, ref, &id, &err) < 0) {
		store_close(s);
		return cli_fail(&err);
	}
	printf("%lld\n", (long long)id);
	store_close(s);
	return EXIT_OK;
}

static int
request_event(struct cli *cli, int argc, char **argv)
{
	struct jurisdiction_set *laws = NULL;
	const char *kind, *note = NULL;
	struct store *s = NULL;
	struct error err;
	int64_t id;
	int date = -1, amount = -1, rc;

	if (argc < 4 || parse_id(argv[2], &id) < 0)
		return cli_usage_error(cli, "request event needs an ID and a "
				       "KIND");
	kind = argv[3];
	if (!request_kind_valid(kind)) {
		request_transition("draft", kind, &err);
		return cli_usage_error(cli, "%s", err.msg);
	}
	for (int i = 4; i < argc; i++) {
		if (i + 1 >= argc)
			return cli_usage_error(cli, "%s needs a value",
					       argv[i]);
		if (strcmp(argv[i], "--date") == 0) {
			if (calendar_parse_date(argv[++i], &date, &err) < 0)
				return cli_usage_error(cli, "--date: %s",
						       err.msg);
		} else if (strcmp(argv[i], "--amount") == 0) {
			long long v;

			if (parse_ll(argv[++i], 0, FV_MAX_PERIOD, "--amount",
				     &v, &err) < 0)
				return cli_usage_error(cli, "%s", err.msg);
			amount = (int)v;
		} else if (strcmp(argv[i], "--note") == 0) {
			note = argv[++i];
			if ((rc = check_text(cli, "--note", note,
					     FV_MAX_EVENT_NOTE)) != 0)
				return rc;
		} else {
			return cli_usage_error(cli, "unknown option '%s'",
					       argv[i]);
		}
	}
	rc = EXIT_USER;
	if (cli_load_laws(cli, &laws, &err) < 0 ||
	    cli_open_store(cli, 0, &s, &err) < 0)
		goto fail;
	switch (request_add_event(s, laws, id, kind, date, amount, 0, note,
				  &err)) {
	case 0:
		rc = EXIT_OK;
		break;
	case 1:
		error_set(&err, "no request %lld", (long long)id);
		/* fall through */
	default:
		goto fail;
	}
	goto out;
fail:
	rc = cli_fail(&err);
out:
	store_close(s);
	jurisdiction_set_free(laws);
	return rc;
}

static const char *
str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

static void
print_show(const json_t *o)
{
	const json_t *a = json_object_get(o, "authority"), *e, *ap;
	size_t i;

	printf("request %lld: %s\n", (long long)json_integer_value(
		       json_object_get(o, "id")), str(o, "title"));
	printf("  authority     %s (%lld)\n", str(a, "name"),
	       (long long)json_integer_value(json_object_get(a, "id")));
	printf("  jurisdiction  %s, %s\n", str(o, "jurisdiction"),
	       str(o, "law"));
	if (json_is_string(json_object_get(o, "reference")))
		printf("  reference     %s\n", str(o, "reference"));
	printf("  state         %s\n", str(o, "state"));
	printf("  due           %s\n", json_is_string(json_object_get(o,
		"due")) ? str(o, "due") : "none");
	if (json_is_string(json_object_get(o, "very_overdue")))
		printf("  very overdue  after %s\n", str(o, "very_overdue"));
	ap = json_object_get(o, "appeal");
	if (json_is_string(json_object_get(o, "appeal_by")))
		printf("  appeal by     %s (%s)\n", str(o, "appeal_by"),
		       str(ap, "name")[0] ? str(ap, "name") : "appeal");
	if (str(ap, "oversight")[0])
		printf("  oversight     %s\n", str(ap, "oversight"));
	printf("\ntimeline:\n");
	json_array_foreach(json_object_get(o, "events"), i, e) {
		printf("  %s  %s", str(e, "date"), str(e, "kind"));
		if (json_is_integer(json_object_get(e, "amount")))
			printf(" (%lld)", (long long)json_integer_value(
				       json_object_get(e, "amount")));
		if (str(e, "note")[0])
			printf(": %s", str(e, "note"));
		putchar('\n');
	}
	printf("\nnext events: ");
	json_array_foreach(json_object_get(o, "allowed_events"), i, e)
		printf("%s%s", i ? ", " : "", json_string_value(e));
	printf("\n\n%s\n", str(o, "explanation"));
}

static int
request_show(struct cli *cli, int argc, char **argv)
{
	struct jurisdiction_set *laws = NULL;
	struct store *s = NULL;
	struct error err;
	json_t *o = NULL;
	int64_t id = 0;
	int json = 0, rc = EXIT_USER;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (id == 0 && parse_id(argv[i], &id) == 0)
			continue;
		else
			return cli_usage_error(cli, "unexpected argument '%s'",
					       argv[i]);
	}
	if (id == 0)
		return cli_usage_error(cli, "request show needs an ID");
	if (cli_load_laws(cli, &laws, &err) < 0 ||
	    cli_open_store(cli, STORE_READONLY, &s, &err) < 0)
		goto fail;
	o = request_show_json(s, laws, id, &err);
	if (o == NULL) {
		if (err.msg[0] == '\0')
			error_set(&err, "no request %lld", (long long)id);
		goto fail;
	}
	if (json) {
		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		print_show(o);
	}
	rc = EXIT_OK;
	goto out;
fail:
	rc = cli_fail(&err);
out:
	json_decref(o);
	store_close(s);
	jurisdiction_set_free(laws);
	return rc;
}

static int
request_list(struct cli *cli, int argc, char **argv)
{
	const char *state = NULL;
	struct store *s = NULL;
	struct error err;
	json_t *arr, *o;
	size_t i;
	int json = 0;

	for (int k = 2; k < argc; k++) {
		if (strcmp(argv[k], "--json") == 0)
			json = 1;
		else if (strcmp(argv[k], "--state") == 0 && k + 1 < argc)
			state = argv[++k];
		else
			return cli_usage_error(cli, "unknown option '%s'",
					       argv[k]);
	}
	if (state && request_allowed_kinds(state)[0] == '\0')
		return cli_usage_error(cli, "--state: unknown state '%s'",
				       state);
	if (cli_open_store(cli, STORE_READONLY, &s, &err) < 0 ||
	    (arr = store_requests_json(s, state, 0, &err)) == NULL) {
		store_close(s);
		return cli_fail(&err);
	}
	if (json) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		json_array_foreach(arr, i, o)
			printf("%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)
			       json_integer_value(json_object_get(o, "id")),
			       str(o, "state"), str(o, "jurisdiction"),
			       json_is_string(json_object_get(o, "due")) ?
			       str(o, "due") : "-",
			       str(json_object_get(o, "authority"), "name"),
			       str(o, "title"));
	}
	json_decref(arr);
	store_close(s);
	return EXIT_OK;
}

int
cmd_request(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(cli, "request needs a subcommand "
				       "(add, event, show, list)");
	if (strcmp(argv[1], "add") == 0)
		return request_add(cli, argc, argv);
	if (strcmp(argv[1], "event") == 0)
		return request_event(cli, argc, argv);
	if (strcmp(argv[1], "show") == 0)
		return request_show(cli, argc, argv);
	if (strcmp(argv[1], "list") == 0)
		return request_list(cli, argc, argv);
	return cli_usage_error(cli, "unknown subcommand '%s'", argv[1]);
}
