/*
 * ocr_image.c - see ocr_image.h.
 *
 * The file is read into memory once; every page is decoded from there. The
 * buffer has 16 zero bytes past the data, because Leptonica's format sniffer
 * reads the first 12 bytes of whatever it is given.
 *
 * Size checks come before decoding: Leptonica's header readers are used
 * for PNG, JPEG, WebP and each TIFF page, but its GIF and BMP "header"
 * readers decode the whole image, so those two headers are parsed here
 * (and for GIF every frame counts, since giflib decodes them all).
 *
 * Leptonica reports problems on stderr. A handler keeps the last message
 * instead, to be added to our own; it is process-wide, like Leptonica's own
 * state, which is fine in a single-threaded worker.
 */
#include "config.h"

#include "ocr_image.h"

#include <errno.h>
#include <fcntl.h>
#include <leptonica/allheaders.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fvlimits.h"

#define IMAGE_PAD 16

/* Typical body text: 11 pt, whose x-height is about half the size. */
#define XHEIGHT_PT 5.5
/* Letter-sized connected components needed to trust an x-height. */
#define XHEIGHT_MIN_COMPONENTS 40
/* The long side of a page when nothing else is known: between US Letter
 * (11 in) and A4 (11.69 in), within 3% of either. */
#define PAGE_LONG_SIDE_IN 11.35

enum format { FMT_PNG, FMT_JPEG, FMT_TIFF, FMT_GIF, FMT_WEBP, FMT_BMP };

static const char *const format_names[] = {
	[FMT_PNG] = "png", [FMT_JPEG] = "jpeg", [FMT_TIFF] = "tiff",
	[FMT_GIF] = "gif", [FMT_WEBP] = "webp", [FMT_BMP] = "bmp",
};

struct ocr_image {
	l_uint8 *data; /* the file, then IMAGE_PAD zero bytes */
	size_t len;
	enum format format;
	int pages;
};

static char lept_last[200]; /* Leptonica's first message */

/* Keeps the first message since lept_quiet(): the later ones are callers
 * reporting that a callee failed. */
static void
lept_keep(const char *msg)
{
	size_t n;

	if (lept_last[0] != '\0')
		return;
	snprintf(lept_last, sizeof(lept_last), "%s", msg);
	n = strlen(lept_last);
	while (n > 0 && (lept_last[n - 1] == '\n' || lept_last[n - 1] == ' '))
		lept_last[--n] = '\0';
}

/* Routes Leptonica's messages to lept_last, and forgets the last one. */
static void
lept_quiet(void)
{
	static int installed;

	if (!installed) {
		leptSetStderrHandler(lept_keep);
		installed = 1;
	}
	lept_last[0] = '\0';
}

/* " (leptonica: ...)" when Leptonica said something, else "". */
static const char *
lept_said(char *out, size_t n)
{
	if (lept_last[0] == '\0')
		return "";
	snprintf(out, n, " (%s)", lept_last);
	return out;
}

int
ocr_image_check_size(long long w, long long h, struct error *err)
{
	if (w <= 0 || h <= 0)
		return error_set(err, "the image has no pixels (%lld x %lld)",
				 w, h);
	if (w > OCR_MAX_SIDE || h > OCR_MAX_SIDE || w * h > OCR_MAX_PIXELS)
		return error_set(err, "the image is %lld x %lld pixels, larger "
				 "than the limit of %lld pixels and %d per "
				 "side", w, h, (long long)OCR_MAX_PIXELS,
				 OCR_MAX_SIDE);
	return 0;
}

static unsigned
le16(const l_uint8 *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static int32_t
le32(const l_uint8 *p)
{
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 |
			 (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

/* Skips GIF data sub-blocks from *pos; 0, or -1 if they run off the end. */
static int
gif_skip_blocks(const l_uint8 *d, size_t n, size_t *pos)
{
	while (*pos < n && d[*pos] != 0)
		*pos += (size_t)d[*pos] + 1;
	if (*pos >= n)
		return -1;
	(*pos)++;
	return 0;
}

/* The logical screen and every frame of a GIF, against the pixel caps. */
static int
gif_check(const l_uint8 *d, size_t n, struct error *err)
{
	long long total = 0;
	size_t pos = 13;

	if (n < 13)
		return error_set(err, "the GIF is truncated");
	if (ocr_image_check_size(le16(d + 6), le16(d + 8), err) < 0)
		return -1;
	if (d[10] & 0x80)
		pos += (size_t)3 << ((d[10] & 7) + 1);
	while (pos < n && d[pos] != 0x3B) {
		if (d[pos] == 0x21) {
			pos += 2;
			if (gif_skip_blocks(d, n, &pos) < 0)
				break;
		} else if (d[pos] == 0x2C && pos + 10 <= n) {
			long long w = le16(d + pos + 5), h = le16(d + pos + 7);
			unsigned flags = d[pos + 9];

			if (ocr_image_check_size(w, h, err) < 0)
				return -1;
			total += w * h;
			if (total > OCR_MAX_PIXELS)
				return error_set(err, "the GIF's frames have more "
						 "than %lld pixels together",
						 (long long)OCR_MAX_PIXELS);
			pos += 10;
			if (flags & 0x80)
				pos += (size_t)3 << ((flags & 7) + 1);
			pos++; /* LZW minimum code size */
			if (gif_skip_blocks(d, n, &pos) < 0)
				break;
		} else {
			break; /* junk: the decoder will say so */
		}
	}
	return 0;
}

/* A BMP's dimensions, from the core (OS/2) or the Windows info header. */
static int
bmp_check(const l_uint8 *d, size_t n, struct error *err)
{
	long long w, h;

	if (n < 26)
		return error_set(err, "the BMP is truncated");
	if (le32(d + 14) == 12) {
		w = le16(d + 18);
		h = le16(d + 20);
	} else {
		w = le32(d + 18);
		h = le32(d + 22);
		if (h < 0) /* top-down rows */
			h = -h;
		/* Leptonica reads only uncompressed and bit-field BMPs. */
		if (n >= 34 && le32(d + 30) != 0 && le32(d + 30) != 3)
			return error_set(err, "compressed BMP images (RLE, "
					 "embedded JPEG or PNG) are not "
					 "supported; convert it to PNG");
	}
	return ocr_image_check_size(w, h, err);
}

/* The declared size of page, checked against the caps before decoding. */
static int
check_page_header(const struct ocr_image *img, int page, struct error *err)
{
	l_int32 format, w = 0, h = 0, bps, spp, cmap, res;
	char said[sizeof(lept_last) + 4];
	int bad;

	lept_quiet();
	switch (img->format) {
	case FMT_GIF:
		return gif_check(img->data, img->len, err);
	case FMT_BMP:
		return bmp_check(img->data, img->len, err);
	case FMT_TIFF:
		bad = readHeaderMemTiff(img->data, img->len, page, &w, &h, &bps,
					&spp, &res, &cmap, &format);
		break;
	default:
		bad = pixReadHeaderMem(img->data, img->len, &format, &w, &h,
				       &bps, &spp, &cmap);
		break;
	}
	if (bad)
		return error_set(err, "the %s image is damaged: its header "
				 "cannot be read%s", format_names[img->format],
				 lept_said(said, sizeof(said)));
	return ocr_image_check_size(w, h, err);
}

/* The number of pages of a TIFF, without decoding any. */
static int
tiff_pages(const struct ocr_image *img, struct error *err)
{
	char said[sizeof(lept_last) + 4];
	l_int32 n = 0;
	FILE *f;

	lept_quiet();
	f = fopenReadFromMemory(img->data, img->len);
	if (f == NULL)
		return error_set(err, "cannot read the TIFF: %s",
				 strerror(errno));
	if (tiffGetCount(f, &n) != 0)
		n = 0;
	fclose(f);
	if (n <= 0)
		return error_set(err, "the TIFF image is damaged: no page can "
				 "be found%s", lept_said(said, sizeof(said)));
	if (n > OCR_MAX_PAGES)
		return error_set(err, "the TIFF has %d pages, more than the "
				 "limit of %d", n, OCR_MAX_PAGES);
	return n;
}

/* Takes ownership of data, which has IMAGE_PAD zero bytes past len. */
static int
open_data(l_uint8 *data, size_t len, struct ocr_image **ret,
	  struct error *err)
{
	struct ocr_image *img = xcalloc(1, sizeof(*img));
	l_int32 format = IFF_UNKNOWN;
	int rc = -1, n;

	img->data = data;
	img->len = len;
	img->pages = 1;
	if (len == 0) {
		error_set(err, "the file is empty (0 bytes), not an image");
		goto out;
	}
	lept_quiet();
	findFileFormatBuffer(data, &format);
	switch (format) {
	case IFF_PNG:
		img->format = FMT_PNG;
		break;
	case IFF_JFIF_JPEG:
		img->format = FMT_JPEG;
		break;
	case IFF_GIF:
		img->format = FMT_GIF;
		break;
	case IFF_WEBP:
		img->format = FMT_WEBP;
		break;
	case IFF_BMP:
		img->format = FMT_BMP;
		break;
	case IFF_TIFF: case IFF_TIFF_PACKBITS: case IFF_TIFF_RLE:
	case IFF_TIFF_G3: case IFF_TIFF_G4: case IFF_TIFF_LZW:
	case IFF_TIFF_ZIP: case IFF_TIFF_JPEG:
		img->format = FMT_TIFF;
		break;
	default:
		error_set(err, "not an image in a supported format (PNG, "
			  "JPEG, TIFF, GIF, WebP, BMP)");
		goto out;
	}
	if (img->format == FMT_TIFF) {
		n = tiff_pages(img, err);
		if (n < 0)
			goto out;
		img->pages = n;
	}
	/* The first page's header now, so that a file that is not what it
	 * claims fails when opened rather than when first read. */
	if (check_page_header(img, 0, err) < 0)
		goto out;
	*ret = img;
	img = NULL;
	rc = 0;
out:
	ocr_image_free(img);
	return rc;
}

int
ocr_image_open(const char *path, struct ocr_image **ret, struct error *err)
{
	struct stat st;
	l_uint8 *data = NULL;
	size_t got = 0;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_set(err, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		error_set(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		error_set(err, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_size > OCR_MAX_IMAGE_BYTES) {
		error_set(err, "the image file has %lld bytes, more than the "
			  "limit of %lld", (long long)st.st_size,
			  (long long)OCR_MAX_IMAGE_BYTES);
		goto out;
	}
	data = xcalloc(1, (size_t)st.st_size + IMAGE_PAD);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, data + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			error_set(err, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break; /* the file shrank: decode what is there */
		got += (size_t)r;
	}
	rc = open_data(data, got, ret, err);
	data = NULL;
out:
	free(data);
	close(fd);
	return rc;
}

int
ocr_image_open_mem(const void *data, size_t len, struct ocr_image **ret,
		   struct error *err)
{
	l_uint8 *copy;

	if (len > (size_t)OCR_MAX_IMAGE_BYTES)
		return error_set(err, "the image has %zu bytes, more than the "
				 "limit of %lld", len,
				 (long long)OCR_MAX_IMAGE_BYTES);
	copy = xcalloc(1, len + IMAGE_PAD);
	if (len > 0)
		memcpy(copy, data, len);
	return open_data(copy, len, ret, err);
}

void
ocr_image_free(struct ocr_image *img)
{
	if (img == NULL)
		return;
	free(img->data);
	free(img);
}

int
ocr_image_page_count(const struct ocr_image *img)
{
	return img->pages;
}

const char *
ocr_image_format(const struct ocr_image *img)
{
	return format_names[img->format];
}

/*
 * Brings a decoded image to 1 or 8 bits of grey without a colormap, the
 * forms the rest of the pipeline handles. Consumes pix; NULL on failure.
 */
static PIX *
normalise(PIX *pix)
{
	l_int32 xres = pixGetXRes(pix), yres = pixGetYRes(pix);
	PIX *out;

	if (pixGetColormap(pix)) {
		out = pixRemoveColormap(pix, REMOVE_CMAP_BASED_ON_SRC);
		pixDestroy(&pix);
		if ((pix = out) == NULL)
			return NULL;
	}
	if (pixGetDepth(pix) == 32 && pixGetSpp(pix) == 4) {
		out = pixAlphaBlendUniform(pix, 0xffffff00);
		pixDestroy(&pix);
		if ((pix = out) == NULL)
			return NULL;
	}
	switch (pixGetDepth(pix)) {
	case 1:
	case 8:
		out = pix;
		pix = NULL;
		break;
	case 32:
		out = pixConvertRGBToLuminance(pix);
		break;
	case 16:
		out = pixConvert16To8(pix, L_MS_BYTE);
		break;
	default:
		out = pixConvertTo8(pix, 0);
		break;
	}
	pixDestroy(&pix);
	if (out)
		pixSetResolution(out, xres, yres);
	return out;
}

int
ocr_image_read_page(struct ocr_image *img, int page, struct Pix **ret,
		    struct error *err)
{
	char said[sizeof(lept_last) + 4];
	PIX *pix;

	if (page < 0 || page >= img->pages)
		return error_set(err, "page %d does not exist (the image has "
				 "%d)", page + 1, img->pages);
	if (check_page_header(img, page, err) < 0)
		return -1;
	lept_quiet();
	if (img->format == FMT_TIFF)
		pix = pixReadMemTiff(img->data, img->len, page);
	else
		pix = pixReadMem(img->data, img->len);
	if (pix == NULL)
		return error_set(err, "the %s image is damaged or truncated%s",
				 format_names[img->format],
				 lept_said(said, sizeof(said)));
	/* A decoder may disagree with the header it was checked against. */
	if (ocr_image_check_size(pixGetWidth(pix), pixGetHeight(pix), err) < 0) {
		pixDestroy(&pix);
		return -1;
	}
	pix = normalise(pix);
	if (pix == NULL)
		return error_set(err, "the %s image cannot be converted to "
				 "grey%s", format_names[img->format],
				 lept_said(said, sizeof(said)));
	*ret = pix;
	return 0;
}

int
ocr_image_xheight(struct Pix *pix)
{
	enum { MAXH = 256 };
	int hist[MAXH + 2] = { 0 };
	PIX *bw;
	BOXA *boxes;
	int n, best = 0, used = 0;

	/* A fixed threshold is enough to find letters on most scans, and
	 * cheap; when it fails, there are too few components to trust. */
	lept_quiet();
	bw = pixGetDepth(pix) == 1 ? pixClone(pix) : pixConvertTo1(pix, 128);
	if (bw == NULL)
		return 0;
	boxes = pixConnCompBB(bw, 8);
	pixDestroy(&bw);
	if (boxes == NULL)
		return 0;
	n = boxaGetCount(boxes);
	for (int i = 0; i < n; i++) {
		l_int32 x, y, w, h;

		if (boxaGetBoxGeometry(boxes, i, &x, &y, &w, &h) != 0)
			continue;
		/* Letters: not specks, not rules or frames, about as wide as
		 * tall (an "m" is ~1.5 times its height, an "i" ~0.3). */
		if (h < 4 || h > MAXH || w < 2 || w > 2 * h || 4 * w < h)
			continue;
		hist[h]++;
		used++;
	}
	boxaDestroy(&boxes);
	if (used < XHEIGHT_MIN_COMPONENTS)
		return 0;
	/* The commonest height, smoothed over neighbours so that a size
	 * split between two rounding values is not missed. Lower-case
	 * letters without ascenders or descenders are the largest group in
	 * running text in Latin scripts. */
	for (int h = 4, score = -1; h <= MAXH; h++) {
		int s = hist[h - 1] + 2 * hist[h] + hist[h + 1];

		if (s > score) {
			score = s;
			best = h;
		}
	}
	return best;
}

void
ocr_image_sane_dpi(struct Pix *pix, struct ocr_dpi *ret)
{
	int declared = pixGetYRes(pix) > 0 ? pixGetYRes(pix) : pixGetXRes(pix);
	int w = pixGetWidth(pix), h = pixGetHeight(pix);
	double long_side = w > h ? w : h, short_side = w > h ? h : w;
	double ratio = short_side > 0 ? long_side / short_side : 0;
	struct ocr_dpi d = { OCR_DEFAULT_DPI, declared, OCR_DPI_DEFAULT, 0 };
	int from_text;

	d.xheight = ocr_image_xheight(pix);
	from_text = (int)lround(d.xheight * 72.0 / XHEIGHT_PT);
	/* 72 and 96 are what software writes when it knows nothing (screen
	 * resolutions); many scanners and converters do. A resolution at
	 * which the letters would be under half the usual size is wrong
	 * too (a 150 dpi scan labelled 600 read at 24% CER, measured). */
	if (declared >= OCR_MIN_DPI && declared <= OCR_MAX_DPI &&
	    declared != 72 && declared != 96 &&
	    (d.xheight == 0 || from_text * 2 >= declared)) {
		d.dpi = declared;
		d.source = OCR_DPI_DECLARED;
	} else if (d.xheight > 0) {
		d.dpi = from_text;
		d.source = OCR_DPI_TEXT;
	} else if (ratio > 1.25 && ratio < 1.7) {
		/* Shaped like a Letter, A4 or Legal page, held either way. */
		d.dpi = (int)lround(long_side / PAGE_LONG_SIDE_IN);
		d.source = OCR_DPI_PAGE;
	}
	if (d.dpi < OCR_MIN_DPI)
		d.dpi = OCR_MIN_DPI;
	if (d.dpi > OCR_MAX_DPI)
		d.dpi = OCR_MAX_DPI;
	*ret = d;
}
