/*
 * test_ocr_image.c - image files through Leptonica: every format, multi-page
 * TIFF, size caps checked before decoding, hostile files, and the sane-DPI
 * rule (fixtures in tests/fixtures/ocr, made by make-fixtures.sh; files that
 * test a limit are built here).
 */
#include "config.h"

#include <leptonica/allheaders.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fvlimits.h"
#include "ocr_image.h"
#include "tap.h"

static char *
fixture(const char *name)
{
	const char *dir = getenv("FIXTURES");

	return xasprintf("%s/ocr/%s", dir && *dir ? dir : "tests/fixtures",
			 name);
}

static int
open_fixture(const char *name, struct ocr_image **ret, struct error *err)
{
	char *path = fixture(name);
	int rc = ocr_image_open(path, ret, err);

	free(path);
	return rc;
}

/* Opens name and decodes one page; NULL (with a failed test) if it can't. */
static PIX *
read_fixture(const char *name, int page)
{
	struct ocr_image *img = NULL;
	struct error err = { "" };
	PIX *pix = NULL;

	if (open_fixture(name, &img, &err) == 0)
		ocr_image_read_page(img, page, &pix, &err);
	if (pix == NULL)
		ok(0, "%s page %d: %s", name, page + 1, err.msg);
	ocr_image_free(img);
	return pix;
}

static double
dark_share(PIX *pix)
{
	PIX *bw = pixGetDepth(pix) == 1 ? pixClone(pix) : pixConvertTo1(pix, 128);
	l_int32 n = 0;

	pixCountPixels(bw, &n, NULL);
	pixDestroy(&bw);
	return (double)n / ((double)pixGetWidth(pix) * pixGetHeight(pix));
}

static void
test_formats(void)
{
	static const struct {
		const char *file, *format;
		int w, h, depth, res;
	} files[] = {
		{ "en-clean.png", "png", 1800, 900, 8, 300 },
		{ "en-72dpi.png", "png", 1800, 900, 1, 72 },
		{ "en-noisy.jpg", "jpeg", 1200, 600, 8, 200 },
		{ "en-fax.tif", "tiff", 1200, 600, 1, 200 },
		{ "en-lines.jpg", "jpeg", 900, 72, 8, 150 },
		{ "en-lines.gif", "gif", 900, 72, 8, 0 },
		{ "en-lines.webp", "webp", 900, 72, 8, 0 },
		{ "en-lines.bmp", "bmp", 900, 72, 8, 150 },
	};
	double first = 0;

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		struct ocr_image *img = NULL;
		struct error err = { "" };
		PIX *pix = NULL;

		if (open_fixture(files[i].file, &img, &err) < 0) {
			ok(0, "%s opens: %s", files[i].file, err.msg);
			continue;
		}
		ok(strcmp(ocr_image_format(img), files[i].format) == 0,
		   "%s is %s", files[i].file, ocr_image_format(img));
		ok(ocr_image_page_count(img) == 1 &&
		   ocr_image_read_page(img, 0, &pix, &err) == 0 &&
		   pixGetWidth(pix) == files[i].w &&
		   pixGetHeight(pix) == files[i].h &&
		   pixGetDepth(pix) == files[i].depth &&
		   pixGetColormap(pix) == NULL &&
		   pixGetXRes(pix) == files[i].res,
		   "%s: 1 page, %d x %d, %d bits, no colormap, %d dpi",
		   files[i].file, files[i].w, files[i].h, files[i].depth,
		   files[i].res);
		/* The four "lines" files are one picture: they must agree. */
		if (pix && strstr(files[i].file, "lines")) {
			double d = dark_share(pix);

			if (first == 0)
				first = d;
			ok(d > 0.03 && d < 0.3 && d > first * 0.8 &&
			   d < first * 1.25, "%s decodes to the same picture "
			   "(ink %.3f, first %.3f)", files[i].file, d, first);
		}
		pixDestroy(&pix);
		ocr_image_free(img);
	}
}

static void
test_multipage(void)
{
	struct ocr_image *img = NULL;
	struct error err = { "" };
	PIX *p1 = NULL, *p2 = NULL, *again = NULL;
	l_int32 same = 0;

	ok(open_fixture("multipage.tif", &img, &err) == 0 &&
	   ocr_image_page_count(img) == 2, "a two-page fax has 2 pages");
	if (img == NULL)
		return;
	ok(ocr_image_read_page(img, 0, &p1, &err) == 0 &&
	   ocr_image_read_page(img, 1, &p2, &err) == 0,
	   "both pages decode");
	ok(p1 && p2 && pixGetDepth(p1) == 1 && pixGetXRes(p2) == 200,
	   "as 1-bit images at 200 dpi");
	if (p1 && p2)
		pixEqual(p1, p2, &same);
	ok(p1 && p2 && !same, "the pages differ (English, then French)");
	ok(ocr_image_read_page(img, 0, &again, &err) == 0 && again &&
	   pixEqual(p1, again, &same) == 0 && same,
	   "page 1 again, after page 2, is the same");
	ok(ocr_image_read_page(img, 2, &again, &err) < 0 &&
	   strstr(err.msg, "page 3 does not exist"),
	   "page 3 is an error: %s", err.msg);
	ok(ocr_image_read_page(img, -1, &again, &err) < 0, "so is page 0");
	pixDestroy(&p1);
	pixDestroy(&p2);
	pixDestroy(&again);
	ocr_image_free(img);
}

static void
test_bad_files(void)
{
	static const struct {
		const char *file, *want;
	} bad[] = {
		{ "huge-header.png", "larger than the limit" },
		{ "fake.tif", "damaged" },
		{ "empty.pdf", "empty" },
		{ "garbage.pdf", "not an image in a supported format" },
		{ "born-digital.pdf", "not an image in a supported format" },
		{ "rle.bmp", "compressed BMP" },
		{ "no-such.png", "No such file" },
	};
	struct ocr_image *img = NULL;
	struct error err;
	PIX *pix = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err.msg[0] = '\0';
		ok(open_fixture(bad[i].file, &img, &err) < 0 && img == NULL &&
		   strstr(err.msg, bad[i].want), "%s is refused: %s",
		   bad[i].file, err.msg);
	}
	/* A cut PNG has a good header: it fails when decoded. */
	ok(open_fixture("truncated.png", &img, &err) == 0 &&
	   ocr_image_read_page(img, 0, &pix, &err) < 0 && pix == NULL &&
	   strstr(err.msg, "damaged or truncated"),
	   "a truncated PNG opens but does not decode: %s", err.msg);
	ocr_image_free(img);
	img = NULL;
	ok(ocr_image_open_mem("GIF8", 4, &img, &err) < 0,
	   "4 bytes of GIF magic are refused: %s", err.msg);
	ok(ocr_image_open_mem("\x89PNG", 4, &img, &err) < 0,
	   "so is a bare PNG signature: %s", err.msg);
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

/* A little-endian TIFF: page 1 is 8 x 8 white, 1 bit; page 2 claims
 * w2 x h2 pixels (its one strip has 8 bytes). */
static size_t
make_tiff(uint8_t *buf, uint32_t w2, uint32_t h2)
{
	static const uint16_t tags[] = { 256, 257, 258, 259, 262, 273, 278, 279 };
	size_t pos = 8;

	memset(buf, 0, 512);
	memcpy(buf, "II*\0", 4);
	put32(buf + 4, 8);
	for (int page = 0; page < 2; page++) {
		uint32_t vals[8] = { 8, 8, 1, 1, 0, 400, 8, 8 };

		if (page == 1) {
			vals[0] = w2;
			vals[1] = h2;
			vals[6] = h2;
		}
		put16(buf + pos, 8);
		pos += 2;
		for (int i = 0; i < 8; i++) {
			int shorts = tags[i] == 258 || tags[i] == 259 ||
				     tags[i] == 262;

			put16(buf + pos, tags[i]);
			put16(buf + pos + 2, shorts ? 3 : 4);
			put32(buf + pos + 4, 1);
			put32(buf + pos + 8, vals[i]);
			pos += 12;
		}
		put32(buf + pos, page == 0 ? (uint32_t)(pos + 4) : 0);
		pos += 4;
	}
	return 416; /* the strip at 400 is 8 zero (white) bytes, and more */
}

static void
test_limits(void)
{
	uint8_t buf[512];
	struct ocr_image *img = NULL;
	struct error err;
	PIX *pix = NULL;
	size_t n;

	ok(ocr_image_check_size(8192, 8192, &err) == 0,
	   "8192 x 8192 (%lld pixels, the limit) is allowed",
	   (long long)OCR_MAX_PIXELS);
	ok(ocr_image_check_size(8192, 8193, &err) < 0,
	   "one row more is refused: %s", err.msg);
	ok(ocr_image_check_size(OCR_MAX_SIDE, 1, &err) == 0 &&
	   ocr_image_check_size(OCR_MAX_SIDE + 1, 1, &err) < 0,
	   "a side of %d is allowed, one more is not", OCR_MAX_SIDE);
	ok(ocr_image_check_size(0, 5, &err) < 0, "no pixels is refused");

	n = make_tiff(buf, 8, 8);
	ok(ocr_image_open_mem(buf, n, &img, &err) == 0 &&
	   ocr_image_page_count(img) == 2 &&
	   ocr_image_read_page(img, 1, &pix, &err) == 0,
	   "a hand-made two-page TIFF decodes");
	pixDestroy(&pix);
	ocr_image_free(img);
	img = NULL;
	n = make_tiff(buf, 100000, 100000);
	ok(ocr_image_open_mem(buf, n, &img, &err) == 0 &&
	   ocr_image_read_page(img, 0, &pix, &err) == 0,
	   "a TIFF whose second page claims 100000 x 100000 opens, and its "
	   "first page decodes");
	pixDestroy(&pix);
	ok(img && ocr_image_read_page(img, 1, &pix, &err) < 0 && pix == NULL &&
	   strstr(err.msg, "larger than the limit"),
	   "its second page is refused before decoding: %s", err.msg);
	ocr_image_free(img);
	img = NULL;

	/* GIF: a logical screen of 65535 x 65535. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "GIF89a\xff\xff\xff\xff\x00\x00\x00\x3b", 14);
	ok(ocr_image_open_mem(buf, 14, &img, &err) < 0 &&
	   strstr(err.msg, "larger than the limit"),
	   "a GIF claiming 65535 x 65535 is refused: %s", err.msg);
	/* GIF: 5 frames of 4000 x 4000, each allowed, together too many
	 * (giflib decodes every frame). */
	{
		size_t pos = 13;

		memcpy(buf, "GIF89a\xa0\x0f\xa0\x0f\x00\x00\x00", 13);
		for (int i = 0; i < 5; i++) {
			memcpy(buf + pos, "\x2c\0\0\0\0\xa0\x0f\xa0\x0f\x00"
			       "\x02\x01\x00\x00", 14);
			pos += 14;
		}
		buf[pos++] = 0x3b;
		ok(ocr_image_open_mem(buf, pos, &img, &err) < 0 &&
		   strstr(err.msg, "frames"),
		   "a GIF of 5 frames of 4000 x 4000 is refused: %s", err.msg);
	}
	/* BMP: a Windows header claiming 100000 x -100000 (top-down). */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "BM", 2);
	put32(buf + 14, 40);
	put32(buf + 18, 100000);
	put32(buf + 22, (uint32_t)-100000);
	put16(buf + 26, 1);
	put16(buf + 28, 8);
	ok(ocr_image_open_mem(buf, 64, &img, &err) < 0 &&
	   strstr(err.msg, "larger than the limit"),
	   "a BMP claiming 100000 x 100000 is refused: %s", err.msg);
}

static void
test_sane_dpi(void)
{
	struct ocr_dpi d;
	PIX *pix;

	if ((pix = read_fixture("en-clean.png", 0))) {
		ocr_image_sane_dpi(pix, &d);
		ok(d.dpi == 300 && d.source == OCR_DPI_DECLARED,
		   "a believable declared resolution is kept (%d)", d.dpi);
		d.xheight = ocr_image_xheight(pix);
		ok(d.xheight >= 22 && d.xheight <= 30, "the x-height of 11 pt "
		   "text at 300 dpi is ~25 pixels: %d", d.xheight);
		pixDestroy(&pix);
	}
	if ((pix = read_fixture("en-72dpi.png", 0))) {
		ocr_image_sane_dpi(pix, &d);
		ok(d.declared == 72 && d.source == OCR_DPI_TEXT &&
		   d.dpi >= 250 && d.dpi <= 380, "a 300 dpi scan that says 72 "
		   "is measured from its text: %d dpi", d.dpi);
		pixDestroy(&pix);
	}
	if ((pix = read_fixture("en-lines.gif", 0))) {
		ocr_image_sane_dpi(pix, &d);
		ok(d.declared == 0 && d.source == OCR_DPI_TEXT &&
		   d.dpi >= 120 && d.dpi <= 200, "a 150 dpi image that says "
		   "nothing is measured from its text: %d dpi", d.dpi);
		pixDestroy(&pix);
	}
	if ((pix = read_fixture("en-100dpi.png", 0))) {
		ocr_image_sane_dpi(pix, &d);
		ok(d.dpi == 100 && d.source == OCR_DPI_DECLARED,
		   "a coarse scan that says 100 dpi is believed");
		pixDestroy(&pix);
	}
	/* Blank pages: nothing to measure, so the shape decides. */
	pix = pixCreate(2480, 3508, 1); /* A4 at 300 dpi */
	ocr_image_sane_dpi(pix, &d);
	ok(d.source == OCR_DPI_PAGE && d.dpi >= 290 && d.dpi <= 320,
	   "a blank A4 page without a resolution is taken for a page: %d dpi",
	   d.dpi);
	is_int(ocr_image_xheight(pix), 0, "it has no x-height");
	pixDestroy(&pix);
	pix = pixCreate(1000, 1000, 8);
	pixSetResolution(pix, 96, 96);
	ocr_image_sane_dpi(pix, &d);
	ok(d.source == OCR_DPI_DEFAULT && d.dpi == OCR_DEFAULT_DPI &&
	   d.declared == 96, "a blank square at 96 dpi gets the default");
	pixDestroy(&pix);
}

int
main(void)
{
	test_formats();
	test_multipage();
	test_bad_files();
	test_limits();
	test_sane_dpi();
	return done_testing();
}
