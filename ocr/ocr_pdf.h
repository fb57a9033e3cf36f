/*
 * ocr_pdf.h - a PDF, page by page, as the OCR pipeline needs it: the page
 * count, each page's text layer, whether that text layer carries real text,
 * and a page rendered to an 8-bit grey Leptonica image for Tesseract.
 *
 * Built on MuPDF. PDFs are untrusted input: call these only in a worker
 * process. Every failure (a damaged file, a password, a page too large, a
 * document that needs too much memory) is a -1 with a message in err, never
 * a crash or an exit. Pages are numbered from 0. One ocr_pdf must be used
 * by one thread at a time; several may be open one after the other or at
 * once (each has its own MuPDF context).
 */
#ifndef FOIVAULT_OCR_PDF_H
#define FOIVAULT_OCR_PDF_H

#include <stddef.h>

#include "util.h"

struct Pix;
struct ocr_pdf;

/*
 * The margin band, in points: characters whose centre lies this close to an
 * edge of the page (Bates numbers, page numbers, fax headers) do not count
 * as real text. Narrower on small pages: 8% of the shorter side at most.
 */
#define OCR_PDF_MARGIN 43.2
/* Letters and digits a page's body must have for its text layer to count
 * as real text, rather than a stamp or a stray label on a scan. */
#define OCR_PDF_MIN_BODY_CHARS 20

/* The text layer of one page. */
struct ocr_pdf_text {
	char *text;        /* UTF-8; lines end in \n, blocks are separated by
			    * an empty line; never NULL after success */
	size_t len;
	int body_chars;    /* letters and digits outside the margin band */
	int margin_chars;  /* letters and digits inside it */
	int real;          /* body_chars >= OCR_PDF_MIN_BODY_CHARS: use this
			    * text and do not OCR the page */
	double width;      /* page size in points, after its /Rotate */
	double height;
};

/* Opens the PDF at path. Fails on a damaged file, an empty one, one that
 * needs a password, one without pages or with more than OCR_MAX_PAGES. */
int ocr_pdf_open(const char *path, struct ocr_pdf **ret, struct error *err);
/* The same, from len bytes at data (copied). */
int ocr_pdf_open_mem(const void *data, size_t len, struct ocr_pdf **ret,
		     struct error *err);
void ocr_pdf_free(struct ocr_pdf *pdf);

int ocr_pdf_page_count(const struct ocr_pdf *pdf);

/* Extracts the text layer of page into *ret (release it with
 * ocr_pdf_text_release). A page without text gives an empty string. */
int ocr_pdf_page_text(struct ocr_pdf *pdf, int page, struct ocr_pdf_text *ret,
		      struct error *err);
void ocr_pdf_text_release(struct ocr_pdf_text *t);

/*
 * Renders page to 8-bit grey at dpi (0 = OCR_DEFAULT_DPI; OCR_MIN_DPI to
 * OCR_MAX_DPI). A page that would exceed OCR_MAX_PIXELS or OCR_MAX_SIDE is
 * rendered at the highest resolution that fits, not below OCR_MIN_DPI; the
 * image's resolution (pixGetXRes) says which was used. Caller frees *ret
 * with pixDestroy.
 */
int ocr_pdf_render(struct ocr_pdf *pdf, int page, int dpi, struct Pix **ret,
		   struct error *err);

#endif
