/*
 * cer.h - character error rate of OCR output against a known text, for the
 * OCR tests and benchmarks. Header-only, like tap.h.
 *
 * Both texts are normalised first: every run of white space becomes one
 * space, and leading and trailing space is dropped, so that line breaks and
 * blank lines (layout, not reading) do not count. The rate is the edit
 * distance (insertions, deletions, substitutions of bytes) over the length
 * of the known text: 0 is perfect; a missing page is 1. Bytes, not
 * characters: an accented letter read wrong counts twice, which only makes
 * the rates slightly pessimistic for French and Spanish.
 */
#ifndef FOIVAULT_CER_H
#define FOIVAULT_CER_H

#include <stdlib.h>
#include <string.h>

static char *
cer_normalise(const char *s)
{
	char *out = malloc(strlen(s) + 1);
	size_t n = 0;
	int space = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r' ||
		    *s == '\f') {
			space = n > 0;
			continue;
		}
		if (space)
			out[n++] = ' ';
		space = 0;
		out[n++] = *s;
	}
	out[n] = '\0';
	return out;
}

/* The edit distance and the length of the (normalised) known text. */
static inline void
cer_counts(const char *got, const char *want, size_t *ret_dist,
	   size_t *ret_len)
{
	char *g = cer_normalise(got), *w = cer_normalise(want);
	size_t gl = strlen(g), wl = strlen(w);
	size_t *prev = malloc((gl + 1) * sizeof(size_t));
	size_t *cur = malloc((gl + 1) * sizeof(size_t));

	for (size_t j = 0; j <= gl; j++)
		prev[j] = j;
	for (size_t i = 1; i <= wl; i++) {
		size_t *tmp;

		cur[0] = i;
		for (size_t j = 1; j <= gl; j++) {
			size_t sub = prev[j - 1] + (w[i - 1] != g[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins)
					   : (del < ins ? del : ins);
		}
		tmp = prev;
		prev = cur;
		cur = tmp;
	}
	*ret_dist = prev[gl];
	*ret_len = wl;
	free(prev);
	free(cur);
	free(g);
	free(w);
}

static inline double
cer(const char *got, const char *want)
{
	size_t dist, len;

	cer_counts(got, want, &dist, &len);
	return len ? (double)dist / (double)len : (dist ? 1.0 : 0.0);
}

#endif
