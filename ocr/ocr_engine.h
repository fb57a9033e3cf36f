/*
 * ocr_engine.h - Tesseract, with the Leptonica preprocessing that measurably
 * helps it: reads a page image and returns its text, confidence and word
 * boxes.
 *
 * One engine per worker process, created once (initialisation loads the
 * language models: ~0.1 s and ~40 MB per language) and reused page after
 * page. The engine must be created and used by one thread, before the
 * process starts any other thread: ocr_engine_new() changes the environment
 * and OpenMP settings of the calling thread (see ocr_engine.c).
 */
#ifndef FOIVAULT_OCR_ENGINE_H
#define FOIVAULT_OCR_ENGINE_H

#include <stddef.h>

#include "ocr_image.h"
#include "util.h"

struct Pix;
struct ocr_engine;

/* Bytes of a language list such as "eng+fra+spa". */
#define OCR_LANGS_MAX 64

/*
 * Preprocessing steps (struct ocr_opts). The default set is what improved
 * the character error rate on our test pages (docs/ocr.md has the
 * figures); the others can be turned on for measurement.
 */
enum {
	OCR_STEP_ORIENT = 1 << 0,   /* find a page turned by 90/180/270 and
				     * turn it back (Tesseract OSD) */
	OCR_STEP_DESKEW = 1 << 1,   /* straighten a page scanned at an angle */
	OCR_STEP_DPI = 1 << 2,      /* tell Tesseract a sane resolution
				     * (ocr_image_sane_dpi) rather than the
				     * file's */
	OCR_STEP_UPSCALE = 1 << 3,  /* enlarge pages whose letters are small */
	OCR_STEP_CLEAN = 1 << 4,    /* even out the background of grey scans
				     * with uneven lighting or grey paper */
	OCR_STEP_SAUVOLA = 1 << 5,  /* binarise grey scans locally (Sauvola) */
	OCR_STEP_ASPECT = 1 << 6,   /* make pixels square (faxes at 204 x 98
				     * dpi) */
};
#define OCR_STEPS_DEFAULT \
	(OCR_STEP_ORIENT | OCR_STEP_DESKEW | OCR_STEP_DPI | OCR_STEP_UPSCALE | \
	 OCR_STEP_CLEAN | OCR_STEP_ASPECT)

/* Per-page options; all zero means the defaults. */
struct ocr_opts {
	int dpi;             /* resolution of the image; 0 = the sane one */
	int timeout_ms;      /* 0 = FV_DEFAULT_PAGE_TIMEOUT seconds */
	unsigned enable;     /* OCR_STEP_* added to OCR_STEPS_DEFAULT */
	unsigned disable;    /* OCR_STEP_* removed from it */
};

/* A recognised word and where it is on the page image that was given to
 * ocr_engine_recognize() (before any rotation or scaling), in pixels. */
struct ocr_word {
	char *text;          /* UTF-8 */
	int conf;            /* 0-100 */
	int x, y, w, h;
};

struct ocr_result {
	char *text;          /* UTF-8; lines end in \n, paragraphs are
			      * separated by an empty line */
	int confidence;      /* mean word confidence, 0-100 */
	char langs[OCR_LANGS_MAX]; /* the languages the engine read with */
	char lang[16];       /* the language most words were read as */
	int width, height;   /* of the page image given */
	int dpi;             /* its resolution, as told to Tesseract (before
			      * any enlargement) */
	enum ocr_dpi_source dpi_source;
	int rotation;        /* degrees (0, 90, 180, 270) the page was turned
			      * clockwise to stand upright */
	double skew;         /* degrees it was then turned to be straight
			      * (clockwise positive) */
	double scale;        /* how much it was enlarged (1 = not) */
	unsigned steps;      /* OCR_STEP_* that changed the image */
	long ms;             /* time taken, preprocessing included */
	struct ocr_word *words;
	size_t nwords;
};

/*
 * Starts Tesseract with langs ("eng", "eng+fra+spa": Tesseract's names,
 * joined by '+') from Debian's tessdata (/usr/share/tesseract-ocr/5/
 * tessdata, or $TESSDATA_PREFIX). NULL with a message on failure, such as
 * a language whose data is not installed.
 */
struct ocr_engine *ocr_engine_new(const char *langs, struct error *err);
void ocr_engine_free(struct ocr_engine *engine);

/*
 * Switches the engine to other languages. The last three sets used stay
 * loaded, so switching back to one of them is free; a new set is loaded
 * from disk (eng+fra+spa: 1.3-1.7 s on a busy 2-core machine,
 * docs/ocr.md). On failure the engine is unchanged.
 */
int ocr_engine_set_languages(struct ocr_engine *engine, const char *langs,
			     struct error *err);
const char *ocr_engine_languages(const struct ocr_engine *engine);

/*
 * Reads pix (1, 8 or 32 bits; pixGetXRes is its declared resolution) into
 * *ret, which the caller releases with ocr_result_release(). Fails with a
 * message for an image too large, or a page that took longer than the
 * timeout. opts may be NULL.
 */
int ocr_engine_recognize(struct ocr_engine *engine, struct Pix *pix,
			 const struct ocr_opts *opts, struct ocr_result *ret,
			 struct error *err);
void ocr_result_release(struct ocr_result *r);

/* Where a page's text came from. */
enum ocr_text_source {
	OCR_FROM_TEXT_LAYER,  /* the PDF's own text */
	OCR_FROM_OCR,         /* Tesseract, on the rendered page */
};

/*
 * The per-page decision for PDFs: the page's text layer when it carries
 * real text (ocr_pdf_page_text), else the page rendered at
 * OCR_DEFAULT_DPI and read by the engine. For a text layer, *ret has only
 * text, confidence 100, langs "" and the page size in points (dpi 72).
 */
struct ocr_pdf;
int ocr_engine_read_pdf_page(struct ocr_engine *engine, struct ocr_pdf *pdf,
			     int page, const struct ocr_opts *opts,
			     enum ocr_text_source *ret_source,
			     struct ocr_result *ret, struct error *err);

#endif
