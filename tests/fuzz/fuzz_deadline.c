/*
 * fuzz_deadline.c - libFuzzer target for the deadline inputs: the options
 * of `foivault deadline` and the query of GET /api/v1/deadline
 * (deadline_input.c), the dates in them (calendar_parse_date()), and the
 * computation they feed (deadline_compute() under a real law).
 *
 * An input is lines of NAME=VALUE (a line without '=' gives a NULL value),
 * applied in order with deadline_input_set(). Then, if a received date was
 * given, the events are made under the named law (or, without one, a law
 * picked by the input's size, so that every law gets fuzzed) and the
 * deadline is computed and turned into JSON.
 *
 * Checked: every value that parses as a date formats back to a date that
 * parses to the same day; calls fail only with the documented codes and a
 * message; ASan and UBSan watch the rest (and libFuzzer's timeout catches
 * a computation that does not end).
 *
 * The laws come from $FOIVAULT_LAWS_DIR (make check and make fuzz set it),
 * else ./src/laws; without them only the parsing is fuzzed.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "deadline.h"
#include "deadline_input.h"
#include "jurisdiction.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_DEADLINE_MAX_INPUT 4096
#define FUZZ_DEADLINE_MAX_LINES 128

static struct jurisdiction_set *laws;
static int laws_tried;

static void
die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_deadline: %s: %s\n", what, detail ? detail : "");
	abort();
}

static void
load_laws(void)
{
	const char *d = getenv("FOIVAULT_LAWS_DIR");
	const char *dirs[1] = { d && *d ? d : "src/laws" };
	struct error err;

	laws_tried = 1;
	laws = jurisdiction_set_load(dirs, 1, &err);
	if (laws == NULL || jurisdiction_set_count(laws) == 0)
		fprintf(stderr, "fuzz_deadline: no laws (%s): set "
			"FOIVAULT_LAWS_DIR; fuzzing the parsing only\n",
			laws ? dirs[0] : err.msg);
}

static void
check_date(const char *s)
{
	char buf[CALENDAR_DATE_LEN];
	struct error err = { "" };
	int day, again;

	if (calendar_parse_date(s, &day, &err) < 0) {
		if (err.msg[0] == '\0')
			die("calendar_parse_date failed without a message", s);
		return;
	}
	calendar_format_date(day, buf);
	if (calendar_parse_date(buf, &again, &err) < 0 || again != day)
		die("a parsed date does not survive formatting", s);
}

static void
compute(const struct deadline_input *in, size_t size)
{
	const struct jurisdiction *j;
	struct deadline_event *ev = NULL;
	struct deadline *d = NULL;
	struct error err = { "" };
	size_t nev = 0;

	if (laws == NULL || jurisdiction_set_count(laws) == 0 ||
	    in->received < 0)
		return;
	if (in->jurisdiction)
		j = jurisdiction_set_lookup(laws, in->jurisdiction, &err);
	else
		j = jurisdiction_set_at(laws, size % jurisdiction_set_count(laws));
	if (j == NULL) {
		if (err.msg[0] == '\0')
			die("unknown law without a message", in->jurisdiction);
		return;
	}
	if (deadline_input_events(in, j, &ev, &nev, &err) < 0) {
		if (err.msg[0] == '\0')
			die("deadline_input_events failed without a message",
			    NULL);
		goto out;
	}
	if (deadline_compute(j, in->received, ev, nev, in->as_of, &d,
			     &err) < 0) {
		if (err.msg[0] == '\0')
			die("deadline_compute failed without a message", NULL);
		goto out;
	}
	json_decref(deadline_to_json(d));
out:
	deadline_free(d);
	free(ev);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct deadline_input in;
	char *text, *line, *next;
	int lines = 0;

	if (!laws_tried)
		load_laws();
	if (size > FUZZ_DEADLINE_MAX_INPUT)
		size = FUZZ_DEADLINE_MAX_INPUT;
	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	deadline_input_init(&in, (int)(size & 1));
	for (line = text; line && lines++ < FUZZ_DEADLINE_MAX_LINES;
	     line = next) {
		struct error err = { "" };
		char *value;
		int rc;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		value = strchr(line, '=');
		if (value) {
			*value++ = '\0';
			check_date(value);
		}
		rc = deadline_input_set(&in, line, value, &err);
		if (rc != 0 && rc != -1 && rc != -2)
			die("deadline_input_set: unexpected code", line);
		if (rc != 0 && err.msg[0] == '\0')
			die("deadline_input_set failed without a message", line);
	}
	compute(&in, size);
	deadline_input_release(&in);
	free(text);
	return 0;
}
