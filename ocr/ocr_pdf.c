/*
 * ocr_pdf.c - see ocr_pdf.h.
 *
 * Each ocr_pdf owns a MuPDF context of its own (creating one costs ~0.1 ms):
 * nothing a damaged document leaves behind in a context (the store, warning
 * state) can affect the next one, and opening documents one after the other
 * or at once needs no global state. The context allocates through a counting
 * allocator that refuses to hold more than OCR_MAX_PDF_MEMORY, so a PDF that
 * decodes into gigabytes fails with a message while the worker lives on.
 *
 * Documents are opened with the PDF handler only, never by file name or
 * content sniffing, so MuPDF's XPS, EPUB, HTML and SVG parsers are not
 * reachable from a hostile file. Every MuPDF call is inside fz_try; MuPDF's
 * warnings and errors go to the ocr_pdf (the last warning is kept for error
 * messages), never to stderr.
 */
#include "config.h"

#include "ocr_pdf.h"

#include <errno.h>
#include <leptonica/allheaders.h>
#include <math.h>
#include <mupdf/fitz.h>
#include <mupdf/pdf.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fvlimits.h"

/* MuPDF keeps decoded fonts and images in its store for reuse across pages;
 * scanned pages each have their own image, so a small store is enough. */
#define PDF_STORE_BYTES (64 * 1024 * 1024)

struct ocr_pdf {
	fz_context *ctx;
	fz_document *doc;
	unsigned char *data; /* the bytes of a PDF opened from memory */
	size_t data_len;
	int pages;
	size_t used;         /* bytes MuPDF holds now */
	int over_budget;     /* an allocation was refused for OCR_MAX_PDF_MEMORY */
	char warning[200];   /* MuPDF's last warning */
};

/*
 * The counting allocator. Each block starts with a header holding its size
 * (padded to the strictest alignment, as malloc's blocks are), so that free
 * and realloc can keep the count.
 */
union alloc_head {
	size_t size;
	max_align_t align;
};

static int
over_budget(struct ocr_pdf *pdf, size_t more)
{
	if (more > (size_t)OCR_MAX_PDF_MEMORY - pdf->used) {
		pdf->over_budget = 1;
		return 1;
	}
	return 0;
}

static void *
pdf_malloc(void *user, size_t n)
{
	struct ocr_pdf *pdf = user;
	union alloc_head *h;

	if (over_budget(pdf, n))
		return NULL;
	h = malloc(sizeof(*h) + n);
	if (h == NULL)
		return NULL;
	h->size = n;
	pdf->used += n;
	return h + 1;
}

static void
pdf_free(void *user, void *p)
{
	struct ocr_pdf *pdf = user;
	union alloc_head *h;

	if (p == NULL)
		return;
	h = (union alloc_head *)p - 1;
	pdf->used -= h->size;
	free(h);
}

static void *
pdf_realloc(void *user, void *p, size_t n)
{
	struct ocr_pdf *pdf = user;
	union alloc_head *h, *nh;
	size_t old;

	if (p == NULL)
		return pdf_malloc(user, n);
	if (n == 0) {
		pdf_free(user, p);
		return NULL;
	}
	h = (union alloc_head *)p - 1;
	old = h->size;
	if (n > old && over_budget(pdf, n - old))
		return NULL;
	nh = realloc(h, sizeof(*nh) + n);
	if (nh == NULL)
		return NULL;
	nh->size = n;
	pdf->used = pdf->used - old + n;
	return nh + 1;
}

static void
on_warning(void *user, const char *msg)
{
	struct ocr_pdf *pdf = user;

	snprintf(pdf->warning, sizeof(pdf->warning), "%s", msg);
}

static void
on_error(void *user, const char *msg)
{
	/* The same message reaches fz_catch, where it becomes our error. */
	(void)user;
	(void)msg;
}

/*
 * Turns the exception just caught into a message: what we were doing, then
 * MuPDF's reason, or the memory cap when that is what stopped it.
 */
static int
caught(struct ocr_pdf *pdf, struct error *err, const char *what)
{
	if (pdf->over_budget || fz_caught(pdf->ctx) == FZ_ERROR_MEMORY)
		return error_set(err, "%s: the PDF needs more than %lld MiB of "
				 "memory", what,
				 (long long)(OCR_MAX_PDF_MEMORY / (1024 * 1024)));
	return error_set(err, "%s: %s", what, fz_caught_message(pdf->ctx));
}

/* Whether the last KiB of the file holds the %%EOF marker that ends a
 * complete PDF (some writers add a few bytes after it). */
static int
ends_with_eof(const struct ocr_pdf *pdf, const char *path)
{
	char tail[1024];
	size_t n = 0;
	int found = 0;

	if (path == NULL) {
		n = pdf->data_len < sizeof(tail) ? pdf->data_len : sizeof(tail);
		memcpy(tail, pdf->data + pdf->data_len - n, n);
	} else {
		FILE *f = fopen(path, "rb");

		if (f == NULL)
			return 0;
		if (fseek(f, -(long)sizeof(tail), SEEK_END) < 0)
			rewind(f);
		n = fread(tail, 1, sizeof(tail), f);
		fclose(f);
	}
	for (size_t i = 0; i + 5 <= n && !found; i++)
		found = memcmp(tail + i, "%%EOF", 5) == 0;
	return found;
}

static int
open_doc(const char *path, const void *data, size_t len,
	 struct ocr_pdf **ret, struct error *err)
{
	struct ocr_pdf *pdf = xcalloc(1, sizeof(*pdf));
	fz_alloc_context alloc = { pdf, pdf_malloc, pdf_realloc, pdf_free };
	fz_context *ctx;
	fz_stream *stm = NULL;
	pdf_document *pdoc = NULL;
	int needs_password = 0, pages = 0, repaired = 0, rc = -1;

	if (path == NULL) {
		pdf->data = xmalloc(len);
		memcpy(pdf->data, data, len);
		pdf->data_len = len;
	}
	ctx = fz_new_context(&alloc, NULL, PDF_STORE_BYTES);
	if (ctx == NULL) {
		error_set(err, "cannot start the PDF reader (out of memory)");
		goto out;
	}
	pdf->ctx = ctx;
	fz_set_warning_callback(ctx, on_warning, pdf);
	fz_set_error_callback(ctx, on_error, pdf);

	fz_var(stm);
	fz_var(pdoc);
	fz_var(needs_password);
	fz_var(pages);
	fz_var(repaired);
	fz_try(ctx) {
		if (path != NULL)
			stm = fz_open_file(ctx, path);
		else
			stm = fz_open_memory(ctx, pdf->data, pdf->data_len);
		pdoc = pdf_open_document_with_stream(ctx, stm);
		needs_password = pdf_needs_password(ctx, pdoc);
		if (!needs_password)
			pages = pdf_count_pages(ctx, pdoc);
		repaired = pdf_was_repaired(ctx, pdoc);
	}
	fz_always(ctx) {
		fz_drop_stream(ctx, stm);
	}
	fz_catch(ctx) {
		caught(pdf, err, "not a readable PDF");
		goto out;
	}
	pdf->doc = (fz_document *)pdoc;
	/* MuPDF rebuilds a damaged cross-reference table by scanning the
	 * file, which recovers the many PDFs with wrong offsets. A file that
	 * also lacks its final %%EOF was cut short, though: an interrupted
	 * download or copy. Refuse it rather than index some of its pages. */
	if (repaired && !ends_with_eof(pdf, path)) {
		error_set(err, "the PDF is truncated (damaged and without its "
			  "final %%%%EOF): it may be an incomplete download");
		goto out;
	}
	if (needs_password) {
		error_set(err, "the PDF is encrypted and needs a password to be "
			  "opened");
		goto out;
	}
	if (pages <= 0) {
		error_set(err, "the PDF has no pages");
		goto out;
	}
	if (pages > OCR_MAX_PAGES) {
		error_set(err, "the PDF has %d pages, more than the limit of %d",
			  pages, OCR_MAX_PAGES);
		goto out;
	}
	pdf->pages = pages;
	*ret = pdf;
	pdf = NULL;
	rc = 0;
out:
	ocr_pdf_free(pdf);
	return rc;
}

int
ocr_pdf_open(const char *path, struct ocr_pdf **ret, struct error *err)
{
	struct stat st;

	/* MuPDF would call a missing or empty file "no objects found". */
	if (stat(path, &st) < 0)
		return error_set(err, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return error_set(err, "%s: not a regular file", path);
	if (st.st_size == 0)
		return error_set(err, "the file is empty (0 bytes), not a PDF");
	return open_doc(path, NULL, 0, ret, err);
}

int
ocr_pdf_open_mem(const void *data, size_t len, struct ocr_pdf **ret,
		 struct error *err)
{
	if (len == 0)
		return error_set(err, "the file is empty (0 bytes), not a PDF");
	return open_doc(NULL, data, len, ret, err);
}

void
ocr_pdf_free(struct ocr_pdf *pdf)
{
	if (pdf == NULL)
		return;
	if (pdf->ctx) {
		fz_drop_document(pdf->ctx, pdf->doc);
		fz_drop_context(pdf->ctx);
	}
	free(pdf->data);
	free(pdf);
}

int
ocr_pdf_page_count(const struct ocr_pdf *pdf)
{
	return pdf->pages;
}

static int
check_page(const struct ocr_pdf *pdf, int page, struct error *err)
{
	if (page < 0 || page >= pdf->pages)
		return error_set(err, "page %d does not exist (the PDF has %d)",
				 page + 1, pdf->pages);
	return 0;
}

/*
 * Whether a character is a letter or a digit, for counting real text. ASCII
 * by hand; above it, everything but the ranges that hold punctuation,
 * symbols, combining marks, private-use glyphs (what unmapped fonts yield)
 * and U+FFFD. Good enough to tell a paragraph from a stamp, in any script.
 */
static int
is_letter_or_digit(int c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		       (c >= 'A' && c <= 'Z');
	if (c < 0xC0 || c == 0xD7 || c == 0xF7)
		return 0;
	if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x2000 && c <= 0x2BFF) ||
	    (c >= 0x3000 && c <= 0x303F) || (c >= 0xD800 && c <= 0xF8FF) ||
	    (c >= 0xFE00 && c <= 0xFE0F) || c >= 0xFFF0)
		return 0;
	return 1;
}

/* Characters kept in the text: no controls, surrogates or non-characters. */
static int
keep_char(int c)
{
	if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0))
		return 0;
	if ((c >= 0xD800 && c <= 0xDFFF) || c == 0xFFFE || c == 0xFFFF ||
	    c > 0x10FFFF)
		return 0;
	return 1;
}

static int
in_margin(fz_rect box, double band, const fz_stext_char *ch)
{
	double x = (ch->quad.ll.x + ch->quad.ur.x) / 2;
	double y = (ch->quad.ll.y + ch->quad.ur.y) / 2;

	return x < box.x0 + band || x > box.x1 - band || y < box.y0 + band ||
	       y > box.y1 - band;
}

/* MuPDF's text of page, or NULL with err set. */
static fz_stext_page *
load_text(struct ocr_pdf *pdf, int page, struct error *err)
{
	/* Characters outside the page's box are not shown: not text. */
	const fz_stext_options opts = { FZ_STEXT_MEDIABOX_CLIP, 0 };
	fz_stext_page *sp = NULL;

	fz_var(sp);
	fz_try(pdf->ctx) {
		sp = fz_new_stext_page_from_page_number(pdf->ctx, pdf->doc,
							page, &opts);
	}
	fz_catch(pdf->ctx) {
		char what[64];

		snprintf(what, sizeof(what), "page %d: cannot read its text",
			 page + 1);
		caught(pdf, err, what);
		return NULL;
	}
	return sp;
}

int
ocr_pdf_page_text(struct ocr_pdf *pdf, int page, struct ocr_pdf_text *ret,
		  struct error *err)
{
	fz_stext_page *sp = NULL;
	struct ocr_pdf_text t = { 0 };
	struct buf b;
	double band;
	int rc = -1;

	buf_init(&b, OCR_MAX_PAGE_TEXT);
	if (check_page(pdf, page, err) < 0)
		goto out;
	sp = load_text(pdf, page, err);
	if (sp == NULL)
		goto out;
	t.width = sp->mediabox.x1 - sp->mediabox.x0;
	t.height = sp->mediabox.y1 - sp->mediabox.y0;
	band = fmin(OCR_PDF_MARGIN, 0.08 * fmin(t.width, t.height));
	for (fz_stext_block *bl = sp->first_block; bl; bl = bl->next) {
		if (bl->type != FZ_STEXT_BLOCK_TEXT)
			continue;
		if (b.len > 0 && buf_add(&b, "\n", 1) < 0)
			goto too_long;
		for (fz_stext_line *ln = bl->u.t.first_line; ln; ln = ln->next) {
			for (fz_stext_char *ch = ln->first_char; ch;
			     ch = ch->next) {
				char utf8[FZ_UTFMAX];
				int c = ch->c == '\t' ? ' ' : ch->c;

				if (!keep_char(c))
					continue;
				if (buf_add(&b, utf8, (size_t)fz_runetochar(utf8, c)) < 0)
					goto too_long;
				if (!is_letter_or_digit(c))
					continue;
				if (in_margin(sp->mediabox, band, ch))
					t.margin_chars++;
				else
					t.body_chars++;
			}
			if (buf_add(&b, "\n", 1) < 0)
				goto too_long;
		}
	}
	t.real = t.body_chars >= OCR_PDF_MIN_BODY_CHARS;
	t.text = buf_detach(&b, &t.len);
	*ret = t;
	rc = 0;
	goto out;
too_long:
	error_set(err, "page %d: its text layer is larger than the limit of "
		  "%d bytes", page + 1, OCR_MAX_PAGE_TEXT);
out:
	if (sp)
		fz_drop_stext_page(pdf->ctx, sp);
	buf_release(&b);
	return rc;
}

void
ocr_pdf_text_release(struct ocr_pdf_text *t)
{
	if (t == NULL)
		return;
	free(t->text);
	memset(t, 0, sizeof(*t));
}

/* The pixel box MuPDF will render bounds into at dpi (as
 * fz_new_pixmap_from_page computes it). */
static fz_irect
pixel_box(fz_rect bounds, int dpi)
{
	float s = (float)dpi / 72.0f;

	return fz_round_rect(fz_transform_rect(bounds, fz_scale(s, s)));
}

static int
fits(fz_irect r)
{
	long long w = (long long)r.x1 - r.x0, h = (long long)r.y1 - r.y0;

	return w <= OCR_MAX_SIDE && h <= OCR_MAX_SIDE &&
	       w * h <= OCR_MAX_PIXELS;
}

/* Loads page and its bounds (in points, after /Rotate), or NULL. */
static fz_page *
load_page(struct ocr_pdf *pdf, int page, fz_rect *ret_bounds,
	  struct error *err)
{
	fz_page *pg = NULL;

	fz_var(pg);
	fz_try(pdf->ctx) {
		pg = fz_load_page(pdf->ctx, pdf->doc, page);
		*ret_bounds = fz_bound_page(pdf->ctx, pg);
	}
	fz_catch(pdf->ctx) {
		char what[64];

		if (pg)
			fz_drop_page(pdf->ctx, pg);
		snprintf(what, sizeof(what), "page %d: cannot load it",
			 page + 1);
		caught(pdf, err, what);
		return NULL;
	}
	return pg;
}

/* Draws pg at dpi into a grey pixmap without alpha, or NULL. */
static fz_pixmap *
draw_page(struct ocr_pdf *pdf, fz_page *pg, int page, int dpi,
	  struct error *err)
{
	float s = (float)dpi / 72.0f;
	fz_pixmap *pm = NULL;

	fz_var(pm);
	fz_try(pdf->ctx) {
		pm = fz_new_pixmap_from_page(pdf->ctx, pg, fz_scale(s, s),
					     fz_device_gray(pdf->ctx), 0);
	}
	fz_catch(pdf->ctx) {
		char what[64];

		snprintf(what, sizeof(what), "page %d: cannot render it",
			 page + 1);
		caught(pdf, err, what);
		return NULL;
	}
	return pm;
}

/*
 * Copies an 8-bit grey pixmap into a new PIX. Leptonica keeps pixels in
 * 32-bit words, most significant byte first: copy the rows as bytes, then
 * swap each word into host order (a no-op on big-endian hosts).
 */
static PIX *
pix_from_pixmap(fz_context *ctx, fz_pixmap *pm)
{
	int w = fz_pixmap_width(ctx, pm), h = fz_pixmap_height(ctx, pm);
	size_t stride = (size_t)fz_pixmap_stride(ctx, pm);
	const unsigned char *src = fz_pixmap_samples(ctx, pm);
	size_t dst_stride;
	l_uint8 *dst;
	PIX *pix;

	if (fz_pixmap_components(ctx, pm) != 1 || w <= 0 || h <= 0)
		return NULL;
	pix = pixCreate(w, h, 8);
	if (pix == NULL)
		return NULL;
	dst = (l_uint8 *)pixGetData(pix);
	dst_stride = (size_t)pixGetWpl(pix) * 4;
	for (int y = 0; y < h; y++)
		memcpy(dst + (size_t)y * dst_stride, src + (size_t)y * stride,
		       (size_t)w);
	pixEndianByteSwap(pix);
	return pix;
}

int
ocr_pdf_render(struct ocr_pdf *pdf, int page, int dpi, struct Pix **ret,
	       struct error *err)
{
	fz_page *pg = NULL;
	fz_pixmap *pm = NULL;
	fz_rect bounds = fz_empty_rect;
	double w_in, h_in, fit;
	PIX *pix;
	int use, rc = -1;

	if (dpi == 0)
		dpi = OCR_DEFAULT_DPI;
	if (dpi < OCR_MIN_DPI || dpi > OCR_MAX_DPI)
		return error_set(err, "a resolution of %d dpi is outside %d-%d",
				 dpi, OCR_MIN_DPI, OCR_MAX_DPI);
	if (check_page(pdf, page, err) < 0)
		return -1;
	pg = load_page(pdf, page, &bounds, err);
	if (pg == NULL)
		goto out;
	w_in = ((double)bounds.x1 - bounds.x0) / 72;
	h_in = ((double)bounds.y1 - bounds.y0) / 72;
	if (!isfinite(w_in) || !isfinite(h_in) || w_in <= 0 || h_in <= 0) {
		error_set(err, "page %d has no area to render", page + 1);
		goto out;
	}
	/* The highest resolution that fits the caps, from the area and the
	 * longer side, then checked against MuPDF's own rounding. */
	fit = fmin(sqrt((double)OCR_MAX_PIXELS / (w_in * h_in)),
		   OCR_MAX_SIDE / fmax(w_in, h_in));
	use = fit < dpi ? (int)fmax(floor(fit), OCR_MIN_DPI - 1) : dpi;
	while (use >= OCR_MIN_DPI && !fits(pixel_box(bounds, use)))
		use--;
	if (use < OCR_MIN_DPI) {
		error_set(err, "page %d is too large to render (%.0f x %.0f "
			  "inches; at most %lld pixels at %d dpi)", page + 1,
			  w_in, h_in, (long long)OCR_MAX_PIXELS, OCR_MIN_DPI);
		goto out;
	}
	pm = draw_page(pdf, pg, page, use, err);
	if (pm == NULL)
		goto out;
	pix = pix_from_pixmap(pdf->ctx, pm);
	if (pix == NULL) {
		error_set(err, "page %d: out of memory for its image", page + 1);
		goto out;
	}
	pixSetResolution(pix, use, use);
	*ret = pix;
	rc = 0;
out:
	if (pm)
		fz_drop_pixmap(pdf->ctx, pm);
	if (pg)
		fz_drop_page(pdf->ctx, pg);
	return rc;
}
