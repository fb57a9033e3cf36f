/*
 * bench_ocr_steps.c - the effect of each OCR preprocessing step on the
 * character error rate, page class by page class (the fixtures of
 * tests/fixtures/ocr, whose true text is in page-*.txt).
 *
 * For each page it reads with no preprocessing at all, with the default
 * steps, with the default steps less one (for each), and with each optional
 * step added; it prints the CER (all errors over all characters of the
 * class) and the mean time per page of each, by class of page
 * (BENCH_VERBOSE=1 adds each page on stderr). A step earns its
 * place in OCR_STEPS_DEFAULT when removing it makes some class worse and
 * no class better. Figures: docs/ocr.md.
 *
 *   bench_ocr_steps [FIXTURES_DIR [LIST]]
 *
 * LIST names other pages, one a line: "FILE TRUTH PAGE DESCRIPTION", with
 * FILE under FIXTURES_DIR/ocr and TRUTH the xx of page-xx.txt there.
 */
#include "config.h"

#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cer.h"
#include "ocr_engine.h"
#include "ocr_image.h"
#include "ocr_pdf.h"

struct page {
	const char *file, *truth, *what;
	int page;
};

static const struct page builtin[] = {
	{ "en-clean.png", "en", "clean grey 300 dpi", 0 },
	{ "en-fax.tif", "en", "G4 fax 200 dpi", 0 },
	{ "multipage.tif", "fr", "G4 fax 200 dpi, French", 1 },
	{ "es-clean.png", "es", "1-bit 300 dpi, Spanish", 0 },
	{ "en-rot90.png", "en", "turned 90", 0 },
	{ "en-rot180.png", "en", "upside down", 0 },
	{ "en-skew3.png", "en", "skewed 3 degrees", 0 },
	{ "en-noisy.jpg", "en", "uneven light, noise, JPEG", 0 },
	{ "en-72dpi.png", "en", "300 dpi declared as 72", 0 },
	{ "en-100dpi.png", "en", "100 dpi", 0 },
	{ "scanned.pdf", "en", "scanned PDF at 300 dpi", 0 },
};

static const struct {
	const char *name;
	unsigned enable, disable;
} runs[] = {
	{ "none", 0, ~0u },
	{ "default", 0, 0 },
	{ "-orient", 0, OCR_STEP_ORIENT },
	{ "-deskew", 0, OCR_STEP_DESKEW },
	{ "-dpi", 0, OCR_STEP_DPI },
	{ "-upscale", 0, OCR_STEP_UPSCALE },
	{ "-clean", 0, OCR_STEP_CLEAN },
	{ "-aspect", 0, OCR_STEP_ASPECT },
	{ "+sauvola", OCR_STEP_SAUVOLA, 0 },
};

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = xmalloc((size_t)n + 1);
	s[fread(s, 1, (size_t)n, f)] = '\0';
	fclose(f);
	return s;
}

static PIX *
load(const char *dir, const char *file, int page)
{
	char *path = xasprintf("%s/ocr/%s", dir, file);
	struct error err;
	PIX *pix = NULL;

	if (strstr(file, ".pdf")) {
		struct ocr_pdf *pdf = NULL;

		if (ocr_pdf_open(path, &pdf, &err) == 0)
			ocr_pdf_render(pdf, page, 300, &pix, &err);
		ocr_pdf_free(pdf);
	} else {
		struct ocr_image *img = NULL;

		if (ocr_image_open(path, &img, &err) == 0)
			ocr_image_read_page(img, page, &pix, &err);
		ocr_image_free(img);
	}
	if (pix == NULL)
		fprintf(stderr, "%s: %s\n", path, err.msg);
	free(path);
	return pix;
}

/* Reads a LIST file; the strings are never freed (one run). */
static size_t
read_list(const char *path, struct page **ret)
{
	FILE *f = fopen(path, "r");
	struct page *v = NULL;
	size_t n = 0;
	char line[512];

	while (f && fgets(line, sizeof(line), f)) {
		char file[200], truth[16];
		int page, off = 0;

		if (sscanf(line, "%199s %15s %d %n", file, truth, &page, &off) < 3)
			continue;
		line[strcspn(line, "\n")] = '\0';
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n].file = xstrdup(file);
		v[n].truth = xstrdup(truth);
		v[n].page = page;
		v[n].what = xstrdup(line + off);
		n++;
	}
	if (f)
		fclose(f);
	*ret = v;
	return n;
}

/* Errors and characters per class of page and run. */
struct tally {
	const char *what;
	size_t dist[ARRAY_SIZE(runs)], len[ARRAY_SIZE(runs)];
	long ms[ARRAY_SIZE(runs)];
	int pages;
};

static struct tally *
tally_for(struct tally *t, size_t *n, const char *what)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(t[i].what, what) == 0)
			return &t[i];
	memset(&t[*n], 0, sizeof(t[*n]));
	t[*n].what = what;
	return &t[(*n)++];
}

static void
print_row(const char *what, const size_t *dist, const size_t *len,
	  const long *ms, int pages)
{
	printf("%-28s", what);
	for (size_t r = 0; r < ARRAY_SIZE(runs); r++)
		printf(" %8.2f%%", len[r] ? 100.0 * dist[r] / len[r] : 0.0);
	printf("\n%-28s", "  ms per page");
	for (size_t r = 0; r < ARRAY_SIZE(runs); r++)
		printf(" %9ld", pages ? ms[r] / pages : 0);
	printf("\n");
}

int
main(int argc, char **argv)
{
	const struct page *pages = builtin;
	struct page *listed = NULL;
	size_t npages = ARRAY_SIZE(builtin);
	const char *dir = argc > 1 ? argv[1] : getenv("FIXTURES");
	struct tally *tallies, total = { "all", { 0 }, { 0 }, { 0 }, 0 };
	size_t ntallies = 0;
	int verbose = getenv("BENCH_VERBOSE") != NULL;
	struct ocr_engine *e;
	struct error err;
	int64_t t0;

	if (dir == NULL || *dir == '\0')
		dir = "tests/fixtures";
	if (argc > 2) {
		npages = read_list(argv[2], &listed);
		pages = listed;
	}
	t0 = now_usec();
	e = ocr_engine_new("eng+fra+spa", &err);
	if (e == NULL) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	printf("engine eng+fra+spa started in %lld ms\n",
	       (long long)((now_usec() - t0) / 1000));
	printf("%-28s", "class \\ steps");
	for (size_t r = 0; r < ARRAY_SIZE(runs); r++)
		printf(" %9s", runs[r].name);
	printf("\n");
	tallies = xcalloc(npages + 1, sizeof(*tallies));
	for (size_t p = 0; p < npages; p++) {
		char *tpath = xasprintf("%s/ocr/page-%s.txt", dir, pages[p].truth);
		char *truth = slurp(tpath);
		PIX *pix = load(dir, pages[p].file, pages[p].page);
		struct tally *t = tally_for(tallies, &ntallies, pages[p].what);

		free(tpath);
		if (pix == NULL || truth == NULL)
			return 1;
		t->pages++;
		for (size_t r = 0; r < ARRAY_SIZE(runs); r++) {
			struct ocr_opts o = { 0, 0, runs[r].enable,
					      runs[r].disable };
			struct ocr_result res;
			size_t dist, len;

			if (ocr_engine_recognize(e, pix, &o, &res, &err) < 0) {
				/* A page not read is all errors, not a page
				 * left out of the rate. */
				fprintf(stderr, "%s: %s\n", pages[p].file,
					err.msg);
				memset(&res, 0, sizeof(res));
				res.text = xstrdup("");
			}
			cer_counts(res.text, truth, &dist, &len);
			t->dist[r] += dist;
			t->len[r] += len;
			t->ms[r] += res.ms;
			total.dist[r] += dist;
			total.len[r] += len;
			total.ms[r] += res.ms;
			if (verbose)
				fprintf(stderr, "%s %s: %.2f%% %ld ms steps %#x\n",
					pages[p].file, runs[r].name,
					100.0 * dist / len, res.ms, res.steps);
			ocr_result_release(&res);
		}
		total.pages++;
		pixDestroy(&pix);
		free(truth);
	}
	for (size_t i = 0; i < ntallies; i++)
		print_row(tallies[i].what, tallies[i].dist, tallies[i].len,
			  tallies[i].ms, tallies[i].pages);
	print_row("all pages", total.dist, total.len, total.ms, total.pages);
	free(tallies);
	ocr_engine_free(e);
	return 0;
}
