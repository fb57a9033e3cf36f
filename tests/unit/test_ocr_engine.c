/*
 * test_ocr_engine.c - Tesseract through ocr_engine: recognised text against
 * the known text (character error rate), turned, skewed, noisy and
 * mislabelled scans, word boxes on the caller's image, the per-page PDF
 * decision, languages, the deadline. Fixtures: tests/fixtures/ocr.
 *
 * Where a word should be: each fixture page is 6 x 3 inches with line i's
 * baseline 36 + 15 i points below the top and lines starting 36 points from
 * the left (pdfgen.py). At 300 dpi, "Reference:" (line 3) starts at x = 150
 * and spans y = 242 (cap height) to 275 (baseline).
 */
#include "config.h"

#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cer.h"
#include "fvlimits.h"
#include "ocr_engine.h"
#include "ocr_image.h"
#include "ocr_pdf.h"
#include "tap.h"

static char *
fixture(const char *name)
{
	const char *dir = getenv("FIXTURES");

	return xasprintf("%s/ocr/%s", dir && *dir ? dir : "tests/fixtures",
			 name);
}

static char *
known_text(const char *lang)
{
	char *name = xasprintf("page-%s.txt", lang);
	char *path = fixture(name);
	FILE *f = fopen(path, "rb");
	char *s = xcalloc(1, 4096);

	if (f) {
		(void)!fread(s, 1, 4095, f);
		fclose(f);
	}
	free(path);
	free(name);
	return s;
}

static PIX *
load(const char *name, int page)
{
	char *path = fixture(name);
	struct ocr_image *img = NULL;
	struct error err = { "" };
	PIX *pix = NULL;

	if (ocr_image_open(path, &img, &err) == 0)
		ocr_image_read_page(img, page, &pix, &err);
	if (pix == NULL)
		ok(0, "%s: %s", name, err.msg);
	ocr_image_free(img);
	free(path);
	return pix;
}

static const struct ocr_word *
find_word(const struct ocr_result *r, const char *text)
{
	for (size_t i = 0; i < r->nwords; i++)
		if (strcmp(r->words[i].text, text) == 0)
			return &r->words[i];
	return NULL;
}

static int
boxes_inside(const struct ocr_result *r)
{
	for (size_t i = 0; i < r->nwords; i++) {
		const struct ocr_word *w = &r->words[i];

		if (w->x < 0 || w->y < 0 || w->w <= 0 || w->h <= 0 ||
		    w->x + w->w > r->width || w->y + w->h > r->height)
			return 0;
	}
	return r->nwords > 0;
}

/* A box is where expected within tol pixels. */
static int
near(const struct ocr_word *w, int x, int y, int bw, int bh, int tol)
{
	return w && abs(w->x - x) <= tol && abs(w->y - y) <= tol &&
	       abs(w->w - bw) <= tol && abs(w->h - bh) <= tol;
}

/* Reads a fixture page and checks its text against the known one. */
static int
read_page(struct ocr_engine *e, const char *name, int page, const char *lang,
	  const struct ocr_opts *opts, double max_cer, struct ocr_result *ret)
{
	struct error err = { "" };
	PIX *pix = load(name, page);
	char *truth = known_text(lang);
	double rate = 1;
	int rc = -1;

	if (pix && ocr_engine_recognize(e, pix, opts, ret, &err) == 0) {
		rate = cer(ret->text, truth);
		rc = 0;
	}
	ok(rc == 0 && rate <= max_cer, "%s: CER %.2f%% (at most %.0f%%), "
	   "confidence %d, %ld ms%s%s", name, 100 * rate, 100 * max_cer,
	   rc == 0 ? ret->confidence : -1, rc == 0 ? ret->ms : -1L,
	   rc ? ": " : "", err.msg);
	pixDestroy(&pix);
	free(truth);
	return rc;
}

static void
test_start(void)
{
	struct error err;

	ok(ocr_engine_new("xx", &err) == NULL &&
	   strstr(err.msg, "no Tesseract data for language 'xx'") &&
	   strstr(err.msg, "tesseract-ocr-xx"),
	   "a language without data is refused: %s", err.msg);
	ok(ocr_engine_new("eng;rm -rf", &err) == NULL,
	   "so is junk: %s", err.msg);
	ok(ocr_engine_new("eng++fra", &err) == NULL, "and an empty language");
	ok(ocr_engine_new("", &err) == NULL, "and no language");
}

static void
test_pages(struct ocr_engine *e)
{
	struct ocr_result r;

	if (read_page(e, "en-clean.png", 0, "en", NULL, 0.02, &r) == 0) {
		/* Tesseract reads "FO1I-2024-0173" in this font: an OCR
		 * error, part of the CER above. */
		ok(strstr(r.text, "Request for access to documents") &&
		   strstr(r.text, "2024-0173"),
		   "the title and the reference number are read");
		ok(r.confidence >= 80 && r.rotation == 0 && r.skew == 0 &&
		   r.dpi == 300 && r.dpi_source == OCR_DPI_DECLARED &&
		   r.width == 1800 && r.height == 900 &&
		   strcmp(r.lang, "eng") == 0 && strcmp(r.langs, "eng") == 0,
		   "an upright 300 dpi page is read as it is, in English");
		ok(r.nwords >= 50 && boxes_inside(&r),
		   "%zu word boxes, all on the page", r.nwords);
		ok(near(find_word(&r, "Reference:"), 150, 242, 216, 36, 15),
		   "\"Reference:\" is where it was drawn");
		ocr_result_release(&r);
		ocr_result_release(&r); /* twice is harmless */
	}

	if (read_page(e, "en-rot90.png", 0, "en", NULL, 0.02, &r) == 0) {
		ok(r.rotation == 270 && (r.steps & OCR_STEP_ORIENT),
		   "a page turned 90 degrees is turned back (by %d)",
		   r.rotation);
		ok(boxes_inside(&r) &&
		   near(find_word(&r, "Reference:"), 900 - 275, 150, 36, 216, 15),
		   "its boxes are on the turned image, where the word is there");
		ocr_result_release(&r);
	}
	if (read_page(e, "en-rot180.png", 0, "en", NULL, 0.02, &r) == 0) {
		ok(r.rotation == 180, "an upside-down page is turned (by %d)",
		   r.rotation);
		ok(boxes_inside(&r) &&
		   near(find_word(&r, "Reference:"), 1800 - 150 - 216,
			900 - 275, 216, 36, 15), "and its boxes map back");
		ocr_result_release(&r);
	}
	if (read_page(e, "en-skew3.png", 0, "en", NULL, 0.02, &r) == 0) {
		/* ImageMagick turned the page 3 degrees anticlockwise about
		 * its centre and grew the canvas to 1846 x 994: the word's
		 * top left corner moved to ~(163, 328), and its box now
		 * also covers the 11-pixel rise along its length. */
		ok(r.skew > 2.7 && r.skew < 3.3 && (r.steps & OCR_STEP_DESKEW),
		   "a page skewed by 3 degrees is straightened (%.2f)", r.skew);
		ok(boxes_inside(&r) &&
		   near(find_word(&r, "Reference:"), 163, 316, 218, 48, 15),
		   "its boxes map back to the skewed image");
		ocr_result_release(&r);
	}
	if (read_page(e, "en-noisy.jpg", 0, "en", NULL, 0.05, &r) == 0) {
		ok(r.steps & OCR_STEP_CLEAN,
		   "a scan with uneven light is cleaned first");
		ocr_result_release(&r);
	}
	if (read_page(e, "en-72dpi.png", 0, "en", NULL, 0.02, &r) == 0) {
		ok(r.dpi_source == OCR_DPI_TEXT && r.dpi > 250 && r.dpi < 380,
		   "a 300 dpi scan that says 72 is read at %d dpi", r.dpi);
		ocr_result_release(&r);
	}
	if (read_page(e, "en-fax.tif", 0, "en", NULL, 0.02, &r) == 0)
		ocr_result_release(&r);
}

static void
test_pdf(struct ocr_engine *e)
{
	char *path = fixture("mixed.pdf");
	char *es = known_text("es");
	struct ocr_pdf *pdf = NULL;
	struct ocr_result r;
	struct error err = { "" };
	enum ocr_text_source src;

	ok(ocr_pdf_open(path, &pdf, &err) == 0, "the mixed PDF opens");
	free(path);
	if (pdf) {
		int rc = ocr_engine_read_pdf_page(e, pdf, 0, NULL, &src, &r,
						  &err);

		ok(rc == 0 && src == OCR_FROM_TEXT_LAYER && r.nwords == 0 &&
		   strstr(r.text, "Minist\xc3\xa8re de l'Europe"),
		   "its text page is taken from the text layer, not OCR'd "
		   "(%ld ms)", r.ms);
		ocr_result_release(&r);
		rc = ocr_engine_read_pdf_page(e, pdf, 1, NULL, &src, &r, &err);
		ok(rc == 0 && src == OCR_FROM_OCR && r.dpi == 300 &&
		   r.nwords > 20, "its scanned page is rendered at 300 dpi and "
		   "OCR'd (%ld ms)", r.ms);
		/* Without Spanish loaded the accents go: "informaci6n". */
		ok(r.text && strstr(r.text, "Ginebra") && cer(r.text, es) < 0.1,
		   "Spanish read with English only: CER %.2f%%",
		   r.text ? 100 * cer(r.text, es) : 100.0);
		ocr_result_release(&r);
		ocr_pdf_free(pdf);
		pdf = NULL;
	}
	path = fixture("bates.pdf");
	if (ocr_pdf_open(path, &pdf, &err) == 0) {
		ok(ocr_engine_read_pdf_page(e, pdf, 0, NULL, &src, &r, &err) == 0 &&
		   src == OCR_FROM_OCR && strstr(r.text, "2024-0173"),
		   "a scan with only a Bates number as text is OCR'd");
		ocr_result_release(&r);
		ocr_pdf_free(pdf);
	}
	free(path);
	free(es);
}

static void
test_languages_and_limits(struct ocr_engine *e)
{
	struct ocr_opts quick = { 0, 1, 0, 0 };
	struct ocr_result r;
	struct error err;
	PIX *pix;
	int64_t t0, t1;
	int rc;

	t0 = now_usec();
	rc = ocr_engine_set_languages(e, "eng+fra", &err);
	t1 = now_usec();
	ok(rc == 0 && strcmp(ocr_engine_languages(e), "eng+fra") == 0,
	   "the engine switches to eng+fra (%lld ms)",
	   (long long)(t1 - t0) / 1000);
	rc = ocr_engine_set_languages(e, "eng+fra", &err);
	/* No timing here: the suite runs on shared machines and under ASan. */
	ok(rc == 0 && strcmp(ocr_engine_languages(e), "eng+fra") == 0,
	   "switching to the same languages again is accepted");
	t1 = now_usec();
	rc = ocr_engine_set_languages(e, "eng", &err);
	rc |= ocr_engine_set_languages(e, "eng+fra", &err);
	ok(rc == 0 && strcmp(ocr_engine_languages(e), "eng+fra") == 0,
	   "and so is switching back and forth between loaded sets");
	if (read_page(e, "multipage.tif", 1, "fr", NULL, 0.03, &r) == 0) {
		ok(strcmp(r.lang, "fra") == 0 && strcmp(r.langs, "eng+fra") == 0 &&
		   strstr(r.text, "Gen\xc3\xa8ve"),
		   "page 2 of a fax is read as French (%s), accents and all",
		   r.lang);
		ocr_result_release(&r);
	}
	ok(ocr_engine_set_languages(e, "deu", &err) < 0 &&
	   strcmp(ocr_engine_languages(e), "eng+fra") == 0,
	   "a failed switch leaves the engine as it was: %s", err.msg);

	pix = load("en-clean.png", 0);
	ok(pix && ocr_engine_recognize(e, pix, &quick, &r, &err) < 0 &&
	   strstr(err.msg, "took longer than 1 s"),
	   "a 1 ms deadline stops the page: %s", err.msg);
	ok(pix && ocr_engine_recognize(e, pix, NULL, &r, &err) == 0 &&
	   strstr(r.text, "2024-0173"),
	   "and the engine reads the next page normally");
	ocr_result_release(&r);
	pixDestroy(&pix);

	pix = pixCreate(OCR_MAX_SIDE + 1, 8, 1);
	ok(ocr_engine_recognize(e, pix, NULL, &r, &err) < 0 &&
	   strstr(err.msg, "larger than the limit"),
	   "an image wider than %d pixels is refused: %s", OCR_MAX_SIDE,
	   err.msg);
	pixDestroy(&pix);
	pix = pixCreate(600, 300, 8);
	pixSetAllArbitrary(pix, 255);
	ok(ocr_engine_recognize(e, pix, NULL, &r, &err) == 0 &&
	   r.nwords == 0 && strspn(r.text, " \n") == strlen(r.text),
	   "a blank page reads as no text");
	ocr_result_release(&r);
	pixDestroy(&pix);
}

int
main(void)
{
	struct ocr_engine *e;
	struct error err = { "" };
	int64_t t0;

	test_start();
	t0 = now_usec();
	e = ocr_engine_new("eng", &err);
	t0 = now_usec() - t0;
	ok(e != NULL, "an English engine starts (%lld ms) %s",
	   (long long)t0 / 1000, err.msg);
	if (e == NULL)
		return done_testing();
	ok(getenv("OMP_THREAD_LIMIT") &&
	   strcmp(getenv("OMP_THREAD_LIMIT"), "1") == 0,
	   "OMP_THREAD_LIMIT=1 is set for child processes");
	test_pages(e);
	test_pdf(e);
	test_languages_and_limits(e);
	ocr_engine_free(e);
	ocr_engine_free(NULL);
	return done_testing();
}
