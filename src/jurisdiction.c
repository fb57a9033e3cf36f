/*
 * jurisdiction.c - loading law files into an immutable set of laws.
 *
 * Each file is parsed with the strict INI reader, then applied entry by
 * entry, in file order, to the jurisdiction its [law] code names: the
 * first file for a code creates it, later ones (from later directories)
 * override it. Applying never half-fails silently: the first bad entry
 * stops the load with "file:line: message", and the partly built set is
 * freed. After every file is applied, each law is checked as a whole
 * (a law needs a name, a citation and a deadline unless it says there is
 * no FOI law).
 *
 * Ownership: the set owns its laws; a law owns its strings and calendar.
 * Nothing here is changed after jurisdiction_set_load() returns, so the set
 * can be shared by the HTTP server's threads.
 */
#include "config.h"

#include "jurisdiction.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ini.h"
#include "fvlimits.h"

struct jurisdiction_set {
	struct jurisdiction **v;
	size_t n, cap;
};

static const char *const fact_names[JUR_NFACTS] = {
	[JUR_FACT_NAME] = "name",
	[JUR_FACT_LAW] = "law",
	[JUR_FACT_CITATION] = "citation",
	[JUR_FACT_NO_FOI_LAW] = "no_foi_law",
	[JUR_FACT_OVERSIGHT] = "oversight",
	[JUR_FACT_LANGUAGES] = "languages",
	[JUR_FACT_TIMEZONE] = "timezone",
	[JUR_FACT_INITIAL] = "initial",
	[JUR_FACT_START] = "start",
	[JUR_FACT_EXTENSION] = "extension",
	[JUR_FACT_CLARIFICATION] = "clarification",
	[JUR_FACT_FEE] = "fee",
	[JUR_FACT_VERY_OVERDUE] = "very_overdue",
	[JUR_FACT_DEEMED_REFUSAL] = "deemed_refusal",
	[JUR_FACT_APPEAL_NAME] = "appeal_name",
	[JUR_FACT_APPEAL_WINDOW] = "appeal_window",
	[JUR_FACT_APPEAL_DECISION] = "appeal_decision",
	[JUR_FACT_APPEAL_EXTENSION] = "appeal_extension",
	[JUR_FACT_HOLIDAYS] = "holidays",
};

static const char *const unit_names[] = {
	[JUR_UNIT_NONE] = "none",
	[JUR_UNIT_WORKING_DAYS] = "working_days",
	[JUR_UNIT_CALENDAR_DAYS] = "calendar_days",
	[JUR_UNIT_WEEKS] = "weeks",
	[JUR_UNIT_CALENDAR_WEEKS] = "calendar_weeks",
	[JUR_UNIT_MONTHS] = "months",
};

const char *
jurisdiction_fact_name(enum jurisdiction_fact f)
{
	return f < JUR_NFACTS ? fact_names[f] : "?";
}

static int
fact_by_name(const char *s)
{
	for (int i = 0; i < JUR_NFACTS; i++)
		if (strcmp(fact_names[i], s) == 0)
			return i;
	return -1;
}

const char *
jurisdiction_unit_name(enum jurisdiction_unit u)
{
	return u <= JUR_UNIT_MONTHS ? unit_names[u] : "?";
}

const char *
jurisdiction_start_name(enum jurisdiction_start s)
{
	switch (s) {
	case JUR_START_RECEIPT:
		return "receipt";
	case JUR_START_REGISTRATION:
		return "registration";
	case JUR_START_FIRST_WORKING_DAY:
		return "first-working-day";
	}
	return "?";
}

const char *
jurisdiction_stop_name(enum jurisdiction_stop s)
{
	switch (s) {
	case JUR_STOP_NONE:
		return "none";
	case JUR_STOP_PAUSE:
		return "pause";
	case JUR_STOP_RESTART:
		return "restart";
	}
	return "?";
}

char *
jurisdiction_period_text(const struct jurisdiction_period *p, char *buf,
			 size_t n)
{
	const char *u = "";
	int one = p->n == 1;

	switch (p->unit) {
	case JUR_UNIT_NONE:
		snprintf(buf, n, "none");
		return buf;
	case JUR_UNIT_WORKING_DAYS:
		u = one ? "working day" : "working days";
		break;
	case JUR_UNIT_CALENDAR_DAYS:
		u = one ? "calendar day" : "calendar days";
		break;
	case JUR_UNIT_WEEKS:
		u = one ? "week (of 5 working days)" :
			  "weeks (of 5 working days)";
		break;
	case JUR_UNIT_CALENDAR_WEEKS:
		u = one ? "week" : "weeks";
		break;
	case JUR_UNIT_MONTHS:
		u = one ? "month" : "months";
		break;
	}
	snprintf(buf, n, "%d %s", p->n, u);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Lifecycle                                                            */

static void
strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
jurisdiction_free(struct jurisdiction *j)
{
	if (j == NULL)
		return;
	free(j->code);
	free(j->name);
	free(j->law);
	free(j->citation);
	free(j->oversight);
	free(j->timezone);
	free(j->note);
	free(j->appeal_name);
	strv_free(j->languages, j->nlanguages);
	strv_free(j->sources, j->nsources);
	strv_free(j->files, j->nfiles);
	for (int i = 0; i < JUR_NFACTS; i++) {
		free(j->cite[i]);
		free(j->unverified[i]);
	}
	for (int i = 0; i < FV_MAX_CALENDAR_PARTS; i++)
		free(j->part_ids[i]);
	calendar_free(j->calendar);
	free(j);
}

static struct jurisdiction *
jurisdiction_new(const char *code)
{
	struct jurisdiction *j = xcalloc(1, sizeof(*j));

	j->code = xstrdup(code);
	j->name = xstrdup("");
	j->law = xstrdup("");
	j->citation = xstrdup("");
	j->oversight = xstrdup("");
	j->timezone = xstrdup("");
	j->note = xstrdup("");
	j->appeal_name = xstrdup("");
	j->very_overdue_factor = 2;
	j->calendar = calendar_new();
	j->part_ids[0] = xstrdup("");
	return j;
}

void
jurisdiction_set_free(struct jurisdiction_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++)
		jurisdiction_free(set->v[i]);
	free(set->v);
	free(set);
}

/* ------------------------------------------------------------------ */
/* Values                                                               */

static int
valid_code(const char *s)
{
	size_t n = strlen(s);

	if (n != 2 && (n < 4 || n > 6))
		return 0;
	if (!isupper((unsigned char)s[0]) || !isupper((unsigned char)s[1]))
		return 0;
	if (n == 2)
		return 1;
	if (s[2] != '-')
		return 0;
	for (size_t i = 3; i < n; i++)
		if (!isupper((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int
parse_bool(const char *v, int *ret)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0) {
		*ret = 1;
		return 0;
	}
	if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0) {
		*ret = 0;
		return 0;
	}
	return -1;
}

static int
parse_unit(const char *s, enum jurisdiction_unit *ret)
{
	static const struct {
		const char *name;
		enum jurisdiction_unit unit;
	} units[] = {
		{ "working_days", JUR_UNIT_WORKING_DAYS },
		{ "working_day", JUR_UNIT_WORKING_DAYS },
		{ "calendar_days", JUR_UNIT_CALENDAR_DAYS },
		{ "calendar_day", JUR_UNIT_CALENDAR_DAYS },
		{ "weeks", JUR_UNIT_WEEKS },
		{ "week", JUR_UNIT_WEEKS },
		{ "calendar_weeks", JUR_UNIT_CALENDAR_WEEKS },
		{ "calendar_week", JUR_UNIT_CALENDAR_WEEKS },
		{ "months", JUR_UNIT_MONTHS },
		{ "month", JUR_UNIT_MONTHS },
	};

	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(units[i].name, s) == 0) {
			*ret = units[i].unit;
			return 0;
		}
	}
	return -1;
}

/*
 * "N UNIT [roll] [once|repeatable] [open]" or "none". Extension words are
 * only accepted where `ext` says so.
 */
static int
parse_period(const char *v, int ext, struct jurisdiction_period *ret,
	     struct error *err)
{
	struct jurisdiction_period p = { 0 };
	char *copy = xstrdup(v), *save = NULL, *t;
	int i = 0, rc = -1;
	long long n;

	if (strcmp(v, "none") == 0) {
		*ret = p;
		rc = 0;
		goto out;
	}
	for (t = strtok_r(copy, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save), i++) {
		if (i == 0) {
			if (parse_ll(t, 1, FV_MAX_PERIOD, "number", &n,
				     err) < 0)
				goto out;
			p.n = (int)n;
		} else if (i == 1) {
			if (parse_unit(t, &p.unit) < 0) {
				error_set(err, "unknown unit '%s' (use "
					  "working_days, calendar_days, weeks, "
					  "calendar_weeks or months)", t);
				goto out;
			}
		} else if (strcmp(t, "roll") == 0) {
			if (p.unit == JUR_UNIT_WORKING_DAYS ||
			    p.unit == JUR_UNIT_WEEKS) {
				error_set(err, "'roll' applies only to "
					  "calendar_days, calendar_weeks and "
					  "months");
				goto out;
			}
			p.roll = 1;
		} else if (ext && strcmp(t, "once") == 0) {
			p.repeatable = 0;
		} else if (ext && strcmp(t, "repeatable") == 0) {
			p.repeatable = 1;
		} else if (ext && strcmp(t, "open") == 0) {
			p.open = 1;
		} else {
			error_set(err, "unexpected '%s' in period '%s'", t, v);
			goto out;
		}
	}
	if (i < 2) {
		error_set(err, "'%s' is not a period like '20 working_days' "
			  "or 'none'", v);
		goto out;
	}
	*ret = p;
	rc = 0;
out:
	free(copy);
	return rc;
}

static int
parse_list(const char *v, char ***ret, size_t *ret_n, struct error *err)
{
	char *copy = xstrdup(v), *save = NULL, *t;
	char **list = NULL;
	size_t n = 0;
	int rc = -1;

	for (t = strtok_r(copy, ", \t", &save); t;
	     t = strtok_r(NULL, ", \t", &save)) {
		for (const char *c = t; *c; c++) {
			if (!isalnum((unsigned char)*c) && *c != '-') {
				error_set(err, "'%s' is not a language tag "
					  "(like en, fr, es-419)", t);
				goto out;
			}
		}
		if (n == FV_MAX_LAW_LIST) {
			error_set(err, "more than %d entries", FV_MAX_LAW_LIST);
			goto out;
		}
		list = xrealloc(list, (n + 1) * sizeof(*list));
		list[n++] = xstrdup(t);
	}
	*ret = list;
	*ret_n = n;
	list = NULL;
	n = 0;
	rc = 0;
out:
	strv_free(list, n);
	free(copy);
	return rc;
}

static void
set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

/* ------------------------------------------------------------------ */
/* Applying a file                                                      */

struct apply {
	struct jurisdiction *j;
	const struct ini *ini;
	int override;
	int set_fact[JUR_NFACTS];
	int marked[JUR_NFACTS];
};

static int
find_part(const struct jurisdiction *j, const char *id)
{
	for (int i = 0; i < FV_MAX_CALENDAR_PARTS; i++)
		if (j->part_ids[i] != NULL && strcmp(j->part_ids[i], id) == 0)
			return i;
	return -1;
}

/* Part index for "holidays" or "holidays.ID", creating it if new. */
static int
section_part(struct apply *a, const char *section, struct error *err)
{
	const char *id = section[8] == '.' ? section + 9 : "";
	const char *name;
	int part;

	if ((part = find_part(a->j, id)) >= 0)
		return part;
	if (*id == '\0')
		return 0;
	name = ini_get(a->ini, section, "name");
	if ((part = calendar_add_part(a->j->calendar, name ? name : id,
				      err)) < 0)
		return -1;
	a->j->part_ids[part] = xstrdup(id);
	return part;
}

static int
apply_law(struct apply *a, const struct ini_entry *e, struct error *err)
{
	struct jurisdiction *j = a->j;
	const char *k = e->key, *v = e->value;
	int f = -1;

	if (strlen(v) > FV_MAX_LAW_TEXT)
		return error_set(err, "value longer than %d bytes",
				 FV_MAX_LAW_TEXT);
	if (strcmp(k, "code") == 0)
		return 0; /* read before applying */
	if (strcmp(k, "name") == 0) {
		set_str(&j->name, v);
		f = JUR_FACT_NAME;
	} else if (strcmp(k, "law") == 0) {
		set_str(&j->law, v);
		f = JUR_FACT_LAW;
	} else if (strcmp(k, "citation") == 0) {
		set_str(&j->citation, v);
		f = JUR_FACT_CITATION;
	} else if (strcmp(k, "oversight") == 0) {
		set_str(&j->oversight, v);
		f = JUR_FACT_OVERSIGHT;
	} else if (strcmp(k, "timezone") == 0) {
		for (const char *c = v; *c; c++)
			if (!isalnum((unsigned char)*c) && !strchr("/_-+", *c))
				return error_set(err, "'%s' is not an IANA "
						 "time zone name", v);
		set_str(&j->timezone, v);
		f = JUR_FACT_TIMEZONE;
	} else if (strcmp(k, "note") == 0) {
		set_str(&j->note, v);
		return 0;
	} else if (strcmp(k, "languages") == 0) {
		char **list;
		size_t n;

		if (parse_list(v, &list, &n, err) < 0)
			return -1;
		strv_free(j->languages, j->nlanguages);
		j->languages = list;
		j->nlanguages = n;
		f = JUR_FACT_LANGUAGES;
	} else if (strcmp(k, "no_foi_law") == 0) {
		if (parse_bool(v, &j->no_foi_law) < 0)
			return error_set(err, "no_foi_law must be yes or no");
		f = JUR_FACT_NO_FOI_LAW;
	} else if (strcmp(k, "source") == 0) {
		if (j->nsources == FV_MAX_LAW_LIST)
			return error_set(err, "more than %d sources",
					 FV_MAX_LAW_LIST);
		j->sources = xrealloc(j->sources,
				      (j->nsources + 1) * sizeof(char *));
		j->sources[j->nsources++] = xstrdup(v);
		return 0;
	} else {
		return error_set(err, "unknown key '%s' in [law]", k);
	}
	a->set_fact[f] = 1;
	return 0;
}

static int
parse_stop(const char *v, int restart_ok, enum jurisdiction_stop *ret)
{
	if (strcmp(v, "none") == 0)
		*ret = JUR_STOP_NONE;
	else if (strcmp(v, "pause") == 0)
		*ret = JUR_STOP_PAUSE;
	else if (restart_ok && strcmp(v, "restart") == 0)
		*ret = JUR_STOP_RESTART;
	else
		return -1;
	return 0;
}

static int
apply_deadline(struct apply *a, const struct ini_entry *e, struct error *err)
{
	struct jurisdiction *j = a->j;
	const char *k = e->key, *v = e->value;
	int f;

	if (strcmp(k, "initial") == 0) {
		f = JUR_FACT_INITIAL;
		if (parse_period(v, 0, &j->initial, err) < 0)
			return -1;
	} else if (strcmp(k, "start") == 0) {
		f = JUR_FACT_START;
		if (strcmp(v, "receipt") == 0)
			j->start = JUR_START_RECEIPT;
		else if (strcmp(v, "registration") == 0)
			j->start = JUR_START_REGISTRATION;
		else if (strcmp(v, "first-working-day") == 0)
			j->start = JUR_START_FIRST_WORKING_DAY;
		else
			return error_set(err, "start must be receipt, "
					 "registration or first-working-day");
	} else if (strcmp(k, "extension") == 0) {
		f = JUR_FACT_EXTENSION;
		if (parse_period(v, 1, &j->extension, err) < 0)
			return -1;
	} else if (strcmp(k, "clarification") == 0) {
		f = JUR_FACT_CLARIFICATION;
		if (parse_stop(v, 1, &j->clarification) < 0)
			return error_set(err, "clarification must be pause, "
					 "restart or none");
	} else if (strcmp(k, "fee") == 0) {
		f = JUR_FACT_FEE;
		if (parse_stop(v, 0, &j->fee) < 0)
			return error_set(err, "fee must be pause or none");
	} else if (strcmp(k, "very_overdue") == 0) {
		size_t n = strlen(v);

		f = JUR_FACT_VERY_OVERDUE;
		if (n >= 2 && v[n - 1] == 'x') {
			char num[8];
			long long x;

			if (n - 1 >= sizeof(num))
				return error_set(err, "very_overdue: '%s' is "
						 "not like 2x", v);
			memcpy(num, v, n - 1);
			num[n - 1] = '\0';
			if (parse_ll(num, 1, FV_MAX_VERY_OVERDUE_FACTOR,
				     "very_overdue factor", &x, err) < 0)
				return -1;
			j->very_overdue_factor = (int)x;
			memset(&j->very_overdue, 0, sizeof(j->very_overdue));
		} else {
			if (parse_period(v, 0, &j->very_overdue, err) < 0)
				return -1;
			if (j->very_overdue.unit == JUR_UNIT_NONE)
				return error_set(err, "very_overdue must be a "
						 "factor like 2x or a period");
		}
	} else if (strcmp(k, "deemed_refusal") == 0) {
		f = JUR_FACT_DEEMED_REFUSAL;
		if (parse_bool(v, &j->deemed_refusal) < 0)
			return error_set(err, "deemed_refusal must be yes or "
					 "no");
	} else {
		return error_set(err, "unknown key '%s' in [deadline]", k);
	}
	a->set_fact[f] = 1;
	return 0;
}

static int
apply_appeal(struct apply *a, const struct ini_entry *e, struct error *err)
{
	struct jurisdiction *j = a->j;
	const char *k = e->key, *v = e->value;
	int f;

	if (strcmp(k, "name") == 0) {
		if (strlen(v) > FV_MAX_LAW_TEXT)
			return error_set(err, "value longer than %d bytes",
					 FV_MAX_LAW_TEXT);
		set_str(&j->appeal_name, v);
		f = JUR_FACT_APPEAL_NAME;
	} else if (strcmp(k, "window") == 0) {
		f = JUR_FACT_APPEAL_WINDOW;
		if (parse_period(v, 0, &j->appeal_window, err) < 0)
			return -1;
	} else if (strcmp(k, "decision") == 0) {
		f = JUR_FACT_APPEAL_DECISION;
		if (parse_period(v, 0, &j->appeal_decision, err) < 0)
			return -1;
	} else if (strcmp(k, "extension") == 0) {
		f = JUR_FACT_APPEAL_EXTENSION;
		if (parse_period(v, 1, &j->appeal_extension, err) < 0)
			return -1;
	} else {
		return error_set(err, "unknown key '%s' in [appeal]", k);
	}
	a->set_fact[f] = 1;
	return 0;
}

static int
apply_fact_note(struct apply *a, const struct ini_entry *e, int unverified,
		struct error *err)
{
	int f = fact_by_name(e->key);

	if (f < 0)
		return error_set(err, "'%s' is not a fact (use name, law, "
				 "citation, initial, start, extension, "
				 "clarification, fee, very_overdue, "
				 "appeal_window, holidays ...)", e->key);
	if (strlen(e->value) > FV_MAX_LAW_TEXT)
		return error_set(err, "value longer than %d bytes",
				 FV_MAX_LAW_TEXT);
	if (unverified) {
		if (*e->value == '\0')
			return error_set(err, "say why '%s' is unverified",
					 e->key);
		set_str(&a->j->unverified[f], e->value);
		a->marked[f] = 1;
	} else {
		set_str(&a->j->cite[f], e->value);
	}
	return 0;
}

static int
apply_holidays(struct apply *a, const struct ini_entry *e, struct error *err)
{
	struct jurisdiction *j = a->j;
	int part, yes;

	if ((part = section_part(a, e->section, err)) < 0)
		return -1;
	if (strcmp(e->key, "holiday") == 0)
		return calendar_add_rule(j->calendar, part, e->value, err);
	if (strcmp(e->key, "replace") == 0) {
		if (parse_bool(e->value, &yes) < 0)
			return error_set(err, "replace must be yes or no");
		return 0; /* done before the file's rules */
	}
	if (strcmp(e->key, "name") == 0) {
		if (part == 0)
			return error_set(err, "[holidays] has no name; name "
					 "parts in [holidays.ID]");
		return 0; /* read when the part was created */
	}
	if (strcmp(e->key, "weekend") == 0) {
		if (part != 0)
			return error_set(err, "weekend belongs in [holidays]");
		return calendar_set_weekend(j->calendar, e->value, err);
	}
	return error_set(err, "unknown key '%s' in [%s]", e->key, e->section);
}

static int
apply_entry(struct apply *a, const struct ini_entry *e, struct error *err)
{
	const char *s = e->section;

	if (strcmp(s, "law") == 0)
		return apply_law(a, e, err);
	if (strcmp(s, "deadline") == 0)
		return apply_deadline(a, e, err);
	if (strcmp(s, "appeal") == 0)
		return apply_appeal(a, e, err);
	if (strcmp(s, "cite") == 0)
		return apply_fact_note(a, e, 0, err);
	if (strcmp(s, "unverified") == 0)
		return apply_fact_note(a, e, 1, err);
	if (strcmp(s, "holidays") == 0 ||
	    (strncmp(s, "holidays.", 9) == 0 && s[9] != '\0'))
		return apply_holidays(a, e, err);
	if (*s == '\0')
		return error_set(err, "'%s' is outside any section", e->key);
	return error_set(err, "unknown section [%s] (use law, deadline, "
			 "appeal, cite, unverified, holidays, holidays.ID)",
			 s);
}

static int
apply_file(struct jurisdiction *j, const struct ini *ini, int override,
	   struct error *err)
{
	struct apply a;
	struct error e;

	memset(&a, 0, sizeof(a));
	a.j = j;
	a.ini = ini;
	a.override = override;
	/* Drop replaced holiday sections before this file adds rules. */
	for (size_t i = 0; i < ini->n; i++) {
		const struct ini_entry *en = &ini->entries[i];
		int yes = 0, part;

		if (strcmp(en->key, "replace") != 0 ||
		    strncmp(en->section, "holidays", 8) != 0)
			continue;
		if (parse_bool(en->value, &yes) < 0)
			return error_set(err, "%s:%d: replace must be yes or "
					 "no", ini->name, en->line);
		if (!yes)
			continue;
		if ((part = section_part(&a, en->section, &e)) < 0)
			return error_set(err, "%s:%d: %s", ini->name, en->line,
					 e.msg);
		calendar_clear_part(j->calendar, part);
	}
	for (size_t i = 0; i < ini->n; i++) {
		if (apply_entry(&a, &ini->entries[i], &e) < 0)
			return error_set(err, "%s:%d: %s", ini->name,
					 ini->entries[i].line, e.msg);
	}
	/* A fact an override changes is no longer the reference's doubt. */
	for (int f = 0; f < JUR_NFACTS; f++) {
		if (override && a.set_fact[f] && !a.marked[f]) {
			free(j->unverified[f]);
			j->unverified[f] = NULL;
		}
	}
	j->files = xrealloc(j->files, (j->nfiles + 1) * sizeof(char *));
	j->files[j->nfiles++] = xstrdup(ini->name);
	return 0;
}

static int
check_law(const struct jurisdiction *j, struct error *err)
{
	const char *file = j->files[j->nfiles - 1];

	if (*j->name == '\0')
		return error_set(err, "%s: %s: [law] name is required", file,
				 j->code);
	if (*j->citation == '\0')
		return error_set(err, "%s: %s: [law] citation is required",
				 file, j->code);
	if (*j->timezone == '\0')
		return error_set(err, "%s: %s: [law] timezone is required",
				 file, j->code);
	if (j->no_foi_law) {
		if (j->initial.unit != JUR_UNIT_NONE)
			return error_set(err, "%s: %s: a law with no_foi_law "
					 "= yes cannot have a deadline", file,
					 j->code);
		if (*j->note == '\0')
			return error_set(err, "%s: %s: no_foi_law = yes needs "
					 "a note saying so", file, j->code);
		return 0;
	}
	if (*j->law == '\0')
		return error_set(err, "%s: %s: [law] law is required", file,
				 j->code);
	if (j->initial.unit == JUR_UNIT_NONE)
		return error_set(err, "%s: %s: [deadline] initial is required",
				 file, j->code);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Loading                                                              */

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.law names of a directory, sorted. ENOENT returns 1. */
static int
list_dir(const char *dir, char ***ret, size_t *ret_n, struct error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;

	if (d == NULL) {
		if (errno == ENOENT)
			return 1;
		return error_set(err, "%s: %s", dir, strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len < 5 ||
		    strcmp(de->d_name + len - 4, ".law") != 0)
			continue;
		if (n == FV_MAX_LAW_FILES) {
			closedir(d);
			strv_free(v, n);
			return error_set(err, "%s: more than %d law files",
					 dir, FV_MAX_LAW_FILES);
		}
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof(*v), str_cmp);
	*ret = v;
	*ret_n = n;
	return 0;
}

static struct jurisdiction *
set_find_mut(const struct jurisdiction_set *set, const char *code)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcasecmp(set->v[i]->code, code) == 0)
			return set->v[i];
	return NULL;
}

static int
jur_cmp(const void *a, const void *b)
{
	const struct jurisdiction *x = *(struct jurisdiction *const *)a;
	const struct jurisdiction *y = *(struct jurisdiction *const *)b;

	return strcmp(x->code, y->code);
}

static int
load_file(struct jurisdiction_set *set, const char *path, size_t dirindex,
	  size_t *first_dir, struct error *err)
{
	struct ini ini = { 0 };
	struct jurisdiction *j;
	const char *code;
	int rc = -1, line = 0;

	if (ini_parse_file(path, &ini, err) < 0)
		return -1;
	code = NULL;
	for (size_t i = 0; i < ini.n; i++) {
		if (*ini.entries[i].section == '\0') {
			error_set(err, "%s:%d: '%s' is outside any section",
				  path, ini.entries[i].line,
				  ini.entries[i].key);
			goto out;
		}
		if (strcmp(ini.entries[i].section, "law") == 0 &&
		    strcmp(ini.entries[i].key, "code") == 0) {
			if (code != NULL) {
				error_set(err, "%s:%d: code given twice", path,
					  ini.entries[i].line);
				goto out;
			}
			code = ini.entries[i].value;
			line = ini.entries[i].line;
		}
	}
	if (code == NULL) {
		error_set(err, "%s: [law] code is required", path);
		goto out;
	}
	if (!valid_code(code)) {
		error_set(err, "%s:%d: '%s' is not a jurisdiction code (ISO "
			  "3166: GB, or a subdivision: GB-SCT, US-CA)", path,
			  line, code);
		goto out;
	}
	if ((j = set_find_mut(set, code)) != NULL) {
		size_t k;

		for (k = 0; k < set->n && set->v[k] != j; k++)
			;
		if (first_dir[k] == dirindex) {
			error_set(err, "%s:%d: %s is already defined by %s in "
				  "the same directory", path, line, code,
				  j->files[j->nfiles - 1]);
			goto out;
		}
		rc = apply_file(j, &ini, 1, err);
		goto out;
	}
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 32;
		set->v = xrealloc(set->v, set->cap * sizeof(*set->v));
	}
	j = jurisdiction_new(code);
	set->v[set->n] = j;
	first_dir[set->n] = dirindex;
	set->n++;
	rc = apply_file(j, &ini, 0, err);
out:
	ini_release(&ini);
	return rc;
}

struct jurisdiction_set *
jurisdiction_set_load(const char *const *dirs, size_t ndirs,
		      struct error *err)
{
	struct jurisdiction_set *set = xcalloc(1, sizeof(*set));
	size_t *first_dir = NULL;
	char **files = NULL;
	size_t nfiles = 0;
	int ok = 0;

	if (ndirs == 0 || ndirs > FV_MAX_LAW_DIRS) {
		error_set(err, "between 1 and %d law directories are needed",
			  FV_MAX_LAW_DIRS);
		goto out;
	}
	first_dir = xcalloc(FV_MAX_LAW_FILES * FV_MAX_LAW_DIRS,
			    sizeof(*first_dir));
	for (size_t d = 0; d < ndirs; d++) {
		int r = list_dir(dirs[d], &files, &nfiles, err);

		if (r < 0)
			goto out;
		if (r == 1) {
			if (d == 0) {
				error_set(err, "%s: no such directory of law "
					  "files", dirs[d]);
				goto out;
			}
			files = NULL;
			nfiles = 0;
			continue;
		}
		for (size_t i = 0; i < nfiles; i++)
			if (load_file(set, files[i], d, first_dir, err) < 0)
				goto out;
		strv_free(files, nfiles);
		files = NULL;
		nfiles = 0;
	}
	if (set->n == 0) {
		error_set(err, "%s: no *.law files", dirs[0]);
		goto out;
	}
	for (size_t i = 0; i < set->n; i++)
		if (check_law(set->v[i], err) < 0)
			goto out;
	qsort(set->v, set->n, sizeof(*set->v), jur_cmp);
	ok = 1;
out:
	strv_free(files, nfiles);
	free(first_dir);
	if (!ok) {
		jurisdiction_set_free(set);
		return NULL;
	}
	return set;
}

const struct jurisdiction *
jurisdiction_set_find(const struct jurisdiction_set *set, const char *code)
{
	if (set == NULL || code == NULL)
		return NULL;
	return set_find_mut(set, code);
}

const struct jurisdiction *
jurisdiction_set_lookup(const struct jurisdiction_set *set, const char *code,
			struct error *err)
{
	const struct jurisdiction *j = jurisdiction_set_find(set, code);
	struct buf b;

	if (j != NULL)
		return j;
	buf_init(&b, 400);
	for (size_t i = 0; set != NULL && i < set->n; i++)
		if (buf_printf(&b, "%s%s", i ? ", " : "", set->v[i]->code) < 0)
			break;
	error_set(err, "unknown jurisdiction '%.20s' (known: %s)",
		  code ? code : "", b.data ? b.data : "none");
	buf_release(&b);
	return NULL;
}

size_t
jurisdiction_set_count(const struct jurisdiction_set *set)
{
	return set ? set->n : 0;
}

const struct jurisdiction *
jurisdiction_set_at(const struct jurisdiction_set *set, size_t i)
{
	return set && i < set->n ? set->v[i] : NULL;
}

/* ------------------------------------------------------------------ */
/* JSON                                                                 */

static json_t *
weekend_json(const struct calendar *cal)
{
	json_t *a = json_array();
	unsigned mask = calendar_weekend(cal);

	for (int w = 0; w < 7; w++)
		if ((mask >> w) & 1u)
			json_array_append_new(a, json_string(
				calendar_weekday_name(w)));
	return a;
}

static json_t *
period_json(const struct jurisdiction_period *p)
{
	char text[96];

	if (p->unit == JUR_UNIT_NONE)
		return json_null();
	return json_pack("{s:i, s:s, s:s, s:b, s:b, s:b}",
			 "number", p->n,
			 "unit", jurisdiction_unit_name(p->unit),
			 "text", jurisdiction_period_text(p, text,
							  sizeof(text)),
			 "roll", p->roll, "repeatable", p->repeatable,
			 "open", p->open);
}

static json_t *
strv_json(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *
fact_value(const struct jurisdiction *j, int f)
{
	switch ((enum jurisdiction_fact)f) {
	case JUR_FACT_NAME:
		return json_string(j->name);
	case JUR_FACT_LAW:
		return json_string(j->law);
	case JUR_FACT_CITATION:
		return json_string(j->citation);
	case JUR_FACT_NO_FOI_LAW:
		return json_boolean(j->no_foi_law);
	case JUR_FACT_OVERSIGHT:
		return json_string(j->oversight);
	case JUR_FACT_LANGUAGES:
		return strv_json(j->languages, j->nlanguages);
	case JUR_FACT_TIMEZONE:
		return json_string(j->timezone);
	case JUR_FACT_INITIAL:
		return period_json(&j->initial);
	case JUR_FACT_START:
		return json_string(jurisdiction_start_name(j->start));
	case JUR_FACT_EXTENSION:
		return period_json(&j->extension);
	case JUR_FACT_CLARIFICATION:
		return json_string(jurisdiction_stop_name(j->clarification));
	case JUR_FACT_FEE:
		return json_string(jurisdiction_stop_name(j->fee));
	case JUR_FACT_VERY_OVERDUE:
		if (j->very_overdue.unit != JUR_UNIT_NONE)
			return period_json(&j->very_overdue);
		return json_pack("{s:i}", "factor", j->very_overdue_factor);
	case JUR_FACT_DEEMED_REFUSAL:
		return json_boolean(j->deemed_refusal);
	case JUR_FACT_APPEAL_NAME:
		return json_string(j->appeal_name);
	case JUR_FACT_APPEAL_WINDOW:
		return period_json(&j->appeal_window);
	case JUR_FACT_APPEAL_DECISION:
		return period_json(&j->appeal_decision);
	case JUR_FACT_APPEAL_EXTENSION:
		return period_json(&j->appeal_extension);
	case JUR_FACT_HOLIDAYS:
		return json_pack("{s:o, s:i}", "weekend",
				 weekend_json(j->calendar), "rules",
				 (int)calendar_rule_count(j->calendar));
	case JUR_NFACTS:
		break;
	}
	return json_null();
}

json_t *
jurisdiction_to_json(const struct jurisdiction *j)
{
	json_t *o, *facts = json_object(), *unv = json_array();
	json_t *parts = json_array();

	for (int f = 0; f < JUR_NFACTS; f++) {
		json_t *fo = json_object();

		json_object_set_new(fo, "value", fact_value(j, f));
		json_object_set_new(fo, "cite", j->cite[f] ?
				    json_string(j->cite[f]) : json_null());
		json_object_set_new(fo, "unverified",
				    json_boolean(j->unverified[f] != NULL));
		if (j->unverified[f] != NULL) {
			json_object_set_new(fo, "unverified_note",
					    json_string(j->unverified[f]));
			json_array_append_new(unv, json_pack(
				"{s:s, s:s}", "fact", fact_names[f], "note",
				j->unverified[f]));
		}
		json_object_set_new(facts, fact_names[f], fo);
	}
	for (int p = 1; p < FV_MAX_CALENDAR_PARTS; p++)
		if (j->part_ids[p] != NULL)
			json_array_append_new(parts, json_pack(
				"{s:s}", "id", j->part_ids[p]));
	o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:o, s:o}",
		      "code", j->code, "name", j->name, "law", j->law,
		      "citation", j->citation, "no_foi_law", j->no_foi_law,
		      "note", j->note, "oversight", j->oversight,
		      "timezone", j->timezone,
		      "languages", strv_json(j->languages, j->nlanguages),
		      "sources", strv_json(j->sources, j->nsources));
	json_object_set_new(o, "facts", facts);
	json_object_set_new(o, "unverified", unv);
	json_object_set_new(o, "calendar_parts", parts);
	return o;
}

json_t *
jurisdiction_holidays_to_json(const struct jurisdiction *j, int year,
			      struct error *err)
{
	struct calendar_holiday *h = NULL;
	size_t n = 0;
	json_t *o, *list;
	char date[CALENDAR_DATE_LEN];

	if (calendar_holidays(j->calendar, year, &h, &n, err) < 0)
		return NULL;
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack(
			"{s:s, s:s, s:s, s:b, s:b}",
			"date", calendar_format_date(h[i].day, date),
			"name", h[i].name,
			"weekday", calendar_weekday_name(
				calendar_weekday(h[i].day)),
			"weekend", h[i].weekend,
			"unverified", h[i].unverified));
	free(h);
	o = json_pack("{s:s, s:i, s:o, s:o}", "jurisdiction", j->code,
		      "year", year, "weekend", weekend_json(j->calendar),
		      "holidays", list);
	if (j->unverified[JUR_FACT_HOLIDAYS] != NULL)
		json_object_set_new(o, "unverified_note", json_string(
			j->unverified[JUR_FACT_HOLIDAYS]));
	return o;
}

/* "30 calendar days, rolled", "20 working days, once": for lists. */
static json_t *
period_summary(const struct jurisdiction_period *p, int extension)
{
	char text[96], out[160];

	if (p->unit == JUR_UNIT_NONE)
		return json_null();
	snprintf(out, sizeof(out), "%s%s%s%s",
		 jurisdiction_period_text(p, text, sizeof(text)),
		 p->roll ? ", rolled" : "",
		 !extension ? "" : p->repeatable ? ", repeatable" : ", once",
		 extension && p->open ? ", or as the notice says" : "");
	return json_string(out);
}

json_t *
jurisdiction_summary_to_json(const struct jurisdiction *j)
{
	json_t *unv = json_array();

	for (int f = 0; f < JUR_NFACTS; f++)
		if (j->unverified[f] != NULL)
			json_array_append_new(unv, json_string(fact_names[f]));
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:s, s:o}",
			 "code", j->code, "name", j->name, "law", j->law,
			 "citation", j->citation, "no_foi_law", j->no_foi_law,
			 "deadline", period_summary(&j->initial, 0),
			 "extension", period_summary(&j->extension, 1),
			 "start", jurisdiction_start_name(j->start),
			 "unverified", unv);
}
