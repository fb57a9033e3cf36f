/*
 * vault_text.h - the text of documents that need no OCR: plain text, HTML,
 * DOCX, ODT and XLSX.
 *
 * Output is UTF-8 without control characters other than tab and newline;
 * pages are separated by form feeds ('\f'), which never come from the input.
 * An XLSX has one page per sheet, in the workbook's order; every other
 * format has one page. Office documents are zips, read with libarchive; their
 * XML is read by a small non-validating tokenizer of our own that expands
 * only the predefined and numeric character references and refuses document
 * type declarations, so no entity can expand and nothing external is read.
 * Every size is capped (fvlimits.h); text past max_output is cut at a character
 * boundary and the result says so.
 */
#ifndef FOIVAULT_VAULT_TEXT_H
#define FOIVAULT_VAULT_TEXT_H

#include <stddef.h>

#include "util.h"
#include "vault_detect.h"

struct vault_text {
	char *text;     /* UTF-8, NUL-terminated; pages separated by '\f' */
	size_t len;
	unsigned pages;
	int truncated;  /* the text was cut at max_output */
};

/*
 * Extracts the text of the file at path, whose kind is one of TEXT, HTML,
 * DOCX, ODT or XLSX. max_output caps the bytes of text (0: the default,
 * FV_DEFAULT_TEXT_MAX_OUTPUT). Returns 0 and fills *ret, or -1 with err set
 * (another kind, an unreadable or damaged document, a part over its limit).
 */
int vault_text_extract_file(enum vault_kind kind, const char *path,
			    size_t max_output, struct vault_text *ret,
			    struct error *err);
/* The same for a whole file in memory. */
int vault_text_extract_mem(enum vault_kind kind, const void *data, size_t len,
			   size_t max_output, struct vault_text *ret,
			   struct error *err);
/*
 * The text of one office XML part: a DOCX word/document.xml, an ODT
 * content.xml (or a flat .fodt), or one XLSX worksheet (shared strings then
 * read as empty). For tests, fuzzing and flat XML documents.
 */
int vault_text_from_xml(enum vault_kind kind, const char *xml, size_t len,
			size_t max_output, struct vault_text *ret,
			struct error *err);

/* Frees t's text (t itself is the caller's). Accepts NULL. */
void vault_text_release(struct vault_text *t);

#endif
