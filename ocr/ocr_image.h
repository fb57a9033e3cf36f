/*
 * ocr_image.h - image files (PNG, JPEG, TIFF including multi-page and CCITT
 * G4 fax, GIF, WebP, BMP) as page images for OCR, and the resolution to
 * tell Tesseract when the file's own is not to be believed.
 *
 * Built on Leptonica. Image files are untrusted input: call these only in a
 * worker process. The size an image declares is checked against
 * OCR_MAX_PIXELS and OCR_MAX_SIDE before a pixel is decoded; damaged,
 * truncated or disguised files give -1 and a message, never a crash.
 * Pages are numbered from 0; only TIFF has more than one.
 */
#ifndef FOIVAULT_OCR_IMAGE_H
#define FOIVAULT_OCR_IMAGE_H

#include <stddef.h>

#include "util.h"

struct Pix;
struct ocr_image;

/* Opens the image file at path (read into memory whole, at most
 * OCR_MAX_IMAGE_BYTES): checks its format and counts its pages. Formats
 * other than the six above are refused. */
int ocr_image_open(const char *path, struct ocr_image **ret, struct error *err);
/* The same, from len bytes at data (copied). */
int ocr_image_open_mem(const void *data, size_t len, struct ocr_image **ret,
		       struct error *err);
void ocr_image_free(struct ocr_image *img);

int ocr_image_page_count(const struct ocr_image *img);
/* "png", "jpeg", "tiff", "gif", "webp" or "bmp". */
const char *ocr_image_format(const struct ocr_image *img);

/*
 * Decodes page into *ret as a 1-bit or 8-bit grey image without a colormap
 * (colour is turned to luminance, transparency laid over white), keeping
 * the resolution the file declares (0 if none). Caller frees with pixDestroy.
 */
int ocr_image_read_page(struct ocr_image *img, int page, struct Pix **ret,
			struct error *err);

/* Whether an image of w x h pixels is within OCR_MAX_SIDE and
 * OCR_MAX_PIXELS: 0, or -1 with a message. */
int ocr_image_check_size(long long w, long long h, struct error *err);

/* Where ocr_image_sane_dpi() got its answer. */
enum ocr_dpi_source {
	OCR_DPI_DECLARED,  /* the file's own resolution, believable */
	OCR_DPI_TEXT,      /* measured from the height of lower-case letters */
	OCR_DPI_PAGE,      /* the image is taken to be a whole A4/Letter page */
	OCR_DPI_DEFAULT,   /* nothing to go on: OCR_DEFAULT_DPI */
};

struct ocr_dpi {
	int dpi;                    /* the resolution to tell Tesseract */
	int declared;               /* what the file said (0 = nothing) */
	enum ocr_dpi_source source;
	int xheight;                /* x-height of the text in pixels, 0 if
				     * none was measured */
};

/*
 * The resolution of a page image, believed from the file when it is not
 * one of the values software writes by default (none, 72, 96), lies in
 * OCR_MIN_DPI..OCR_MAX_DPI, and does not make the letters less than half
 * the usual size; otherwise estimated from the text's x-height (body text
 * is ~11 pt, an x-height of ~5.5 pt), else from the page's shape, else
 * OCR_DEFAULT_DPI. Always measures the x-height (~10 ms for a 300 dpi
 * page). Never fails.
 */
void ocr_image_sane_dpi(struct Pix *pix, struct ocr_dpi *ret);

/* The x-height of the text in a page image in pixels (the commonest height
 * of letter-sized connected components), or 0 when there is too little
 * text to tell. */
int ocr_image_xheight(struct Pix *pix);

#endif
