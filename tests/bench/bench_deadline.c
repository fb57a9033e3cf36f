/*
 * bench_deadline.c - how fast due dates are, for the overdue dashboard.
 *
 * Builds 100,000 requests spread over every jurisdiction that has an FOI
 * law, received on days across 2018-2026, one in five with events (a fee
 * pause, a clarification, an extension), then times in one run:
 *   - the floor: a plain loop that only adds each law's number of days;
 *   - deadline_due_date(), the allocation-free initial due date;
 *   - deadline_compute(), the full result with its working and the
 *     explanation text, as the API returns it;
 * each first with cold calendars (year tables built on first use) and
 * then warm. Prints computations per second and the ratio to the floor.
 * Law files come from $FOIVAULT_LAWS_DIR, or src/laws. Not a TAP test.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "calendar.h"
#include "deadline.h"
#include "jurisdiction.h"

#define NREQ 100000

struct req {
	const struct jurisdiction *j;
	size_t law;		/* index into laws[], to re-resolve j */
	int received;
	struct deadline_event ev[3];
	size_t nev;
};

static double
secs(int64_t t0)
{
	return (double)(now_usec() - t0) / 1e6;
}

static void
report(const char *what, double s, double floor_s)
{
	printf("%-44s %8.3f s %12.0f /s", what, s, NREQ / s);
	if (floor_s > 0)
		printf("   %7.1fx floor", s / floor_s);
	printf("\n");
}

/* A fresh set, so that no calendar year is cached yet. */
static void
reload(struct jurisdiction_set **set, const char *const *dirs,
       const struct jurisdiction **laws, size_t *nlaws, struct req *r)
{
	struct error err;

	jurisdiction_set_free(*set);
	if ((*set = jurisdiction_set_load(dirs, 1, &err)) == NULL) {
		fprintf(stderr, "bench_deadline: %s\n", err.msg);
		exit(1);
	}
	*nlaws = 0;
	for (size_t i = 0; i < jurisdiction_set_count(*set); i++)
		if (!jurisdiction_set_at(*set, i)->no_foi_law)
			laws[(*nlaws)++] = jurisdiction_set_at(*set, i);
	for (int i = 0; i < NREQ; i++)
		r[i].j = laws[r[i].law];
}

int
main(void)
{
	const char *env = getenv("FOIVAULT_LAWS_DIR");
	const char *dirs[1] = { env && *env ? env : "src/laws" };
	const struct jurisdiction *laws[64];
	struct jurisdiction_set *set;
	struct req *r;
	struct error err;
	size_t nlaws = 0;
	unsigned seed = 42;
	long long sum = 0;
	double floor_s, t;
	int64_t t0;
	int base;

	if ((set = jurisdiction_set_load(dirs, 1, &err)) == NULL) {
		fprintf(stderr, "bench_deadline: %s\n", err.msg);
		return 1;
	}
	for (size_t i = 0; i < jurisdiction_set_count(set) && nlaws < 64; i++)
		if (!jurisdiction_set_at(set, i)->no_foi_law)
			laws[nlaws++] = jurisdiction_set_at(set, i);
	calendar_parse_date("2018-01-01", &base, NULL);
	r = xcalloc(NREQ, sizeof(*r));
	for (int i = 0; i < NREQ; i++) {
		seed = seed * 1103515245u + 12345u;
		r[i].law = (seed >> 8) % nlaws;
		r[i].j = laws[r[i].law];
		r[i].received = base + (int)((seed >> 4) % (9 * 365));
		if ((seed >> 20) % 5 == 0) {
			int d = r[i].received + 3;

			r[i].ev[0].kind = DEADLINE_FEE_REQUESTED;
			r[i].ev[0].day = d;
			r[i].ev[1].kind = DEADLINE_FEE_PAID;
			r[i].ev[1].day = d + 4;
			r[i].ev[2].kind = DEADLINE_EXTENSION;
			r[i].ev[2].day = d + 9;
			r[i].nev = 3;
		}
	}
	printf("%d requests over %zu jurisdictions, received 2018-2026, "
	       "1 in 5 with events\n\n", NREQ, nlaws);

	/* The floor: add N days, nothing else. */
	t0 = now_usec();
	for (int i = 0; i < NREQ; i++)
		sum += r[i].received + r[i].j->initial.n;
	floor_s = secs(t0);
	if (floor_s < 1e-6)
		floor_s = 1e-6;
	report("floor: received + N days", floor_s, 0);

	for (int pass = 0; pass < 2; pass++) {
		const char *tag = pass ? "warm" : "cold";
		char label[64];

		if (pass == 0) {
			/* Cold for the fast path: a fresh set. */
			reload(&set, dirs, laws, &nlaws, r);
		}
		t0 = now_usec();
		for (int i = 0; i < NREQ; i++) {
			int due;

			if (deadline_due_date(r[i].j, r[i].received, &due,
					      &err) == 0)
				sum += due;
		}
		t = secs(t0);
		snprintf(label, sizeof(label), "deadline_due_date (%s)", tag);
		report(label, t, floor_s);
	}
	for (int pass = 0; pass < 2; pass++) {
		const char *tag = pass ? "warm" : "cold";
		char label[64];

		if (pass == 0) {
			reload(&set, dirs, laws, &nlaws, r);
		}
		t0 = now_usec();
		for (int i = 0; i < NREQ; i++) {
			struct deadline *d;

			if (deadline_compute(r[i].j, r[i].received, r[i].ev,
					     r[i].nev, r[i].received + 60, &d,
					     &err) == 0) {
				sum += d->current.set ? d->current.due : 0;
				deadline_free(d);
			}
		}
		t = secs(t0);
		snprintf(label, sizeof(label),
			 "deadline_compute + working (%s)", tag);
		report(label, t, floor_s);
	}
	printf("\n(checksum %lld)\n", sum);
	free(r);
	jurisdiction_set_free(set);
	return 0;
}
