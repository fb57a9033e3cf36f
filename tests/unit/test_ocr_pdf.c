/*
 * test_ocr_pdf.c - PDFs through MuPDF: text layers, the real-text decision,
 * rendering, and every kind of bad file (tests/fixtures/ocr, made by
 * make-fixtures.sh; PDFs that test a limit are written here).
 */
#include "config.h"

#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fvlimits.h"
#include "ocr_pdf.h"
#include "tap.h"

static char *
fixture(const char *name)
{
	const char *dir = getenv("FIXTURES");

	return xasprintf("%s/ocr/%s", dir && *dir ? dir : "tests/fixtures",
			 name);
}

static int
open_fixture(const char *name, struct ocr_pdf **ret, struct error *err)
{
	char *path = fixture(name);
	int rc = ocr_pdf_open(path, ret, err);

	free(path);
	return rc;
}

/*
 * Writes a PDF of `pages` pages of w x h points, each with `extra` in its
 * dictionary; `count` is what the page tree claims (normally pages).
 */
static char *
write_pdf(const char *name, int pages, int count, double w, double h,
	  const char *extra)
{
	char *path = xasprintf("/tmp/fv-ocr-pdf-%d-%s.pdf", (int)getpid(), name);
	FILE *f = fopen(path, "wb");
	long *off = xcalloc((size_t)pages + 3, sizeof(long));
	long xref;

	fprintf(f, "%%PDF-1.4\n");
	off[1] = ftell(f);
	fprintf(f, "1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n");
	off[2] = ftell(f);
	fprintf(f, "2 0 obj\n<</Type/Pages/Count %d/Kids[", count);
	for (int i = 0; i < pages; i++)
		fprintf(f, "%d 0 R ", i + 3);
	fprintf(f, "]>>\nendobj\n");
	for (int i = 0; i < pages; i++) {
		off[i + 3] = ftell(f);
		fprintf(f, "%d 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 "
			"%g %g]%s>>\nendobj\n", i + 3, w, h, extra);
	}
	xref = ftell(f);
	fprintf(f, "xref\n0 %d\n0000000000 65535 f \n", pages + 3);
	for (int i = 1; i < pages + 3; i++)
		fprintf(f, "%010ld 00000 n \n", off[i]);
	fprintf(f, "trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%ld\n%%%%EOF\n",
		pages + 3, xref);
	fclose(f);
	free(off);
	return path;
}

/* Share of dark pixels (< 128) in an 8-bit image. */
static double
dark_share(PIX *pix)
{
	l_int32 w = pixGetWidth(pix), h = pixGetHeight(pix);
	long dark = 0;

	for (l_int32 y = 0; y < h; y++)
		for (l_int32 x = 0; x < w; x++) {
			l_uint32 v;

			pixGetPixel(pix, x, y, &v);
			dark += v < 128;
		}
	return (double)dark / ((double)w * h);
}

static void
test_born_digital(void)
{
	struct ocr_pdf *pdf = NULL;
	struct ocr_pdf_text t;
	struct error err = { "" };

	ok(open_fixture("born-digital.pdf", &pdf, &err) == 0,
	   "a born-digital PDF opens");
	if (pdf == NULL)
		return;
	is_int(ocr_pdf_page_count(pdf), 2, "it has 2 pages");
	ok(ocr_pdf_page_text(pdf, 0, &t, &err) == 0, "page 1 has a text layer");
	ok(strstr(t.text, "Request for access to documents\nMinistry of Trade") != NULL,
	   "its lines are kept, in order");
	ok(strstr(t.text, "Reference: FOI-2024-0173\n") != NULL,
	   "a reference number is intact");
	ok(t.real && t.body_chars > 300, "it carries real text (%d letters and "
	   "digits in the body, %d in the margins)", t.body_chars,
	   t.margin_chars);
	ok(t.width == 432 && t.height == 216, "its size is 432 x 216 points");
	ok(utf8_valid(t.text, t.len) && strlen(t.text) == t.len,
	   "the text is valid UTF-8 without NULs");
	ocr_pdf_text_release(&t);
	ok(ocr_pdf_page_text(pdf, 1, &t, &err) == 0 &&
	   strstr(t.text, "tenues \xc3\xa0 Gen\xc3\xa8ve.") != NULL &&
	   strstr(t.text, "Minist\xc3\xa8re de l'Europe") != NULL,
	   "accented French text comes out as UTF-8");
	ocr_pdf_text_release(&t);
	ok(ocr_pdf_page_text(pdf, 2, &t, &err) < 0 &&
	   strstr(err.msg, "page 3 does not exist"),
	   "a page past the end is an error: %s", err.msg);
	ok(ocr_pdf_page_text(pdf, -1, &t, &err) < 0, "so is page -1");
	ocr_pdf_free(pdf);
}

static void
test_scanned(void)
{
	struct ocr_pdf *pdf = NULL;
	struct ocr_pdf_text t;
	struct error err = { "" };
	PIX *pix = NULL;

	ok(open_fixture("scanned.pdf", &pdf, &err) == 0, "a scanned PDF opens");
	if (pdf == NULL)
		return;
	ok(ocr_pdf_page_text(pdf, 0, &t, &err) == 0 && t.len == 0 && !t.real,
	   "its page has no text layer");
	ocr_pdf_text_release(&t);
	ok(ocr_pdf_render(pdf, 0, 0, &pix, &err) == 0 && pix != NULL,
	   "it renders at the default resolution");
	if (pix) {
		double d = dark_share(pix);

		ok(pixGetWidth(pix) == 1800 && pixGetHeight(pix) == 900 &&
		   pixGetDepth(pix) == 8, "as 1800 x 900 8-bit grey (6 x 3 in "
		   "at 300 dpi): %d x %d x %d", pixGetWidth(pix),
		   pixGetHeight(pix), pixGetDepth(pix));
		is_int(pixGetXRes(pix), 300, "it says 300 dpi");
		ok(d > 0.01 && d < 0.2, "some of it is ink: %.3f", d);
		pixDestroy(&pix);
	}
	ok(ocr_pdf_render(pdf, 0, 100, &pix, &err) == 0 &&
	   pixGetWidth(pix) == 600 && pixGetXRes(pix) == 100,
	   "it renders at 100 dpi");
	pixDestroy(&pix);
	ok(ocr_pdf_render(pdf, 0, 50, &pix, &err) < 0 && pix == NULL,
	   "50 dpi is refused: %s", err.msg);
	ok(ocr_pdf_render(pdf, 0, 5000, &pix, &err) < 0,
	   "5000 dpi is refused: %s", err.msg);
	ocr_pdf_free(pdf);
}

static void
test_mixed_and_bates(void)
{
	struct ocr_pdf *pdf = NULL;
	struct ocr_pdf_text t;
	struct error err = { "" };

	ok(open_fixture("mixed.pdf", &pdf, &err) == 0, "a mixed PDF opens");
	if (pdf) {
		ok(ocr_pdf_page_text(pdf, 0, &t, &err) == 0 && t.real,
		   "its text page carries real text");
		ocr_pdf_text_release(&t);
		ok(ocr_pdf_page_text(pdf, 1, &t, &err) == 0 && !t.real &&
		   t.len == 0, "its scanned page has none");
		ocr_pdf_text_release(&t);
		ocr_pdf_free(pdf);
	}
	pdf = NULL;
	ok(open_fixture("bates.pdf", &pdf, &err) == 0, "a Bates-stamped scan opens");
	if (pdf) {
		ok(ocr_pdf_page_text(pdf, 0, &t, &err) == 0 &&
		   strstr(t.text, "ABC-000123") != NULL,
		   "its text layer has the Bates number");
		ok(!t.real && t.body_chars == 0 && t.margin_chars == 9,
		   "which is in the margin and is not real text (body %d, "
		   "margin %d)", t.body_chars, t.margin_chars);
		ocr_pdf_text_release(&t);
		ocr_pdf_free(pdf);
	}
}

static void
test_encrypted(void)
{
	struct ocr_pdf *pdf = NULL;
	struct ocr_pdf_text t;
	struct error err = { "" };

	ok(open_fixture("encrypted.pdf", &pdf, &err) < 0 && pdf == NULL &&
	   strstr(err.msg, "password"), "a PDF with a user password is "
	   "refused: %s", err.msg);
	ok(open_fixture("owner-only.pdf", &pdf, &err) == 0,
	   "a PDF encrypted with only an owner password opens");
	if (pdf) {
		ok(ocr_pdf_page_text(pdf, 0, &t, &err) == 0 && t.real &&
		   strstr(t.text, "FOI-2024-0173"), "and its text is decrypted");
		ocr_pdf_text_release(&t);
		ocr_pdf_free(pdf);
	}
}

static void
test_bad_files(void)
{
	static const struct {
		const char *name, *want;
	} bad[] = {
		{ "truncated.pdf", "truncated" },
		{ "garbage.pdf", "not a readable PDF" },
		{ "empty.pdf", "empty" },
		{ "en-clean.png", "not a readable PDF" },
		{ "no-such-file.pdf", "No such file" },
	};
	struct ocr_pdf *pdf = NULL;
	struct error err;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int rc;

		err.msg[0] = '\0';
		rc = open_fixture(bad[i].name, &pdf, &err);
		ok(rc < 0 && pdf == NULL && strstr(err.msg, bad[i].want),
		   "%s is refused: %s", bad[i].name, err.msg);
	}
	ok(ocr_pdf_open_mem("", 0, &pdf, &err) < 0 && strstr(err.msg, "empty"),
	   "so are 0 bytes in memory");
	ok(ocr_pdf_open_mem("%PDF-1.4\n", 9, &pdf, &err) < 0,
	   "and a bare header: %s", err.msg);
}

static void
test_mem(void)
{
	char *path = fixture("born-digital.pdf");
	struct ocr_pdf *pdf = NULL;
	struct ocr_pdf_text t;
	struct error err;
	char data[8192];
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(data, 1, sizeof(data), f) : 0;

	if (f)
		fclose(f);
	ok(n > 0 && ocr_pdf_open_mem(data, n, &pdf, &err) == 0,
	   "a PDF opens from memory");
	memset(data, 0, sizeof(data)); /* the bytes were copied */
	if (pdf) {
		ok(ocr_pdf_page_count(pdf) == 2 &&
		   ocr_pdf_page_text(pdf, 1, &t, &err) == 0 && t.real,
		   "with its pages and text");
		ocr_pdf_text_release(&t);
		ocr_pdf_free(pdf);
	}
	free(path);
}

static void
test_limits(void)
{
	struct ocr_pdf *pdf = NULL;
	struct error err;
	PIX *pix = NULL;
	char *p;

	p = write_pdf("max", OCR_MAX_PAGES, OCR_MAX_PAGES, 10, 10, "");
	ok(ocr_pdf_open(p, &pdf, &err) == 0 &&
	   ocr_pdf_page_count(pdf) == OCR_MAX_PAGES,
	   "a PDF of %d pages (the limit) opens", OCR_MAX_PAGES);
	ocr_pdf_free(pdf);
	pdf = NULL;
	unlink(p);
	free(p);
	p = write_pdf("over", OCR_MAX_PAGES + 1, OCR_MAX_PAGES + 1, 10, 10, "");
	ok(ocr_pdf_open(p, &pdf, &err) < 0 && strstr(err.msg, "limit"),
	   "one page more is refused: %s", err.msg);
	unlink(p);
	free(p);
	p = write_pdf("liar", 1, 2000000000, 10, 10, "");
	ok(ocr_pdf_open(p, &pdf, &err) < 0 && strstr(err.msg, "limit"),
	   "a page tree that claims 2e9 pages is refused: %s", err.msg);
	unlink(p);
	free(p);

	/* 50 x 50 inches: 225 million pixels at 300 dpi, so it is drawn at
	 * the highest resolution that fits. */
	p = write_pdf("poster", 1, 1, 3600, 3600, "");
	ok(ocr_pdf_open(p, &pdf, &err) == 0 &&
	   ocr_pdf_render(pdf, 0, 300, &pix, &err) == 0,
	   "a 50-inch page renders");
	if (pix) {
		long long px = (long long)pixGetWidth(pix) * pixGetHeight(pix);

		ok(px <= OCR_MAX_PIXELS && px > OCR_MAX_PIXELS * 0.95 &&
		   pixGetXRes(pix) == 163, "within the pixel cap, at %d dpi",
		   pixGetXRes(pix));
		pixDestroy(&pix);
	}
	ocr_pdf_free(pdf);
	pdf = NULL;
	unlink(p);
	free(p);
	/* 200 x 200 inches (the largest page PDF allows without UserUnit). */
	p = write_pdf("huge", 1, 1, 14400, 14400, "");
	ok(ocr_pdf_open(p, &pdf, &err) == 0 &&
	   ocr_pdf_render(pdf, 0, 300, &pix, &err) < 0 &&
	   strstr(err.msg, "too large"), "a 200-inch page is refused: %s",
	   err.msg);
	ocr_pdf_free(pdf);
	pdf = NULL;
	unlink(p);
	free(p);
	/* An empty MediaBox: MuPDF falls back to US Letter. */
	p = write_pdf("flat", 1, 1, 576, 0, "");
	ok(ocr_pdf_open(p, &pdf, &err) == 0 &&
	   ocr_pdf_render(pdf, 0, 100, &pix, &err) == 0 &&
	   pixGetWidth(pix) == 850 && pixGetHeight(pix) == 1100,
	   "a page without height renders as US Letter");
	pixDestroy(&pix);
	ocr_pdf_free(pdf);
	pdf = NULL;
	unlink(p);
	free(p);
	/* /Rotate turns the rendered page. */
	p = write_pdf("rotated", 1, 1, 144, 72, "/Rotate 90");
	ok(ocr_pdf_open(p, &pdf, &err) == 0 &&
	   ocr_pdf_render(pdf, 0, 100, &pix, &err) == 0 &&
	   pixGetWidth(pix) == 100 && pixGetHeight(pix) == 200,
	   "a page with /Rotate 90 renders turned");
	pixDestroy(&pix);
	ocr_pdf_free(pdf);
	unlink(p);
	free(p);
}

int
main(void)
{
	test_born_digital();
	test_scanned();
	test_mixed_and_bates();
	test_encrypted();
	test_bad_files();
	test_mem();
	test_limits();
	return done_testing();
}
