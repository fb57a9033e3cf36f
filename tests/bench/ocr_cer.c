/*
 * ocr_cer.c - the character error rate table of bench_ocr.sh: reads lines
 * "SYSTEM<TAB>CLASS<TAB>GOT<TAB>TRUTH" on standard input (GOT and TRUTH
 * are files; a missing GOT file counts as an empty reading) and prints,
 * per class of page and over all pages, the CER of each system: all edit
 * operations over all characters of the class (tests/cer.h), so that long
 * pages weigh more than short ones. Systems are columns in the order they
 * first appear; the first one is "ours", and a last column names the
 * classes where it is worse than any other system.
 *
 *   ocr_cer < pairs
 *
 * With BENCH_VERBOSE set, each page's CER goes to stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cer.h"

#define MAX_SYSTEMS 8
#define MAX_CLASSES 64
#define NAME_MAX_LEN 64

struct cell {
	size_t dist, len;
	int pages;
};

static char systems[MAX_SYSTEMS][NAME_MAX_LEN];
static char classes[MAX_CLASSES][NAME_MAX_LEN];
static struct cell cells[MAX_CLASSES + 1][MAX_SYSTEMS];
static int nsystems, nclasses;

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t n = 0, cap = 4096, got;
	char *s = malloc(cap);

	if (s == NULL)
		abort();
	while (f && (got = fread(s + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap && (s = realloc(s, cap *= 2)) == NULL)
			abort();
	}
	if (f)
		fclose(f);
	s[n] = '\0';
	return s;
}

static int
index_of(char names[][NAME_MAX_LEN], int *n, int max, const char *name)
{
	for (int i = 0; i < *n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	if (*n == max)
		return -1;
	snprintf(names[*n], NAME_MAX_LEN, "%s", name);
	return (*n)++;
}

static double
rate(const struct cell *c)
{
	return c->len ? 100.0 * (double)c->dist / (double)c->len : 0.0;
}

static void
print_row(const char *name, const struct cell *row)
{
	printf("%-28s", name);
	for (int s = 0; s < nsystems; s++)
		printf(" %9.2f%%", rate(&row[s]));
	printf(" %5d", row[0].pages);
	for (int s = 1; s < nsystems; s++)
		if (row[0].len && row[s].len && rate(&row[0]) > rate(&row[s])) {
			printf("  worse than %s", systems[s]);
			break;
		}
	printf("\n");
}

int
main(void)
{
	char line[4096];
	int verbose = getenv("BENCH_VERBOSE") != NULL;

	while (fgets(line, sizeof(line), stdin)) {
		char *sys = strtok(line, "\t"), *cls = strtok(NULL, "\t");
		char *got = strtok(NULL, "\t"), *truth = strtok(NULL, "\t\n");
		char *g, *t;
		size_t dist, len;
		int si, ci;

		if (truth == NULL)
			continue;
		si = index_of(systems, &nsystems, MAX_SYSTEMS, sys);
		ci = index_of(classes, &nclasses, MAX_CLASSES, cls);
		if (si < 0 || ci < 0) {
			fprintf(stderr, "ocr_cer: too many systems or classes\n");
			return 1;
		}
		g = slurp(got);
		t = slurp(truth);
		cer_counts(g, t, &dist, &len);
		cells[ci][si].dist += dist;
		cells[ci][si].len += len;
		cells[ci][si].pages++;
		cells[MAX_CLASSES][si].dist += dist;
		cells[MAX_CLASSES][si].len += len;
		cells[MAX_CLASSES][si].pages++;
		if (verbose)
			fprintf(stderr, "%s %s %s: %.2f%%\n", sys, cls, got,
				len ? 100.0 * (double)dist / (double)len : 0.0);
		free(g);
		free(t);
	}
	printf("%-28s", "CER by class of page");
	for (int s = 0; s < nsystems; s++)
		printf(" %10s", systems[s]);
	printf(" %5s\n", "pages");
	for (int c = 0; c < nclasses; c++)
		print_row(classes[c], cells[c]);
	print_row("all pages", cells[MAX_CLASSES]);
	return 0;
}
