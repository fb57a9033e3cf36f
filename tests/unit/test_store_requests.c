/*
 * test_store_requests.c - authorities and requests (store_requests.c), the
 * request state machine and its due dates (request.c), the authority
 * checks and CSV import (authority.c) and the CSV reader (csv.c).
 *
 * Law files come from $FOIVAULT_LAWS_DIR, or src/laws relative to the
 * working directory.
 */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "authority.h"
#include "calendar.h"
#include "csv.h"
#include "jurisdiction.h"
#include "request.h"
#include "store.h"
#include "tap.h"

static char dir[] = "/tmp/fv-requests-XXXXXX";
static struct jurisdiction_set *laws;

static int
day(const char *s)
{
	struct error err;
	int d = -1;

	calendar_parse_date(s, &d, &err);
	return d;
}

/* Raw SQL on purpose: the test checks what the schema itself refuses. */
static int
raw(const char *file, const char *sql)
{
	sqlite3 *db;
	int rc;

	sqlite3_open(file, &db);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static void
test_csv(void)
{
	struct csv_reader r;
	struct csv_record rec;
	struct error err;
	const char *in = "\xef\xbb\xbf" "a,\"b,c\",\"d\"\"e\"\r\n"
		"\n"
		"\"multi\nline\",x\n"
		"bad\"quote,y\n"
		"\"closed\"junk,z\n"
		"last,\"\"\n"
		"\"never closed,w\n"
		"after,ok\n";
	char big[FV_MAX_CSV_FIELDS * 2 + 8];

	csv_reader_init(&r, in, strlen(in));
	is_int(csv_next(&r, &rec, &err), 1, "csv: first record");
	is_int(rec.nfields, 3, "csv: three fields");
	is_str(rec.fields[0], "a", "csv: BOM skipped");
	is_str(rec.fields[1], "b,c", "csv: quoted comma");
	is_str(rec.fields[2], "d\"e", "csv: doubled quote");
	csv_record_release(&rec);
	is_int(csv_next(&r, &rec, &err), 1, "csv: multi-line record");
	is_int(rec.line, 3, "csv: blank line skipped, line 3");
	is_str(rec.fields[0], "multi\nline", "csv: quoted newline");
	csv_record_release(&rec);
	is_int(csv_next(&r, &rec, &err), -1, "csv: quote in unquoted field");
	is_int(rec.line, 5, "csv: ... reported on line 5");
	is_int(csv_next(&r, &rec, &err), -1, "csv: text after closing quote");
	is_int(csv_next(&r, &rec, &err), 1, "csv: reading resumes");
	is_str(rec.fields[0], "last", "csv: next good line");
	is_str(rec.fields[1], "", "csv: empty quoted field");
	csv_record_release(&rec);
	is_int(csv_next(&r, &rec, &err), -1, "csv: unterminated quote");
	is_int(rec.line, 8, "csv: ... on line 8");
	is_int(csv_next(&r, &rec, &err), 1, "csv: the line after it reads");
	is_str(rec.fields[0], "after", "csv: resynchronised");
	csv_record_release(&rec);
	is_int(csv_next(&r, &rec, &err), 0, "csv: end");

	memset(big, ',', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	csv_reader_init(&r, big, strlen(big));
	is_int(csv_next(&r, &rec, &err), -1, "csv: too many fields refused");
	ok(strstr(err.msg, "more than") != NULL, "csv: says why: %s",
	   err.msg);
	csv_reader_init(&r, "a\0b,c\nd,e\n", 10);
	is_int(csv_next(&r, &rec, &err), -1, "csv: NUL byte refused");
	is_int(csv_next(&r, &rec, &err), 1, "csv: next line still read");
	csv_record_release(&rec);
}

static void
test_transitions(void)
{
	struct error err;

	is_str(request_transition("draft", "sent", &err), "sent",
	       "draft -> sent");
	ok(request_transition("draft", "released", &err) == NULL,
	   "draft cannot be released");
	ok(strstr(err.msg, "'draft'") && strstr(err.msg, "allowed: sent"),
	   "the error names the state and the allowed kinds: %s", err.msg);
	is_str(request_transition("sent", "note", &err), "sent",
	       "a note keeps the state");
	is_str(request_transition("appeal-filed", "extended", &err),
	       "appeal-filed", "an extension during an appeal keeps it");
	ok(request_transition("fee-requested", "released", &err) == NULL,
	   "no release while a fee is outstanding");
	ok(request_transition("closed", "sent", &err) == NULL,
	   "closed is final");
	ok(request_transition("sent", "bogus", &err) == NULL &&
	   strstr(err.msg, "unknown event kind"), "unknown kinds refused");
	ok(!request_kind_valid("draft"), "draft is a state, not an event");
}

int
main(void)
{
	const char *d = getenv("FOIVAULT_LAWS_DIR");
	const char *dirs[1] = { d && *d ? d : "src/laws" };
	struct store *s = NULL;
	struct authority_input in = { 0 };
	struct store_authority a;
	struct store_request r;
	enum store_put_status st;
	struct error err;
	int64_t gb, eu, id, eid, id2;
	json_t *o, *arr;
	char *db, *csv;
	size_t len;
	const char *imp;

	test_csv();
	test_transitions();
	laws = jurisdiction_set_load(dirs, 1, &err);
	if (laws == NULL || mkdtemp(dir) == NULL) {
		printf("Bail out! %s\n", laws ? "mkdtemp" : err.msg);
		return 1;
	}
	db = xasprintf("%s/foivault.db", dir);
	if (store_open(db, STORE_CREATE, &s, &err) < 0 ||
	    store_migrate(s, NULL, &err) < 0) {
		printf("Bail out! %s\n", err.msg);
		return 1;
	}

	/* Authorities. */
	in.name = xstrdup("  Cabinet Office ");
	in.jurisdiction = xstrdup("gb");
	in.email = xstrdup("foi@cabinetoffice.gov.uk");
	in.tags = xstrdup("Trade; central  ,gov");
	ok(authority_check(&in, laws, &a, &err) == 0, "authority_check");
	is_str(a.name, "Cabinet Office", "name trimmed");
	is_str(a.jurisdiction, "GB", "code canonicalised");
	is_str(a.tags, "trade,central,gov", "tags normalised");
	ok(store_authority_put(s, &a, 0, &gb, &st, &err) == 0 &&
	   st == STORE_PUT_ADDED, "authority added");
	ok(store_authority_put(s, &a, 0, &id, NULL, &err) < 0 &&
	   strstr(err.msg, "already exists"), "duplicate refused: %s",
	   err.msg);
	authority_input_release(&in);
	in.name = xstrdup("CABINET OFFICE");
	in.jurisdiction = xstrdup("GB");
	in.email = xstrdup("new@cabinetoffice.gov.uk");
	ok(authority_check(&in, laws, &a, &err) == 0 &&
	   store_authority_put(s, &a, 1, &id, &st, &err) == 0 &&
	   st == STORE_PUT_UPDATED && id == gb,
	   "same name in another case updates");
	authority_input_release(&in);
	in.name = xstrdup("Nowhere Ministry");
	in.jurisdiction = xstrdup("XX");
	ok(authority_check(&in, laws, &a, &err) < 0 &&
	   strstr(err.msg, "unknown jurisdiction"), "unknown code refused");
	authority_input_release(&in);
	in.name = xstrdup("Bad\x01Name");
	in.jurisdiction = xstrdup("GB");
	ok(authority_check(&in, laws, &a, &err) < 0,
	   "control characters refused");
	authority_input_release(&in);
	in.name = xstrdup("Ministry");
	in.jurisdiction = xstrdup("GB");
	in.email = xstrdup("not-an-address");
	ok(authority_check(&in, laws, &a, &err) < 0, "bad e-mail refused");
	authority_input_release(&in);
	in.name = xstrdup("European Commission");
	in.jurisdiction = xstrdup("EU");
	in.portal_url = xstrdup("javascript:alert(1)");
	ok(authority_check(&in, laws, &a, &err) < 0,
	   "non-http portal refused");
	free(in.portal_url);
	in.portal_url = xstrdup("https://www.asktheeu.org/");
	ok(authority_check(&in, laws, &a, &err) == 0 &&
	   store_authority_put(s, &a, 0, &eu, NULL, &err) == 0, "EU added");
	authority_input_release(&in);

	imp = "name,jurisdiction,email,portal,tags\n"
		"Home Office,GB,foi@homeoffice.gov.uk,,\n"
		"\"Department for Business, Trade\",GB,,,trade\n"
		"home office,GB,,,\n"
		"Unknown,ZZ,,,\n"
		"cabinet office,gb,new@cabinetoffice.gov.uk,,\"trade,central,gov\"\n"
		"\"broken,GB\n"
		"Treasury,GB\n";
	o = authority_import_csv(s, laws, imp, strlen(imp), &err);
	ok(o != NULL, "import runs");
	is_int(json_integer_value(json_object_get(o, "added")), 2,
	       "import: 2 added");
	is_int(json_integer_value(json_object_get(o, "updated")), 1,
	       "import: 1 updated (its tags)");
	is_int(json_integer_value(json_object_get(o, "rejected")), 4,
	       "import: 4 rejected (duplicate, unknown, quote, fields)");
	arr = json_object_get(o, "lines");
	ok(strstr(json_string_value(json_object_get(json_array_get(arr, 2),
			"reason")), "duplicate of line 2") != NULL,
	   "import: the duplicate names the first line");
	json_decref(o);
	o = authority_import_csv(s, laws, "nom,juridiction\n", 16, &err);
	ok(o == NULL && strstr(err.msg, "header"), "bad header refused: %s",
	   err.msg);
	arr = store_authorities_json(s, "gb", &err);
	is_int(json_array_size(arr), 3, "3 GB authorities");
	json_decref(arr);

	/* Requests: the GB example of docs/coordinating.md. */
	ok(store_request_add(s, 999, "x", NULL, &id, &err) < 0,
	   "request for an unknown authority refused");
	ok(store_request_add(s, gb, "E-commerce JSI papers", "FOI-1", &id,
			     &err) == 0, "request added");
	is_int(store_request_get(s, id + 100, &r, &err), 1,
	       "unknown request: 1");
	ok(store_request_get(s, id, &r, &err) == 0, "request read");
	is_str(r.state, "draft", "starts as a draft");
	is_str(r.jurisdiction, "GB", "with its authority's jurisdiction");
	store_request_release(&r);

	ok(request_add_event(s, laws, id, "released", day("2025-12-19"), -1,
			     0, NULL, &err) < 0 && strstr(err.msg, "draft"),
	   "draft -> released refused: %s", err.msg);
	ok(request_add_event(s, laws, id, "sent", day("2025-12-19"), -1, 0,
			     "by e-mail", &err) == 0, "sent");
	arr = store_requests_json(s, NULL, 0, &err);
	o = json_array_get(arr, 0);
	is_str(json_string_value(json_object_get(o, "due")), "2026-01-22",
	       "GB: sent 2025-12-19, due 2026-01-22");
	is_str(json_string_value(json_object_get(o, "received")),
	       "2025-12-19", "day 0 is the sent date");
	json_decref(arr);
	ok(request_add_event(s, laws, id, "fee-requested", day("2026-01-05"),
			     -1, 0, NULL, &err) == 0, "fee requested");
	arr = store_requests_json(s, NULL, 0, &err);
	ok(json_is_null(json_object_get(json_array_get(arr, 0), "due")),
	   "no due date while the clock is stopped");
	json_decref(arr);
	ok(request_add_event(s, laws, id, "released", day("2026-01-06"), -1,
			     0, NULL, &err) < 0, "no release while a fee is "
	   "outstanding");
	ok(request_add_event(s, laws, id, "fee-paid", day("2026-01-04"), -1,
			     0, NULL, &err) < 0 && strstr(err.msg, "before"),
	   "an event before the previous one refused");
	ok(request_add_event(s, laws, id, "fee-paid", day("2026-01-07"), -1,
			     0, NULL, &err) == 0, "fee paid");
	ok(request_add_event(s, laws, id, "extended", day("2026-01-08"), 3,
			     0, NULL, &err) == 0, "extended by 3 working days");
	o = request_show_json(s, laws, id, &err);
	ok(o != NULL, "show");
	is_int(json_array_size(json_object_get(o, "events")), 4,
	       "four events in the timeline");
	ok(json_string_value(json_object_get(o, "explanation")) != NULL,
	   "an explanation");
	json_decref(o);

	/* A second request: fee pause only, as the integration test. */
	ok(store_request_add(s, gb, "Second", NULL, &id2, &err) == 0 &&
	   request_add_event(s, laws, id2, "sent", day("2025-12-19"), -1, 0,
			     NULL, &err) == 0 &&
	   request_add_event(s, laws, id2, "fee-requested", day("2026-01-05"),
			     -1, 0, NULL, &err) == 0 &&
	   request_add_event(s, laws, id2, "fee-paid", day("2026-01-07"), -1,
			     0, NULL, &err) == 0, "second request: fee pause");
	arr = request_overdue_json(s, day("2026-01-26"), &err);
	is_int(json_array_size(arr), 0, "nothing overdue on 2026-01-26");
	json_decref(arr);
	arr = request_overdue_json(s, day("2026-01-31"), &err);
	is_int(json_array_size(arr), 2, "two overdue on 2026-01-31");
	o = json_array_get(arr, 0);
	is_int(json_integer_value(json_object_get(o, "id")), id2,
	       "the most overdue first");
	is_str(json_string_value(json_object_get(o, "due")), "2026-01-27",
	       "fee pause 2026-01-05..07 moves it to 2026-01-27");
	is_int(json_integer_value(json_object_get(o, "days_overdue")), 4,
	       "4 days overdue on 2026-01-31");
	is_str(json_string_value(json_object_get(json_array_get(arr, 1),
						 "due")), "2026-01-30",
	       "3 more working days of extension: 2026-01-30");
	csv = request_overdue_csv(arr, &len);
	ok(strncmp(csv, "id,title,", 9) == 0, "CSV header");
	free(csv);
	json_decref(arr);

	/* EU: day 0 is the registration an acknowledgement reports. */
	ok(store_request_add(s, eu, "EU", NULL, &id, &err) == 0 &&
	   request_add_event(s, laws, id, "sent", day("2025-03-03"), -1, 0,
			     NULL, &err) == 0 &&
	   request_add_event(s, laws, id, "acknowledged", day("2025-03-05"),
			     -1, 0, NULL, &err) == 0, "EU request");
	ok(store_request_get(s, id, &r, &err) == 0, "EU request read");
	store_request_release(&r);
	arr = store_requests_json(s, "acknowledged", 0, &err);
	is_str(json_string_value(json_object_get(json_array_get(arr, 0),
						 "received")), "2025-03-05",
	       "EU: day 0 is the registration date");
	json_decref(arr);

	/* The timeline is append-only in the schema itself. */
	ok(store_request_get(s, id, &r, &err) == 0 && r.nevents == 2,
	   "two events");
	eid = r.events[0].id;
	store_request_release(&r);
	{
		char *sql = xasprintf("UPDATE request_events SET kind = 'x'"
				      " WHERE id = %lld", (long long)eid);

		ok(raw(db, sql) != SQLITE_OK, "UPDATE on events refused");
		free(sql);
		sql = xasprintf("DELETE FROM request_events WHERE id = %lld",
				(long long)eid);
		ok(raw(db, sql) != SQLITE_OK, "DELETE on events refused");
		free(sql);
	}

	store_close(s);
	jurisdiction_set_free(laws);
	{
		char *cmd = xasprintf("rm -rf '%s'", dir);

		if (system(cmd) != 0)
			diag("could not remove %s", dir);
		free(cmd);
	}
	free(db);
	return done_testing();
}
