/*
 * vault_detect.h - what kind of document a file is, from its content, with
 * its name as a hint.
 *
 * libmagic reads the first FV_DETECT_HEAD_BYTES; the name settles what
 * libmagic cannot tell apart (it calls an .eml or a CSV text/plain, and a
 * short HTML page too), and zips are looked into for the parts that make
 * them a DOCX, XLSX or ODT. A kind we do not index is VAULT_KIND_UNSUPPORTED:
 * the caller stores the file anyway, "not indexed: unsupported type".
 *
 * One libmagic handle per process, opened on first use. The functions are
 * serialised by a mutex; workers are single-threaded in any case.
 */
#ifndef FOIVAULT_VAULT_DETECT_H
#define FOIVAULT_VAULT_DETECT_H

#include <stddef.h>

#include "util.h"

enum vault_kind {
	VAULT_KIND_UNSUPPORTED = 0,
	VAULT_KIND_PDF,
	VAULT_KIND_IMAGE,   /* PNG, JPEG, TIFF, GIF, WebP, BMP */
	VAULT_KIND_TEXT,    /* plain text, CSV, XML, JSON */
	VAULT_KIND_HTML,
	VAULT_KIND_DOCX,
	VAULT_KIND_ODT,
	VAULT_KIND_XLSX,
	VAULT_KIND_EMAIL,   /* message/rfc822 */
	VAULT_KIND_ARCHIVE  /* zip, tar (plain or gzip/bzip2/xz/zstd), 7z */
};

#define VAULT_MIME_MAX 128

struct vault_type {
	enum vault_kind kind;
	char mime[VAULT_MIME_MAX]; /* "application/pdf"; never empty */
};

/*
 * Detects the type of the file at path. name is the file's original name
 * (a hint; may be NULL). Returns 0 and fills *ret (UNSUPPORTED is a
 * success), or -1 with err set when the file cannot be read or libmagic
 * cannot be loaded.
 */
int vault_detect_file(const char *path, const char *name,
		      struct vault_type *ret, struct error *err);
/* The same for bytes in memory (all of the file). */
int vault_detect_mem(const void *data, size_t len, const char *name,
		     struct vault_type *ret, struct error *err);

/* A short lower-case name for a kind: "pdf", "docx", "unsupported" ... */
const char *vault_kind_name(enum vault_kind kind);

/* Closes the libmagic handle (tests, for leak checkers); reopened on use. */
void vault_detect_cleanup(void);

#endif
