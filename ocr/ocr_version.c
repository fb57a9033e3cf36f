/*
 * ocr_version.c - see ocr_version.h.
 */
#include "config.h"

#include "ocr_version.h"

#include <leptonica/allheaders.h>
#include <mupdf/fitz.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>

const char *
ocr_tesseract_version(void)
{
	return TessVersion();
}

char *
ocr_leptonica_version(void)
{
	char *v = getLeptonicaVersion();
	char *copy = strdup(v ? v : "unknown");

	lept_free(v);
	return copy;
}

const char *
ocr_mupdf_version(void)
{
	return FZ_VERSION;
}
