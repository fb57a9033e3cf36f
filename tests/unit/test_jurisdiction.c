/*
 * test_jurisdiction.c - the shipped law files, per-instance overrides,
 * malformed files and the JSON views.
 *
 * Law files come from $FOIVAULT_LAWS_DIR, or src/laws relative to the
 * working directory. Override and malformed files are written to a fresh
 * temporary directory.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calendar.h"
#include "jurisdiction.h"
#include "tap.h"

static char tmp[64];

static const char *
laws_dir(void)
{
	const char *d = getenv("FOIVAULT_LAWS_DIR");

	return d && *d ? d : "src/laws";
}

static int
D(const char *s)
{
	int d = -1;

	calendar_parse_date(s, &d, NULL);
	return d;
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL) {
		diag("cannot write %s", path);
		return;
	}
	fputs(text, f);
	fclose(f);
}

static char *
make_dir(const char *name)
{
	char *p = xasprintf("%s/%s", tmp, name);

	if (mkdir(p, 0700) < 0)
		diag("mkdir %s failed", p);
	return p;
}

static void
rm_rf(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		diag("could not remove %s", tmp);
}

static void
test_shipped(const struct jurisdiction_set *set)
{
	static const char *const codes[] = {
		"AR", "AU", "BR", "CA", "CH", "CL", "CO", "DE", "EU", "FR",
		"GB", "GB-SCT", "ID", "IE", "IN", "JP", "KE", "KR", "MX",
		"NG", "NO", "NZ", "PE", "PH", "SG", "US", "ZA",
	};
	size_t n = jurisdiction_set_count(set), bad = 0;

	is_int((long long)n, 27, "27 jurisdictions are shipped");
	for (size_t i = 0; i < ARRAY_SIZE(codes) && i < n; i++)
		is_str(jurisdiction_set_at(set, i)->code, codes[i],
		       "code %zu in order", i);
	ok(jurisdiction_set_at(set, n) == NULL, "iteration ends");
	for (size_t i = 0; i < n; i++) {
		const struct jurisdiction *j = jurisdiction_set_at(set, i);
		const char *base = strrchr(j->files[0], '/');
		char want[32];

		snprintf(want, sizeof(want), "%s.law", j->code);
		if (base == NULL || strcmp(base + 1, want) != 0 ||
		    j->nsources == 0 || *j->citation == '\0' ||
		    *j->timezone == '\0' || j->nlanguages == 0) {
			diag("%s: file, sources, citation, timezone or "
			     "languages missing", j->code);
			bad++;
		}
		if (!j->no_foi_law && (j->initial.unit == JUR_UNIT_NONE ||
				       *j->law == '\0' ||
				       calendar_rule_count(j->calendar) == 0)) {
			diag("%s: no deadline, law or holidays", j->code);
			bad++;
		}
	}
	is_int((long long)bad, 0, "every law has a file named by its code, "
	       "sources, a citation, a deadline and holidays");
}

static void
test_facts(const struct jurisdiction_set *set)
{
	const struct jurisdiction *j;
	char text[96];

	j = jurisdiction_set_find(set, "us");
	ok(j != NULL, "find is case-insensitive");
	is_str(jurisdiction_period_text(&j->initial, text, sizeof(text)),
	       "20 working days", "US: 20 working days");
	is_int(j->extension.n, 10, "US: +10 working days");
	is_int(j->clarification, JUR_STOP_PAUSE, "US: tolling for information");
	is_int(j->appeal_window.n, 90, "US: 90 days to appeal");

	j = jurisdiction_set_find(set, "EU");
	is_int(j->start, JUR_START_REGISTRATION, "EU: day 0 = registration");
	ok(j->unverified[JUR_FACT_CLARIFICATION] != NULL,
	   "EU: clarification pause is Commission practice, unverified");
	is_str(j->appeal_name, "confirmatory application", "EU: appeal name");

	j = jurisdiction_set_find(set, "GB");
	is_int(j->clarification, JUR_STOP_RESTART, "GB: clarification restarts");
	is_int(j->fee, JUR_STOP_PAUSE, "GB: fee notice pauses");
	ok(calendar_find_part(j->calendar, "Scotland") > 0,
	   "GB: calendar has a Scotland part");

	j = jurisdiction_set_find(set, "IE");
	is_str(jurisdiction_period_text(&j->initial, text, sizeof(text)),
	       "4 weeks (of 5 working days)", "IE: weeks of working days");
	j = jurisdiction_set_find(set, "DE");
	ok(j->initial.unit == JUR_UNIT_MONTHS && j->initial.roll,
	   "DE: one month, rolled");
	j = jurisdiction_set_find(set, "BR");
	is_int(j->start, JUR_START_FIRST_WORKING_DAY,
	       "BR: day 0 = next business day");
	j = jurisdiction_set_find(set, "JP");
	ok(!j->initial.roll && j->appeal_window.roll &&
	   j->appeal_window.unit == JUR_UNIT_MONTHS,
	   "JP: the organ's 30 days do not roll, the requester's 3 months do");
	j = jurisdiction_set_find(set, "NZ");
	is_int(j->clarification, JUR_STOP_RESTART, "NZ: s.15(1AA) restart");
	j = jurisdiction_set_find(set, "SG");
	ok(j->no_foi_law && strstr(j->note, "no freedom of information law"),
	   "SG: no FOI law, said plainly");

	/* Facts the reference marks UNCONFIRMED are flagged. */
	ok(jurisdiction_set_find(set, "MX")->unverified[JUR_FACT_INITIAL] &&
	   jurisdiction_set_find(set, "NG")->unverified[JUR_FACT_INITIAL] &&
	   jurisdiction_set_find(set, "KR")->unverified[JUR_FACT_INITIAL] &&
	   jurisdiction_set_find(set, "CA")->unverified[
		JUR_FACT_CLARIFICATION] &&
	   jurisdiction_set_find(set, "AU")->unverified[JUR_FACT_HOLIDAYS] &&
	   jurisdiction_set_find(set, "AR")->unverified[JUR_FACT_START] &&
	   jurisdiction_set_find(set, "ZA")->unverified[JUR_FACT_FEE] &&
	   jurisdiction_set_find(set, "CH")->unverified[JUR_FACT_INITIAL],
	   "UNCONFIRMED facts carry unverified notes");
	ok(jurisdiction_set_find(set, "US")->unverified[JUR_FACT_INITIAL] ==
	   NULL, "confirmed facts do not");
}

/* GB's union contains every day of Scotland's own FOISA calendar. */
static void
test_union(const struct jurisdiction_set *set)
{
	const struct jurisdiction *gb = jurisdiction_set_find(set, "GB");
	const struct jurisdiction *sct = jurisdiction_set_find(set, "GB-SCT");
	int missing = 0;

	for (int d = calendar_min_day(); d <= calendar_max_day(); d++)
		if ((calendar_day(sct->calendar, d, NULL) & CALENDAR_HOLIDAY) &&
		    !(calendar_day(gb->calendar, d, NULL) & CALENDAR_HOLIDAY))
			missing++;
	is_int(missing, 0, "every GB-SCT holiday 1990-2100 is a GB holiday");
}

static void
test_lookup(const struct jurisdiction_set *set)
{
	struct error err;

	ok(jurisdiction_set_lookup(set, "XX", &err) == NULL &&
	   strstr(err.msg, "unknown jurisdiction 'XX'") &&
	   strstr(err.msg, "GB-SCT"), "unknown code: %s", err.msg);
	ok(jurisdiction_set_lookup(set, NULL, &err) == NULL, "NULL code");
	ok(jurisdiction_set_find(NULL, "GB") == NULL, "NULL set");
}

static const char *const minimal =
	"[law]\ncode = XA\nname = Testland\nlaw = Test Act\n"
	"citation = Test Act s.1\ntimezone = UTC\nlanguages = en\n"
	"[deadline]\ninitial = 10 working_days\n"
	"[holidays]\nholiday = 12-25 : Christmas\n";

static void
expect_error(const char *name, const char *text, const char *want)
{
	char *dir = make_dir(name);
	const char *dirs[1] = { dir };
	struct jurisdiction_set *set;
	struct error err;

	err.msg[0] = '\0';
	write_file(dir, "x.law", text);
	set = jurisdiction_set_load(dirs, 1, &err);
	ok(set == NULL && strstr(err.msg, want) != NULL,
	   "%s: %s", name, err.msg);
	jurisdiction_set_free(set);
	free(dir);
}

static void
test_malformed(void)
{
	struct error err;
	const char *dirs[2];
	struct jurisdiction_set *set;

	expect_error("no-code", "[law]\nname = X\n", "code is required");
	expect_error("bad-code", "[law]\ncode = gb\n", "x.law:2: 'gb' is not");
	expect_error("bad-unit",
		     "[law]\ncode = XB\nname = X\nlaw = X\ncitation = X\n"
		     "timezone = UTC\n[deadline]\ninitial = 20 fortnights\n",
		     "x.law:8: unknown unit 'fortnights'");
	expect_error("negative",
		     "[law]\ncode = XB\n[deadline]\ninitial = -5 "
		     "working_days\n", "x.law:4: number");
	expect_error("roll-wd",
		     "[law]\ncode = XB\n[deadline]\ninitial = 5 working_days "
		     "roll\n", "x.law:4: 'roll' applies only");
	expect_error("unknown-key", "[law]\ncode = XB\ncolour = red\n",
		     "x.law:3: unknown key 'colour'");
	expect_error("unknown-section", "[law]\ncode = XB\n[rules]\na = b\n",
		     "x.law:4: unknown section [rules]");
	expect_error("bad-rule",
		     "[law]\ncode = XB\n[holidays]\nholiday = 13-45 : X\n",
		     "x.law:4: '13-45' is not a date rule");
	expect_error("bad-fact", "[law]\ncode = XB\n[unverified]\nspeed = "
		     "fast\n", "x.law:4: 'speed' is not a fact");
	expect_error("empty-note", "[law]\ncode = XB\n[unverified]\n"
		     "initial =\n", "say why");
	expect_error("syntax", "[law]\ncode = XB\nthis is not ini\n",
		     "x.law:3: expected 'key = value'");
	expect_error("missing-deadline",
		     "[law]\ncode = XB\nname = X\nlaw = X\ncitation = X\n"
		     "timezone = UTC\n", "[deadline] initial is required");
	expect_error("no-foi-with-deadline",
		     "[law]\ncode = XB\nname = X\ncitation = X\ntimezone = UTC"
		     "\nno_foi_law = yes\nnote = none\n[deadline]\ninitial = "
		     "5 working_days\n", "cannot have a deadline");
	expect_error("bad-stop", "[law]\ncode = XB\n[deadline]\nfee = "
		     "restart\n", "fee must be pause or none");
	expect_error("bad-weekend", "[law]\ncode = XB\n[holidays]\nweekend = "
		     "sat,funday\n", "unknown day 'funday'");
	expect_error("outside", "code = XB\n", "outside any section");

	/* Two files with one code in one directory. */
	{
		char *dir = make_dir("dup");

		dirs[0] = dir;
		write_file(dir, "a.law", minimal);
		write_file(dir, "b.law", minimal);
		set = jurisdiction_set_load(dirs, 1, &err);
		ok(set == NULL && strstr(err.msg, "already defined"),
		   "duplicate code in one directory: %s", err.msg);
		jurisdiction_set_free(set);
		free(dir);
	}
	dirs[0] = "/nonexistent/laws";
	set = jurisdiction_set_load(dirs, 1, &err);
	ok(set == NULL && strstr(err.msg, "no such directory"),
	   "missing shipped dir: %s", err.msg);
	{
		char *dir = make_dir("empty");

		dirs[0] = dir;
		set = jurisdiction_set_load(dirs, 1, &err);
		ok(set == NULL && strstr(err.msg, "no *.law files"),
		   "empty dir: %s", err.msg);
		free(dir);
	}
	set = jurisdiction_set_load(dirs, 0, &err);
	ok(set == NULL, "no directories: %s", err.msg);
}

static void
test_override(void)
{
	char *instance = make_dir("instance");
	const char *dirs[3] = { laws_dir(), instance, "/nonexistent/data" };
	struct jurisdiction_set *set;
	const struct jurisdiction *gb, *uk;
	struct error err;

	write_file(instance, "gb-closures.law",
		   "# An authority closed between Christmas and New Year.\n"
		   "[law]\ncode = GB\n"
		   "[deadline]\nextension = 10 working_days once\n"
		   "[holidays]\n"
		   "holiday = 2025-12-29..2025-12-31 : Office closure\n");
	write_file(instance, "us-ca.law",
		   "[law]\ncode = US-CA\nname = California\n"
		   "law = California Public Records Act\n"
		   "citation = Gov. Code § 7922.535\ntimezone = "
		   "America/Los_Angeles\nlanguages = en\n"
		   "[deadline]\ninitial = 10 calendar_days roll\n"
		   "extension = 14 calendar_days once\n"
		   "[holidays]\nholiday = 12-25 observe=us : Christmas Day\n");
	write_file(instance, "eu-replace.law",
		   "[law]\ncode = EU\n[holidays]\nreplace = yes\n"
		   "holiday = 12-25 : Christmas only\n");
	set = jurisdiction_set_load(dirs, 3, &err);
	ok(set != NULL, "shipped + instance dirs load (a missing later dir "
	   "is skipped)%s%s", set ? "" : ": ", set ? "" : err.msg);
	if (set == NULL) {
		free(instance);
		return;
	}
	is_int((long long)jurisdiction_set_count(set), 28,
	       "the instance added a jurisdiction");
	gb = jurisdiction_set_find(set, "GB");
	ok(calendar_day(gb->calendar, D("2025-12-30"), NULL) ==
	   CALENDAR_HOLIDAY, "override closure day added to GB");
	ok(calendar_day(gb->calendar, D("2025-04-18"), NULL) ==
	   CALENDAR_HOLIDAY, "shipped GB holidays kept");
	is_int(gb->extension.n, 10, "override replaced the extension");
	ok(gb->unverified[JUR_FACT_EXTENSION] == NULL,
	   "a fact the instance sets is no longer the reference's doubt");
	ok(gb->unverified[JUR_FACT_CLARIFICATION] != NULL,
	   "other unverified notes stay");
	is_int((long long)gb->nfiles, 2, "GB built from two files");
	uk = jurisdiction_set_find(set, "US-CA");
	ok(uk && uk->initial.roll && uk->initial.n == 10,
	   "a state law added without recompiling");
	ok(calendar_day(jurisdiction_set_find(set, "EU")->calendar,
			D("2025-05-09"), NULL) == 0,
	   "replace = yes dropped the shipped EU rules");
	jurisdiction_set_free(set);
	free(instance);
}

static void
test_json(const struct jurisdiction_set *set)
{
	const struct jurisdiction *mx = jurisdiction_set_find(set, "MX");
	const struct jurisdiction *gb = jurisdiction_set_find(set, "GB");
	json_t *o, *h, *list;
	struct error err;
	int found = 0;

	o = jurisdiction_to_json(mx);
	ok(json_is_true(json_object_get(json_object_get(json_object_get(o,
		"facts"), "initial"), "unverified")),
	   "JSON: MX initial deadline flagged unverified");
	ok(json_array_size(json_object_get(o, "unverified")) > 3,
	   "JSON: unverified facts listed");
	is_str(json_string_value(json_object_get(o, "code")), "MX",
	       "JSON: code");
	is_int(json_integer_value(json_object_get(json_object_get(
		json_object_get(json_object_get(o, "facts"), "initial"),
		"value"), "number")), 20, "JSON: initial number");
	json_decref(o);

	h = jurisdiction_holidays_to_json(gb, 2024, &err);
	list = json_object_get(h, "holidays");
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *e = json_array_get(list, i);

		if (strcmp(json_string_value(json_object_get(e, "date")),
			   "2024-01-02") == 0 &&
		    strstr(json_string_value(json_object_get(e, "name")),
			   "Scotland"))
			found = 1;
	}
	ok(found, "holidays JSON lists GB's 2 January 2024 (Scotland)");
	is_int((long long)json_array_size(json_object_get(h, "weekend")), 2,
	       "holidays JSON: weekend");
	json_decref(h);
	ok(jurisdiction_holidays_to_json(gb, 1989, &err) == NULL &&
	   strstr(err.msg, "1989"), "holidays of 1989: %s", err.msg);
	o = jurisdiction_to_json(jurisdiction_set_find(set, "SG"));
	ok(json_is_true(json_object_get(o, "no_foi_law")),
	   "JSON: SG no_foi_law");
	json_decref(o);
}

int
main(void)
{
	const char *dirs[1] = { laws_dir() };
	struct jurisdiction_set *set;
	struct error err;

	snprintf(tmp, sizeof(tmp), "/tmp/foivault-test-XXXXXX");
	if (mkdtemp(tmp) == NULL) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	set = jurisdiction_set_load(dirs, 1, &err);
	ok(set != NULL, "shipped law files load from %s%s%s", dirs[0],
	   set ? "" : ": ", set ? "" : err.msg);
	if (set != NULL) {
		test_shipped(set);
		test_facts(set);
		test_union(set);
		test_lookup(set);
		test_json(set);
	}
	jurisdiction_set_free(set);
	test_malformed();
	test_override();
	rm_rf();
	return done_testing();
}
