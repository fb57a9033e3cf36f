/*
 * fuzz_text.c - text extraction over arbitrary bytes. The first byte picks
 * the path: 0 HTML, 1 plain text, 2 DOCX, 3 ODT, 4 XLSX (zips), 5 DOCX
 * document.xml, 6 ODT content.xml, 7 an XLSX sheet (XML on its own); the
 * rest is the document. Whatever comes out must be valid UTF-8 with no
 * control characters but tab, newline and form feed, within the cap.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vault_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_OUTPUT (256 * 1024)

static void
check(const struct vault_text *t)
{
	if (t->text == NULL || t->len > FUZZ_MAX_OUTPUT ||
	    strlen(t->text) != t->len || !utf8_valid(t->text, t->len))
		abort();
	for (size_t i = 0; i < t->len; i++) {
		unsigned char c = (unsigned char)t->text[i];

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f') ||
		    c == 0x7f)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum vault_kind kinds[] = {
		VAULT_KIND_HTML, VAULT_KIND_TEXT, VAULT_KIND_DOCX,
		VAULT_KIND_ODT, VAULT_KIND_XLSX,
		VAULT_KIND_DOCX, VAULT_KIND_ODT, VAULT_KIND_XLSX,
	};
	struct vault_text t;
	struct error err;
	unsigned mode;
	int rc;

	if (size < 1)
		return 0;
	mode = data[0] % 8;
	if (mode < 5)
		rc = vault_text_extract_mem(kinds[mode], data + 1, size - 1,
					    FUZZ_MAX_OUTPUT, &t, &err);
	else
		rc = vault_text_from_xml(kinds[mode], (const char *)data + 1,
					 size - 1, FUZZ_MAX_OUTPUT, &t, &err);
	if (rc == 0) {
		check(&t);
		vault_text_release(&t);
	}
	return 0;
}
