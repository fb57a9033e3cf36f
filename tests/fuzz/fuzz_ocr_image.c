/*
 * fuzz_ocr_image.c - libFuzzer target for the page loaders of ocr/: the
 * bytes go through the image loader (every page, then the sane-DPI rule)
 * and the PDF loader (page count, text layer and real-text decision, and a
 * render at the lowest resolution) as far as the point where a page would
 * be handed to Tesseract. Seeds: tests/fuzz/corpus/ocr_image (written by
 * tests/fixtures/ocr/make-fixtures.sh).
 *
 *   clang -fsanitize=fuzzer,address,undefined ... fuzz_ocr_image.c
 *
 * Built with -DFV_FUZZ_STANDALONE it has a main() that runs each file named
 * on the command line once, so that the corpus can be replayed without
 * libFuzzer (make check).
 */
#include "config.h"

#include <leptonica/allheaders.h>
#include <stddef.h>
#include <stdint.h>

#include "fvlimits.h"
#include "ocr_image.h"
#include "ocr_pdf.h"

/* Pages looked at per input: enough to reach a second TIFF directory or
 * PDF page, few enough to keep each run fast. */
#define FUZZ_PAGES 3

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
image(const uint8_t *data, size_t size)
{
	struct ocr_image *img = NULL;
	struct error err;

	if (ocr_image_open_mem(data, size, &img, &err) < 0)
		return;
	for (int p = 0; p < ocr_image_page_count(img) && p < FUZZ_PAGES; p++) {
		struct ocr_dpi dpi;
		PIX *pix = NULL;

		if (ocr_image_read_page(img, p, &pix, &err) < 0)
			continue;
		ocr_image_sane_dpi(pix, &dpi);
		pixDestroy(&pix);
	}
	ocr_image_free(img);
}

static void
pdf(const uint8_t *data, size_t size)
{
	struct ocr_pdf *doc = NULL;
	struct error err;

	if (ocr_pdf_open_mem(data, size, &doc, &err) < 0)
		return;
	for (int p = 0; p < ocr_pdf_page_count(doc) && p < FUZZ_PAGES; p++) {
		struct ocr_pdf_text t;
		PIX *pix = NULL;

		if (ocr_pdf_page_text(doc, p, &t, &err) == 0) {
			if (!utf8_valid(t.text, t.len))
				__builtin_trap();
			ocr_pdf_text_release(&t);
		}
		if (ocr_pdf_render(doc, p, OCR_MIN_DPI, &pix, &err) == 0)
			pixDestroy(&pix);
	}
	ocr_pdf_free(doc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	image(data, size);
	pdf(data, size);
	return 0;
}

#ifdef FV_FUZZ_STANDALONE
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *buf;
		long n;

		if (f == NULL || fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0) {
			perror(argv[i]);
			return 1;
		}
		rewind(f);
		buf = xmalloc((size_t)n + 1);
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			perror(argv[i]);
			return 1;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(buf, (size_t)n);
		free(buf);
	}
	printf("replayed %d inputs\n", argc - 1);
	return 0;
}
#endif
