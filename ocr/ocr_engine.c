/*
 * ocr_engine.c - see ocr_engine.h.
 *
 * A page goes through, in order (prepare()): square pixels for faxes,
 * background cleaning of grey scans with uneven light, the resolution
 * (ocr_image_sane_dpi), deskew (Leptonica finds the angle of the text
 * lines), orientation (Leptonica's ascender test, and Tesseract's OSD on a
 * second, lazily started engine when that test is unsure), enlargement of
 * small letters, then recognition with a deadline. Each step is there
 * because it lowered the character error rate of some class of page
 * (tests/bench/bench_ocr_steps.c; figures and their noise in docs/ocr.md).
 * Each step also records what it did, so that word boxes are reported in
 * the coordinates of the image the caller gave: a search hit can be drawn
 * on the original page.
 *
 * Threads: Debian's Tesseract is built with OpenMP, which would start a
 * thread per core inside every recognition; with one worker per core that
 * is 5 to 7 times slower. libgomp reads OMP_THREAD_LIMIT once, when it is
 * loaded at program start, so setting the variable at run time is too late
 * for this process (measured: no effect). ocr_engine_new() therefore sets
 * it for child processes and also sets the calling thread's OpenMP
 * max-active-levels to 0, which makes every parallel region run on one
 * thread, through dlsym (libgomp is loaded by libtesseract) so as not to
 * link OpenMP ourselves.
 *
 * Tesseract writes its diagnostics to stderr unless debug_file says
 * otherwise: it goes to /dev/null.
 */
#include "config.h"

#include "ocr_engine.h"

#include <dlfcn.h>
#include <errno.h>
#include <leptonica/allheaders.h>
#include <malloc.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>
#include <unistd.h>

#include "fvlimits.h"
#include "ocr_pdf.h"

#define TESSDATA_DEFAULT "/usr/share/tesseract-ocr/5/tessdata"

/* Leptonica's orientation test is given letters with an x-height between
 * this and twice this many pixels (the page is scaled by powers of 2). */
#define ORIENT_MIN_XHEIGHT 14
/* OSD's confidence below which its answer is ignored. Turned pages of our
 * test set scored 12 to 14 and upright ones 5 to 15; the wrong answers
 * seen (a 100 dpi page called upside down) scored under 2. */
#define ORIENT_MIN_CONF 4.0f
/* Skew: the search range and Leptonica's own thresholds for a confident
 * angle worth a rotation (degrees). */
#define DESKEW_RANGE 20.0f
#define DESKEW_MIN_CONF 3.0f
#define DESKEW_MIN_ANGLE 0.1f
/* Letters lower than this many pixels (11 pt text below ~125 dpi) are
 * enlarged to an x-height of UPSCALE_TARGET. Measured against the former
 * 20 and 30 (docs/ocr.md): the same error rate over the 100-200 dpi
 * pages, while enlarging 150 and 200 dpi pages cost ~75% more time for no
 * gain; at 100 dpi the two differed by a few characters, within noise. */
#define UPSCALE_MIN_XHEIGHT 11
#define UPSCALE_TARGET 22
#define UPSCALE_MAX 4.0
/* A grey page whose background varies by more than this (0-255) across
 * the page is cleaned: Tesseract's global threshold loses text in the
 * darker parts otherwise. */
#define CLEAN_MIN_SPREAD 40

/* Blocks up to this size come from the heap, not from mmap (the largest
 * page image, OCR_MAX_PIXELS at 8 bits, is 64 MiB), and the heap keeps up
 * to ENGINE_TRIM_THRESHOLD bytes free at its top rather than giving them
 * back after each page. */
#define ENGINE_MMAP_THRESHOLD (256 * 1024 * 1024)
#define ENGINE_TRIM_THRESHOLD (512 * 1024 * 1024)

/* Language sets kept loaded: switching back to one of them is free. A
 * set costs ~15 MB per language (eng+fra+spa: ~41 MB). */
#define ENGINE_SLOTS 3

struct lang_slot {
	TessBaseAPI *api;  /* NULL: free */
	char langs[OCR_LANGS_MAX];
	uint64_t used;     /* when last chosen, for eviction */
};

struct ocr_engine {
	struct lang_slot slots[ENGINE_SLOTS];
	struct lang_slot *cur;
	uint64_t clock;
	TessBaseAPI *osd;  /* started on first use */
};

/*
 * What was done to the image, step by step, to map word boxes back to the
 * caller's image: each step records the size of the image it was given.
 */
enum op_kind { OP_STRETCH, OP_TURN, OP_ROTATE, OP_SCALE };

struct op {
	enum op_kind kind;
	int w, h;          /* the image the step was given */
	double v;          /* vertical stretch, quarter turns (clockwise),
			    * radians (clockwise, about the centre), or
			    * enlargement */
};

struct xform {
	int w0, h0;        /* the caller's image */
	int n;
	struct op ops[6];
};

static void
omp_single_thread(void)
{
	void (*set_levels)(int);

	setenv("OMP_THREAD_LIMIT", "1", 1);
	*(void **)&set_levels = dlsym(RTLD_DEFAULT, "omp_set_max_active_levels");
	if (set_levels)
		set_levels(0);
}

/*
 * Page images are large (a grey 300 dpi Letter page is 8.4 MB, and
 * preprocessing makes several) and freed after every page. By default
 * glibc gives such blocks back to the kernel at once and page-faults them
 * in again for the next page: about a sixth of a worker's CPU time on
 * six pages of the OCR corpus (measured 2026-11-23, docs/performance.md).
 * Keeping them in the heap cost no more peak memory (118 MB either way),
 * since the next page needs as much again.
 */
static void
malloc_keep_pages(void)
{
	mallopt(M_MMAP_THRESHOLD, ENGINE_MMAP_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, ENGINE_TRIM_THRESHOLD);
}

static const char *
tessdata_dir(void)
{
	const char *d = getenv("TESSDATA_PREFIX");

	return d && *d ? d : TESSDATA_DEFAULT;
}

/* Checks a language list and that every language's data is installed, so
 * that the message can say what to install. */
static int
check_langs(const char *langs, struct error *err)
{
	size_t n = langs ? strlen(langs) : 0;
	const char *p = langs;

	if (n == 0 || n >= OCR_LANGS_MAX)
		return error_set(err, "a language list must have 1 to %d "
				 "characters", OCR_LANGS_MAX - 1);
	for (size_t i = 0; i < n; i++) {
		char c = langs[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '+'))
			return error_set(err, "'%s' is not a list of Tesseract "
					 "languages such as eng+fra", langs);
	}
	while (*p) {
		size_t len = strcspn(p, "+");
		char *file;
		int missing;

		if (len == 0)
			return error_set(err, "'%s' has an empty language",
					 langs);
		file = xasprintf("%s/%.*s.traineddata", tessdata_dir(),
				 (int)len, p);
		missing = access(file, R_OK) != 0;
		free(file);
		if (missing)
			return error_set(err, "no Tesseract data for language "
					 "'%.*s' in %s (Debian package "
					 "tesseract-ocr-%.*s)", (int)len, p,
					 tessdata_dir(), (int)len, p);
		p += len;
		if (*p == '+')
			p++;
	}
	return 0;
}

static TessBaseAPI *
start_api(const char *langs, struct error *err)
{
	TessBaseAPI *api = TessBaseAPICreate();

	TessBaseAPISetVariable(api, "debug_file", "/dev/null");
	if (TessBaseAPIInit3(api, NULL, langs) != 0) {
		TessBaseAPIDelete(api);
		error_set(err, "Tesseract cannot start with languages '%s'",
			  langs);
		return NULL;
	}
	return api;
}

static void
end_api(TessBaseAPI *api)
{
	if (api) {
		TessBaseAPIEnd(api);
		TessBaseAPIDelete(api);
	}
}

struct ocr_engine *
ocr_engine_new(const char *langs, struct error *err)
{
	struct ocr_engine *e;

	if (check_langs(langs, err) < 0)
		return NULL;
	omp_single_thread();
	malloc_keep_pages();
	e = xcalloc(1, sizeof(*e));
	e->cur = &e->slots[0];
	if (ocr_engine_set_languages(e, langs, err) < 0) {
		free(e);
		return NULL;
	}
	return e;
}

void
ocr_engine_free(struct ocr_engine *e)
{
	if (e == NULL)
		return;
	for (int i = 0; i < ENGINE_SLOTS; i++)
		end_api(e->slots[i].api);
	end_api(e->osd);
	free(e);
}

int
ocr_engine_set_languages(struct ocr_engine *e, const char *langs,
			 struct error *err)
{
	struct lang_slot *slot = NULL;
	TessBaseAPI *api;

	for (int i = 0; i < ENGINE_SLOTS && langs; i++)
		if (e->slots[i].api && strcmp(e->slots[i].langs, langs) == 0)
			slot = &e->slots[i];
	if (slot == NULL) {
		if (check_langs(langs, err) < 0)
			return -1;
		/* Started before anything is evicted, so that a failure
		 * leaves the engine as it was. */
		api = start_api(langs, err);
		if (api == NULL)
			return -1;
		/* The API's default is a single block of text; pages have
		 * columns, headers and tables. */
		TessBaseAPISetPageSegMode(api, PSM_AUTO);
		slot = &e->slots[0];
		for (int i = 1; i < ENGINE_SLOTS; i++)
			if (e->slots[i].used < slot->used)
				slot = &e->slots[i];
		end_api(slot->api);
		slot->api = api;
		snprintf(slot->langs, sizeof(slot->langs), "%s", langs);
	}
	slot->used = ++e->clock;
	e->cur = slot;
	return 0;
}

const char *
ocr_engine_languages(const struct ocr_engine *e)
{
	return e->cur->langs;
}

void
ocr_result_release(struct ocr_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nwords; i++)
		free(r->words[i].text);
	free(r->words);
	free(r->text);
	memset(r, 0, sizeof(*r));
}

/* Replaces *pix with next (a new image or a clone); NULL leaves it. */
static int
replace(PIX **pix, PIX *next)
{
	if (next == NULL)
		return -1;
	pixDestroy(pix);
	*pix = next;
	return 0;
}

/*
 * The page being prepared, and a 1-bit copy of it that the measuring steps
 * (x-height, orientation, skew) share: thresholding a grey 300 dpi page
 * costs ~15 ms, so it is done once per version of the page.
 */
struct page {
	PIX *pix;  /* 1 or 8 bits */
	PIX *bw;   /* NULL until asked for */
};

static PIX *
page_bw(struct page *pg)
{
	if (pg->bw == NULL) {
		pg->bw = pixGetDepth(pg->pix) == 1 ? pixClone(pg->pix)
						   : pixConvertTo1(pg->pix, 128);
		if (pg->bw)
			pixCopyResolution(pg->bw, pg->pix);
	}
	return pg->bw;
}

/* Makes next the page (consumed); NULL leaves the page as it was. */
static int
page_set(struct page *pg, PIX *next)
{
	if (next == NULL)
		return -1;
	pixDestroy(&pg->pix);
	pixDestroy(&pg->bw);
	pg->pix = next;
	return 0;
}

/*
 * Leptonica's test of which way ascenders point (Latin scripts). Returns
 * the clockwise quarter turns that make the page upright, or -1 when the
 * statistics are not clear enough. Small letters mislead it (at 100 dpi it
 * turned one page in five the wrong way) and large ones make it slow (a
 * 300 dpi Letter page of 11 pt text: 60-130 ms; the same page halved:
 * 10-12 ms and as clear an answer; quartered: no answer; measured
 * 2026-11-23), so the page is scaled by powers of 2 to bring the x-height
 * between ORIENT_MIN_XHEIGHT and twice that.
 */
static int
orientation_by_ascenders(PIX *bw1, int xheight)
{
	PIX *bw = pixClone(bw1);
	l_float32 up = 0, left = 0;
	int quads = -1;

	if (xheight > 0 && xheight < ORIENT_MIN_XHEIGHT)
		replace(&bw, pixExpandBinaryPower2(bw, 2));
	else if (xheight >= 4 * ORIENT_MIN_XHEIGHT)
		replace(&bw, pixReduceRankBinaryCascade(bw, 1, 1, 0, 0));
	else if (xheight >= 2 * ORIENT_MIN_XHEIGHT)
		replace(&bw, pixReduceRankBinaryCascade(bw, 1, 0, 0, 0));
	if (pixOrientDetect(bw, &up, &left, 0, 0) == 0) {
		/* Leptonica's own thresholds (pixOrientCorrect): a score of
		 * 8 or more, 2.5 times the other one. */
		if (fabsf(up) >= 8 && fabsf(up) >= 2.5f * fabsf(left))
			quads = up > 0 ? 0 : 2;
		else if (fabsf(left) >= 8 && fabsf(left) >= 2.5f * fabsf(up))
			quads = left > 0 ? 1 : 3;
	}
	pixDestroy(&bw);
	return quads;
}

/*
 * Tesseract's orientation and script detection: slower (~200 ms) but it
 * knows other scripts. Returns quarter turns as above, 0 when unsure.
 */
static int
orientation_by_osd(struct ocr_engine *e, PIX *pix, int dpi)
{
	int deg = 0, quads = 0;
	float conf = 0, script_conf = 0;
	const char *script = NULL;

	if (e->osd == NULL) {
		struct error ignored;

		e->osd = start_api("osd", &ignored);
		if (e->osd == NULL)
			return 0;
		TessBaseAPISetPageSegMode(e->osd, PSM_OSD_ONLY);
	}
	TessBaseAPISetImage2(e->osd, pix);
	TessBaseAPISetSourceResolution(e->osd, dpi);
	if (TessBaseAPIDetectOrientationScript(e->osd, &deg, &conf, &script,
					       &script_conf) &&
	    conf >= ORIENT_MIN_CONF && deg % 90 == 0)
		/* OSD reports how far the page is turned clockwise. */
		quads = (4 - (deg / 90) % 4) % 4;
	/* script points into OSD's character set: capi.h says to free it
	 * with TessDeleteText, but in Tesseract 5.3 that is a double free
	 * (found by ASan). */
	(void)script;
	TessBaseAPIClear(e->osd);
	return quads;
}

/*
 * The angle of the text lines in degrees (clockwise positive: the rotation
 * that straightens them), or 0 when there is none worth correcting or
 * Leptonica is unsure. Leptonica's default search stops at 7 degrees;
 * pages fed crooked go further, and Tesseract reads nothing at all from
 * a 1-bit page skewed by 6 degrees (measured), so search to DESKEW_RANGE.
 */
static double
find_skew(PIX *bw)
{
	l_float32 angle = 0, conf = 0;
	int bad;

	bad = pixFindSkewSweepAndSearch(bw, &angle, &conf, 4, 2, DESKEW_RANGE,
					1.0f, 0.01f);
	if (bad || conf < DESKEW_MIN_CONF || fabsf(angle) < DESKEW_MIN_ANGLE)
		return 0;
	return angle;
}

/* The spread of the background level over the page, 0-255. */
static int
background_spread(PIX *pix8)
{
	PIX *map = NULL;
	l_int32 lo = 0, hi = 0;

	if (pixGetBackgroundGrayMap(pix8, NULL, 50, 50, 100, 50, &map) != 0 ||
	    map == NULL)
		return 0;
	pixGetExtremeValue(map, 1, L_SELECT_MIN, NULL, NULL, NULL, &lo);
	pixGetExtremeValue(map, 1, L_SELECT_MAX, NULL, NULL, NULL, &hi);
	pixDestroy(&map);
	return hi - lo;
}

static void
xform_add(struct xform *t, enum op_kind kind, PIX *before, double v)
{
	struct op *o = &t->ops[t->n++];

	o->kind = kind;
	o->w = pixGetWidth(before);
	o->h = pixGetHeight(before);
	o->v = v;
}

/* Maps a point of the image Tesseract read back to the caller's image,
 * undoing the steps from the last. */
static void
map_back(const struct xform *t, double *px, double *py)
{
	double x = *px, y = *py;

	for (int i = t->n - 1; i >= 0; i--) {
		const struct op *o = &t->ops[i];
		double cx = o->w / 2.0, cy = o->h / 2.0, c, s, dx, dy, nx;

		switch (o->kind) {
		case OP_STRETCH:
			y /= o->v;
			break;
		case OP_SCALE:
			x /= o->v;
			y /= o->v;
			break;
		case OP_ROTATE:
			c = cos(-o->v);
			s = sin(-o->v);
			dx = x - cx;
			dy = y - cy;
			x = cx + dx * c - dy * s;
			y = cy + dx * s + dy * c;
			break;
		case OP_TURN:
			/* (x, y) is in the turned image; o->w x o->h is the
			 * image before the turn. */
			switch ((int)o->v) {
			case 1:
				nx = y;
				y = o->h - x;
				x = nx;
				break;
			case 2:
				x = o->w - x;
				y = o->h - y;
				break;
			case 3:
				nx = o->w - y;
				y = x;
				x = nx;
				break;
			}
			break;
		}
	}
	*px = x;
	*py = y;
}

static void
map_box(const struct xform *t, int l, int top, int r, int b,
	struct ocr_word *w)
{
	const double xs[4] = { l, r, r, l }, ys[4] = { top, top, b, b };
	double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;

	for (int i = 0; i < 4; i++) {
		double x = xs[i], y = ys[i];

		map_back(t, &x, &y);
		x0 = fmin(x0, x);
		y0 = fmin(y0, y);
		x1 = fmax(x1, x);
		y1 = fmax(y1, y);
	}
	x0 = fmax(0, floor(x0));
	y0 = fmax(0, floor(y0));
	x1 = fmin(t->w0, ceil(x1));
	y1 = fmin(t->h0, ceil(y1));
	w->x = (int)x0;
	w->y = (int)y0;
	w->w = x1 > x0 ? (int)(x1 - x0) : 0;
	w->h = y1 > y0 ? (int)(y1 - y0) : 0;
}

/* Collects the words, their confidences and boxes, and the language most
 * of them were read in. */
static void
collect_words(TessBaseAPI *api, const struct xform *t, struct ocr_result *r)
{
	TessResultIterator *it = TessBaseAPIGetIterator(api);
	char langs[8][16];
	int counts[8] = { 0 }, nlangs = 0, best = -1;
	size_t cap = 0;

	if (it == NULL)
		return;
	do {
		const TessPageIterator *pit =
			TessResultIteratorGetPageIteratorConst(it);
		char *text = TessResultIteratorGetUTF8Text(it, RIL_WORD);
		const char *lang;
		int l, top, right, b, k;
		struct ocr_word *w;

		if (text == NULL)
			continue;
		if (!TessPageIteratorBoundingBox(pit, RIL_WORD, &l, &top,
						 &right, &b)) {
			TessDeleteText(text);
			continue;
		}
		if (r->nwords == cap) {
			cap = cap ? cap * 2 : 64;
			r->words = xrealloc(r->words, cap * sizeof(*r->words));
		}
		w = &r->words[r->nwords++];
		w->text = xstrdup(text);
		TessDeleteText(text);
		w->conf = (int)lround(TessResultIteratorConfidence(it, RIL_WORD));
		map_box(t, l, top, right, b, w);
		lang = TessResultIteratorWordRecognitionLanguage(it);
		if (lang == NULL)
			continue;
		for (k = 0; k < nlangs && strcmp(langs[k], lang) != 0; k++)
			;
		if (k == nlangs && nlangs < 8)
			snprintf(langs[nlangs++], sizeof(langs[0]), "%s", lang);
		if (k < nlangs)
			counts[k]++;
	} while (TessResultIteratorNext(it, RIL_WORD));
	TessResultIteratorDelete(it);
	for (int k = 0; k < nlangs; k++)
		if (best < 0 || counts[k] > counts[best])
			best = k;
	if (best >= 0)
		snprintf(r->lang, sizeof(r->lang), "%s", langs[best]);
}

/* Stretches a page whose pixels are not square (a fax at 204 x 98 dpi). */
static void
make_square(struct page *pg, struct xform *t, struct ocr_result *r)
{
	PIX *pix = pg->pix, *sq;
	int xres = pixGetXRes(pix), yres = pixGetYRes(pix);
	double sy, h;

	if (xres <= 0 || yres <= 0)
		return;
	sy = (double)xres / yres;
	h = pixGetHeight(pix) * sy;
	if ((sy < 1.1 && sy > 0.9) || sy > 4 || sy < 0.25 || h > OCR_MAX_SIDE ||
	    h * pixGetWidth(pix) > (double)OCR_MAX_PIXELS)
		return;
	sq = pixGetDepth(pix) == 1 ? pixScaleBinary(pix, 1, (float)sy)
				   : pixScaleGrayLI(pix, 1, (float)sy);
	if (sq == NULL)
		return;
	pixSetResolution(sq, xres, xres);
	xform_add(t, OP_STRETCH, pix, sy);
	page_set(pg, sq);
	r->steps |= OCR_STEP_ASPECT;
}

/* The resolution to tell Tesseract, and the x-height that orientation and
 * enlargement use (measured here once). */
static void
find_dpi(struct page *pg, const struct ocr_opts *opts, unsigned steps,
	 struct ocr_dpi *dpi)
{
	PIX *bw = page_bw(pg);

	if (opts->dpi > 0 || !(steps & OCR_STEP_DPI)) {
		dpi->dpi = opts->dpi > 0 ? opts->dpi : pixGetYRes(pg->pix);
		dpi->declared = dpi->dpi;
		dpi->source = OCR_DPI_DECLARED;
		dpi->xheight = bw ? ocr_image_xheight(bw) : 0;
	} else if (bw) {
		ocr_image_sane_dpi(bw, dpi);
	} else {
		ocr_image_sane_dpi(pg->pix, dpi);
	}
}

static void
deskew(struct page *pg, struct xform *t, struct ocr_result *r)
{
	PIX *bw = page_bw(pg), *straight;
	double angle = bw ? find_skew(bw) : 0;

	if (angle == 0)
		return;
	straight = pixRotate(pg->pix, (l_float32)(angle * M_PI / 180),
			     L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
	if (straight == NULL)
		return;
	xform_add(t, OP_ROTATE, pg->pix, angle * M_PI / 180);
	page_set(pg, straight);
	r->skew = angle;
	r->steps |= OCR_STEP_DESKEW;
}

/* Enlarges a page whose letters are too small for Tesseract. */
static void
upscale(struct page *pg, int xh, struct xform *t, struct ocr_result *r)
{
	double f, w, h;
	PIX *grey, *big = NULL;

	if (xh <= 0 || xh >= UPSCALE_MIN_XHEIGHT)
		return;
	f = fmin((double)UPSCALE_TARGET / xh, UPSCALE_MAX);
	w = pixGetWidth(pg->pix) * f;
	h = pixGetHeight(pg->pix) * f;
	if (w > OCR_MAX_SIDE || h > OCR_MAX_SIDE || w * h > (double)OCR_MAX_PIXELS)
		return;
	grey = pixGetDepth(pg->pix) == 1 ? pixConvertTo8(pg->pix, 0)
					 : pixClone(pg->pix);
	if (grey)
		big = pixScaleGrayLI(grey, (float)f, (float)f);
	pixDestroy(&grey);
	if (big == NULL)
		return;
	xform_add(t, OP_SCALE, pg->pix, f);
	page_set(pg, big);
	r->scale = f;
	r->steps |= OCR_STEP_UPSCALE;
}

/*
 * The preprocessing, in the order that works: square pixels, an even
 * background, the resolution, straight lines, upright, then enlargement.
 * Each step records in t what it did and in r that it did it.
 */
static void
prepare(struct ocr_engine *e, struct page *pg, const struct ocr_opts *opts,
	unsigned steps, struct xform *t, struct ocr_result *r)
{
	struct ocr_dpi dpi;

	/* Every later measure assumes square pixels. */
	if (steps & OCR_STEP_ASPECT)
		make_square(pg, t, r);

	/* An uneven background defeats every threshold, ours and
	 * Tesseract's: even it out before anything measures the page. */
	if (pixGetDepth(pg->pix) == 8 && (steps & OCR_STEP_CLEAN) &&
	    background_spread(pg->pix) > CLEAN_MIN_SPREAD &&
	    page_set(pg, pixBackgroundNormSimple(pg->pix, NULL, NULL)) == 0)
		r->steps |= OCR_STEP_CLEAN;

	find_dpi(pg, opts, steps, &dpi);

	/* Straighten first, since crooked lines confuse the orientation
	 * test; a page turned by 90 degrees has no horizontal lines to
	 * straighten, so it gets a second chance once turned. */
	if (steps & OCR_STEP_DESKEW)
		deskew(pg, t, r);
	if ((steps & OCR_STEP_ORIENT) && page_bw(pg)) {
		int q = orientation_by_ascenders(page_bw(pg), dpi.xheight);
		PIX *turned;

		if (q < 0)
			q = orientation_by_osd(e, pg->pix, dpi.dpi > 0 ? dpi.dpi
							: OCR_DEFAULT_DPI);
		if (q > 0 && (turned = pixRotateOrth(pg->pix, q)) != NULL) {
			xform_add(t, OP_TURN, pg->pix, q);
			page_set(pg, turned);
			r->rotation = 90 * q;
			r->steps |= OCR_STEP_ORIENT;
			if (q % 2) {
				/* Letters measured sideways have other
				 * heights. */
				find_dpi(pg, opts, steps, &dpi);
				if ((steps & OCR_STEP_DESKEW) &&
				    !(r->steps & OCR_STEP_DESKEW))
					deskew(pg, t, r);
			}
		}
	}
	r->dpi = dpi.dpi;
	r->dpi_source = dpi.source;

	if (steps & OCR_STEP_UPSCALE)
		upscale(pg, dpi.xheight, t, r);

	if (pixGetDepth(pg->pix) == 8 && (steps & OCR_STEP_SAUVOLA)) {
		PIX *bw = NULL;
		int win = (int)fmax(8, dpi.dpi * r->scale / 12);

		if (pixSauvolaBinarizeTiled(pg->pix, win, 0.34f, 1, 1, NULL,
					    &bw) == 0 && page_set(pg, bw) == 0)
			r->steps |= OCR_STEP_SAUVOLA;
		else
			pixDestroy(&bw);
	}
}

int
ocr_engine_recognize(struct ocr_engine *e, struct Pix *src,
		     const struct ocr_opts *opts, struct ocr_result *ret,
		     struct error *err)
{
	static const struct ocr_opts defaults;
	TessBaseAPI *api = e->cur->api;
	struct ocr_result r = { 0 };
	struct xform t = { 0 };
	struct page pg = { NULL, NULL };
	ETEXT_DESC *monitor = NULL;
	int64_t start = now_usec();
	unsigned steps;
	int timeout_ms, rc = -1, d;
	char *text;

	if (opts == NULL)
		opts = &defaults;
	steps = (OCR_STEPS_DEFAULT | opts->enable) & ~opts->disable;
	timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms
					  : FV_DEFAULT_PAGE_TIMEOUT * 1000;
	if (ocr_image_check_size(pixGetWidth(src), pixGetHeight(src), err) < 0)
		return -1;
	d = pixGetDepth(src);
	if (pixGetColormap(src))
		pg.pix = pixRemoveColormap(src, REMOVE_CMAP_TO_GRAYSCALE);
	else if (d == 1 || d == 8)
		pg.pix = pixClone(src);
	else
		pg.pix = pixConvertTo8(src, 0);
	if (pg.pix == NULL ||
	    (pixGetDepth(pg.pix) != 1 && pixGetDepth(pg.pix) != 8 &&
	     page_set(&pg, pixConvertTo8(pg.pix, 0)) < 0)) {
		error_set(err, "the page image (%d bits per pixel) cannot be "
			  "converted to grey", d);
		goto out;
	}
	r.width = t.w0 = pixGetWidth(pg.pix);
	r.height = t.h0 = pixGetHeight(pg.pix);
	r.scale = 1;
	prepare(e, &pg, opts, steps, &t, &r);
	pixDestroy(&pg.bw);

	TessBaseAPISetImage2(api, pg.pix);
	if (r.dpi > 0)
		TessBaseAPISetSourceResolution(api, (int)lround(r.dpi * r.scale));
	/* The deadline covers recognition, which is most of the time; the
	 * layout analysis before it cannot be interrupted (the worker's CPU
	 * limit is the backstop). */
	monitor = TessMonitorCreate();
	TessMonitorSetDeadlineMSecs(monitor, timeout_ms);
	if (TessBaseAPIRecognize(api, monitor) != 0) {
		if ((now_usec() - start) / 1000 >= timeout_ms)
			error_set(err, "the page took longer than %d s to read",
				  (timeout_ms + 999) / 1000);
		else
			error_set(err, "Tesseract could not read the page");
		goto out;
	}
	text = TessBaseAPIGetUTF8Text(api);
	r.text = xstrdup(text ? text : "");
	TessDeleteText(text);
	r.confidence = TessBaseAPIMeanTextConf(api);
	snprintf(r.langs, sizeof(r.langs), "%s", e->cur->langs);
	collect_words(api, &t, &r);
	r.ms = (long)((now_usec() - start) / 1000);
	*ret = r;
	memset(&r, 0, sizeof(r));
	rc = 0;
out:
	if (monitor)
		TessMonitorDelete(monitor);
	TessBaseAPIClear(api);
	pixDestroy(&pg.pix);
	pixDestroy(&pg.bw);
	ocr_result_release(&r);
	return rc;
}

int
ocr_engine_read_pdf_page(struct ocr_engine *e, struct ocr_pdf *pdf, int page,
			 const struct ocr_opts *opts,
			 enum ocr_text_source *ret_source,
			 struct ocr_result *ret, struct error *err)
{
	struct ocr_opts o = { 0 };
	struct ocr_pdf_text t;
	int64_t start = now_usec();
	PIX *pix = NULL;
	int rc;

	if (ocr_pdf_page_text(pdf, page, &t, err) < 0)
		return -1;
	if (t.real) {
		struct ocr_result r = { 0 };

		r.text = t.text;
		t.text = NULL;
		r.confidence = 100;
		r.width = (int)lround(t.width);
		r.height = (int)lround(t.height);
		r.dpi = 72;
		r.scale = 1;
		r.ms = (long)((now_usec() - start) / 1000);
		ocr_pdf_text_release(&t);
		*ret_source = OCR_FROM_TEXT_LAYER;
		*ret = r;
		return 0;
	}
	ocr_pdf_text_release(&t);
	if (ocr_pdf_render(pdf, page, OCR_DEFAULT_DPI, &pix, err) < 0)
		return -1;
	/* The rendering's resolution is known exactly: no guessing. */
	if (opts)
		o = *opts;
	o.dpi = pixGetXRes(pix);
	rc = ocr_engine_recognize(e, pix, &o, ret, err);
	pixDestroy(&pix);
	if (rc == 0) {
		ret->ms = (long)((now_usec() - start) / 1000);
		*ret_source = OCR_FROM_OCR;
	}
	return rc;
}
