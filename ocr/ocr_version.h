/*
 * ocr_version.h - versions of the OCR and PDF libraries this build uses, for
 * "foivault version" and the health check (a user reporting a wrong OCR
 * result needs to tell us which Tesseract read the page).
 */
#ifndef FOIVAULT_OCR_VERSION_H
#define FOIVAULT_OCR_VERSION_H

const char *ocr_tesseract_version(void);
/* Leptonica's version string, newly allocated (the library allocates it). */
char *ocr_leptonica_version(void);
const char *ocr_mupdf_version(void);

#endif
